"""Run every notebook as a test with nbdev's own `test_nb` (tst_flags honoured), then the site and README tests.
Prints one PASS/FAIL line per notebook; for the whole suite (no notebook path given) also one for the docs check's own
tests (`tools/test_docs.py`), one for the README's python code run as printed in a fresh interpreter, and one for
`tools/docs.py check` (nbdev's docs processing of every notebook, rendered and checked); ends with `N passed, M failed`.
Exits non-zero when anything fails or when no notebook ran."""
import os, re, subprocess, sys, tempfile, time
from pathlib import Path
from fastcore.parallel import parallel
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import test_nb

def _run(cmd, timeout=900, **kw):
    "Run `cmd`; print the end of its output when it fails; return whether it passed."
    try: r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired: print(f'{cmd[-1]} took over {timeout}s'); return False
    if r.returncode: print(r.stdout[-3000:], r.stderr[-3000:])
    return r.returncode == 0

def readme_blocks(readme, timeout=600):
    "Run the README's ```python blocks, in order, as one script in a fresh interpreter in an empty folder."
    code = '\n\n'.join(re.findall(r'^```python\n(.*?)^```', readme.read_text(), re.S | re.M))
    if not code.strip(): print(f'{readme.name}: no python code block found'); return False
    with tempfile.TemporaryDirectory() as d:
        (Path(d)/'readme.py').write_text(code)
        env = {**os.environ, 'MPLBACKEND': 'Agg', 'TMPDIR': d}  # its temporary folders go with this one
        return _run([sys.executable, 'readme.py'], timeout, cwd=d, env=env)

def main(path=None, n_workers=2, site_only=False):
    cfg = get_config()
    files = [] if site_only else sorted(nbglob(path, as_path=True))
    files = [f.absolute() for f in files]
    if not files and not site_only:
        print('no notebook found to test\n0 passed, 0 failed'); return 1
    skip = cfg.tst_flags.split()
    start = time.time()
    with working_directory(cfg.nbs_path):
        res = list(parallel(test_nb, files, skip_flags=skip, basepath=cfg.config_path,
                       n_workers=min(n_workers, len(files)), pause=0.01)) if files else []
    names = [f.name for f in files]
    print(f'notebooks took {time.time()-start:.0f}s (skipped flags: {" ".join(skip)})')
    if path is None:  # the whole suite: the README must run and the docs site must build too
        root = Path(cfg.config_path)
        for name, f in [('docs check tests', lambda: _run([sys.executable, str(root/'tools'/'test_docs.py')])),
                        ('README python blocks', lambda: readme_blocks(root/'README.md')),
                        ('docs check (tools/docs.py)', lambda: _run([sys.executable, str(root/'tools'/'docs.py'), 'check']))]:
            t0 = time.time()
            names.append(name); res.append((f(), time.time() - t0))
    for name, (ok, secs) in zip(names, res):
        print(f"{'PASS' if ok else 'FAIL'}  {name:<28} {secs:6.1f}s", flush=True)
    n_ok = sum(ok for ok, _ in res)
    print(f'{n_ok} passed, {len(res)-n_ok} failed')
    return 0 if n_ok == len(res) else 1

if __name__ == '__main__':  # python .ci/test_nbs.py [nbs/XX.ipynb | --site (only the site and README tests)]
    arg = sys.argv[1] if len(sys.argv) > 1 else None
    sys.exit(main(None, site_only=True) if arg == '--site' else main(arg))
