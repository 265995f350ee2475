"""Run every notebook as a test with nbdev's own `test_nb` (tst_flags honoured), then the docs check.
Prints one PASS/FAIL line per notebook and one for `tools/docs.py check` (nbdev's docs processing of every
notebook, rendered to HTML; skipped when a notebook path is given), and ends with `N passed, M failed`.
Exits non-zero when anything fails or when no notebook ran."""
import os, subprocess, sys, time
from pathlib import Path
from fastcore.parallel import parallel
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import test_nb

def main(path=None, n_workers=2):
    cfg = get_config()
    files = sorted(nbglob(path, as_path=True))
    files = [f.absolute() for f in files]
    if not files:
        print('no notebook found to test\n0 passed, 0 failed'); return 1
    skip = cfg.tst_flags.split()
    start = time.time()
    with working_directory(cfg.nbs_path):
        res = list(parallel(test_nb, files, skip_flags=skip, basepath=cfg.config_path,
                       n_workers=min(n_workers, len(files)), pause=0.01))
    names = [f.name for f in files]
    print(f'notebooks took {time.time()-start:.0f}s (skipped flags: {" ".join(skip)})')
    if path is None:  # the whole suite: the docs site must build too
        t0 = time.time()
        docs = subprocess.run([sys.executable, str(Path(cfg.config_path)/'tools'/'docs.py'), 'check'], capture_output=True, text=True)
        if docs.returncode: print(docs.stdout[-3000:], docs.stderr[-3000:])
        names.append('docs check (tools/docs.py)'); res.append((docs.returncode == 0, time.time() - t0))
    for name, (ok, secs) in zip(names, res):
        print(f"{'PASS' if ok else 'FAIL'}  {name:<28} {secs:6.1f}s", flush=True)
    n_ok = sum(ok for ok, _ in res)
    print(f'{n_ok} passed, {len(res)-n_ok} failed')
    return 0 if n_ok == len(res) else 1

if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
