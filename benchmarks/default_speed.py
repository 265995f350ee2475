"""Wall time and test Recall@1 of the default `clip_tutorial_train` (no flags): an earlier version against this one.

Puts the earlier version (a git ref) in a temporary worktree and runs each version's own `clip_tutorial_train`
entry point (the one its settings.ini declares), with that version's folder first on PYTHONPATH, alternately (old, new, old, new, ...), each run in its own empty folder. Prints each run's wall time, its test
R@1 both ways and the largest epoch-to-epoch fall of validation text-to-image R@1 after the warm-up, then the
medians and the old/new ratios, pair by pair: of wall time, and of CPU time (user + system seconds of the run, which
other jobs on a shared machine disturb less than the wall time).

  python benchmarks/default_speed.py                          # 3f4055c against this checkout, 2 runs each
  python benchmarks/default_speed.py --runs 3 --args="--threads 1"
  python benchmarks/default_speed.py --new /path/to/other/checkout
"""
import argparse, configparser, os, re, resource, shlex, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

def worktree(ref:str, # a commit, tag or branch of this repository
             dest:Path, # folder to create
            )->Path: # the worktree's root
    "A detached git worktree of `ref` at `dest`."
    r = subprocess.run(['git', '-C', str(ROOT), 'worktree', 'add', '--detach', str(dest), ref], capture_output=True, text=True)
    if r.returncode: sys.exit(f"git worktree add {ref} failed: {r.stderr.strip()}")
    return dest

def largest_fall(metrics_csv:Path, # metrics.csv of a run
                )->float: # largest drop of valid t2i R@1 from one epoch to the next, after the warm-up
    "Largest epoch-to-epoch fall of validation text-to-image R@1 once the learning rate has peaked."
    h = pd.read_csv(metrics_csv)
    v, peak = h['t2i_R@1'].tolist(), int(h['lr'].idxmax()) if 'lr' in h else 0
    return max([a - b for a, b in zip(v[peak:], v[peak + 1:])] or [0.])

def entry_point(code:Path, # root of a checkout (holds settings.ini and the clip_tutorial package)
                work:Path, # folder to write the launcher into
               )->list: # the command line that runs its clip_tutorial_train
    "The `clip_tutorial_train` console script that `code`'s settings.ini declares, written out as pip writes it."
    ini = configparser.ConfigParser(); ini.read(code/'settings.ini')
    scripts = dict(l.split('=', 1) for l in ini.get('DEFAULT', 'console_scripts', fallback='').split() if '=' in l)
    if 'clip_tutorial_train' not in scripts: sys.exit(f"{code/'settings.ini'} declares no clip_tutorial_train console script")
    mod, fn = scripts['clip_tutorial_train'].split(':')
    launcher = work/'clip_tutorial_train'  # a file, like the installed script: fastcore's call_parse reads sys.argv only from a module
    launcher.write_text(f"import sys\nfrom {mod} import {fn}\nif __name__ == '__main__': sys.exit({fn}())\n")
    return [sys.executable, str(launcher)]

def run_default(code:Path, # folder put first on PYTHONPATH (it holds the clip_tutorial package)
                work:Path, # empty folder to run in (the run writes runs/clip there)
                args:list, # extra flags (none for the default)
               )->dict: # wall, cpu, t2i, i2t, fall, ok
    "Run `code`'s `clip_tutorial_train` with `code` first on PYTHONPATH inside `work`; wall time, test R@1, largest validation fall."
    work.mkdir(parents=True)
    env = os.environ | dict(PYTHONPATH=str(code))
    u0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    r = subprocess.run([*entry_point(code, work), *args], cwd=work, env=env, capture_output=True, text=True)
    wall, u1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (u1.ru_utime - u0.ru_utime) + (u1.ru_stime - u0.ru_stime)
    (work/'log.txt').write_text(r.stdout + r.stderr)
    t2i, i2t = (re.search(rf'^{d}\s+([\d.]+)', r.stdout, re.M) for d in ('text->image', 'image->text'))
    csv = next(work.glob('**/metrics.csv'), None)
    ok = r.returncode == 0 and t2i is not None and i2t is not None
    if not ok: print(f'  failed (exit {r.returncode}); last lines:\n' + '\n'.join((r.stdout + r.stderr).splitlines()[-5:]))
    return dict(wall=wall, cpu=cpu, t2i=float(t2i[1]) if t2i else float('nan'), i2t=float(i2t[1]) if i2t else float('nan'),
                fall=largest_fall(csv) if csv else float('nan'), ok=ok)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--ref', default='3f4055c', help='git ref of the earlier version (default: 3f4055c)')
    p.add_argument('--new', default=str(ROOT), help='folder holding the new clip_tutorial package (default: this checkout)')
    p.add_argument('--runs', type=int, default=2, help='runs of each version (at least 2)')
    p.add_argument('--args', default='', help='flags given to both commands, e.g. "--threads 1" (default: none)')
    p.add_argument('--keep', default=None, help='keep the run folders here (default: a temporary folder, removed)')
    a = p.parse_args()
    if a.runs < 2: p.error('--runs must be at least 2')
    tmp = Path(a.keep or tempfile.mkdtemp(prefix='default_speed_'))
    tmp.mkdir(parents=True, exist_ok=True)
    old_code = worktree(a.ref, tmp/'old_code')
    versions, args = dict(old=old_code, new=Path(a.new).resolve()), shlex.split(a.args)
    print(f"clip_tutorial_train {a.args}\nold: {a.ref} ({old_code})\nnew: {versions['new']}\n")
    print(f"{'run':<7} {'wall s':>8} {'cpu s':>8} {'test t2i R@1':>13} {'test i2t R@1':>13} {'largest valid t2i fall':>23}", flush=True)
    res = dict(old=[], new=[])
    try:
        for i in range(a.runs):
            for name, code in versions.items():
                r = run_default(code, tmp/f'{name}{i}', args)
                res[name].append(r)
                print(f"{name}{i:<4} {r['wall']:8.1f} {r['cpu']:8.1f} {r['t2i']:13.3f} {r['i2t']:13.3f} {r['fall']:23.3f}", flush=True)
    finally:
        subprocess.run(['git', '-C', str(ROOT), 'worktree', 'remove', '--force', str(old_code)], capture_output=True)
        if not a.keep: shutil.rmtree(tmp, ignore_errors=True)
    ok = {n: [r for r in rs if r['ok']] or [dict.fromkeys(('wall', 'cpu', 't2i', 'i2t', 'fall'), float('nan'))] for n, rs in res.items()}
    med = {n: {k: statistics.median(r[k] for r in rs) for k in ('wall', 'cpu', 't2i', 'i2t', 'fall')} for n, rs in ok.items()}
    ratio = lambda k: [o[k] / n[k] for o, n in zip(res['old'], res['new']) if o['ok'] and n['ok']] or [float('nan')]  # finished pairs only
    print('\nmedians of the finished runs')
    for n, m in med.items(): print(f"{n:<7} {m['wall']:8.1f} {m['cpu']:8.1f} {m['t2i']:13.3f} {m['i2t']:13.3f} {m['fall']:23.3f}")
    print()
    for k, what in (('wall', 'wall time'), ('cpu', 'CPU time')):
        print(f"old/new {what}, pair by pair: {', '.join(f'{x:.2f}' for x in ratio(k))}; median {statistics.median(ratio(k)):.2f}x")
    if not all(r['ok'] for rs in res.values() for r in rs): sys.exit(1)

if __name__ == '__main__': main()
