"""Execute notebooks in place so their saved outputs come from a real run.

Runs every code cell (`#| slow` ones included) except those flagged with one of `--skip`
(default: gpu), cells marked `#| eval: false` and `nbdev_export()` cells; skipped cells keep
the outputs they had. Stops at the first error and leaves the notebook unchanged.
Usage: python tools/execute_nbs.py nbs/00_data.ipynb [more.ipynb] [--skip gpu]
"""
import argparse, os, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbdev.process import extract_directives

def _skipper(flags):
    def _skip(cell):
        if cell.cell_type != 'code': return True
        if 'nbdev_export' + '(' in cell.source: return True
        d = extract_directives(cell, remove=False)
        if d.get('eval:', [''])[0].lower() == 'false': return True
        return bool(set(flags) & d.keys())
    return _skip

def execute(path, flags=('gpu',)):
    path = Path(path).resolve()
    nb = read_nb(path)
    shell = CaptureShell(path)
    shell.set_path(path.parent)
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        shell.run_all(nb, exc_stop=True, preproc=_skipper(flags))
    finally: os.chdir(cwd)
    write_nb(nb, path)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--skip', nargs='*', default=['gpu'], help='flags whose cells are not run')
    a = p.parse_args()
    for nb in a.notebooks:
        t = time.time()
        try: execute(nb, a.skip)
        except Exception as e:
            print(f'FAILED {nb}: {type(e).__name__}: {e}', file=sys.stderr); sys.exit(1)
        print(f'executed {nb} in {time.time()-t:.1f}s')
