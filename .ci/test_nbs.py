"""Run every notebook as a test with nbdev's own `test_nb` (tst_flags honoured).
Prints one PASS/FAIL line per notebook and ends with `N passed, M failed`.
Exits non-zero when any notebook fails or when none ran."""
import os, sys, time
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
        res = parallel(test_nb, files, skip_flags=skip, basepath=cfg.config_path,
                       n_workers=min(n_workers, len(files)), pause=0.01)
    for f, (ok, secs) in zip(files, res):
        print(f"{'PASS' if ok else 'FAIL'}  {f.name:<28} {secs:6.1f}s", flush=True)
    n_ok = sum(ok for ok, _ in res)
    print(f'notebooks took {time.time()-start:.0f}s (skipped flags: {" ".join(skip)})')
    print(f'{n_ok} passed, {len(files)-n_ok} failed')
    return 0 if n_ok == len(files) else 1

if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
