"""Flickr8k benchmark: `clip_tutorial_train --config recipes/flickr8k_cpu.yaml` from nothing, timed, with its test Recall@K.

The recipe trains the offline pretrained towers (EfficientNet-Lite0 + all-MiniLM-L6-v2) with the `partial` pipeline: the
frozen lower stages of both towers run once and are cached, the heads train alone first, then the upper stages with them on
their outputs, the weights of the last epochs are averaged; the epoch is chosen on the 1000 dev images. This script runs the command with an
empty cache folder (so the timed run includes the pass of the lower stages), echoes its output, and prints the wall time
and the 1000 official test images' Recall@1/5/10 both ways as a table row; OUT_DIR/results.json keeps them
(benchmarks/RESULTS.md records the measured runs). Not a test: about half an hour on 2 CPU cores.

    python benchmarks/flickr8k.py --data_path ../shared/data/flickr8k

Arguments it does not know go to the command, e.g. `--epochs 2 --average_from 2` for a short check, or
`--data table` with `--data_path FILE` for a caption table of a subset.
"""
import argparse, json, os, platform, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROWS = ('text->image', 'image->text')

def run_command(args:list)->tuple:
    "Run clip_tutorial_train with `args`, echoing its output; returns (wall seconds, the output)."
    cmd, lines, t0 = [shutil.which('clip_tutorial_train') or 'clip_tutorial_train', *args], [], time.time()
    print('$', ' '.join(cmd), flush=True)
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as p:
        for line in p.stdout: print(line, end='', flush=True); lines.append(line)
    if p.returncode: sys.exit(f'clip_tutorial_train failed (exit status {p.returncode})')
    return time.time() - t0, ''.join(lines)

def test_recall(output:str)->dict:
    "The test split's Recall@1/5/10 both ways from the table the command prints last."
    found = {m[0]: [float(x) for x in m[1:]] for m in re.findall(r'^(text->image|image->text)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$', output, re.M)}
    if set(found) != set(ROWS): sys.exit('the command printed no test Recall@K table')
    return {f'{d}_R@{k}': found[row][i] for d, row in zip(('t2i', 'i2t'), ROWS) for i, k in enumerate((1, 5, 10))}

def main(a, extra:list):
    out = Path(a.out_dir)
    cache = Path(a.cache_dir or tempfile.mkdtemp(prefix='flickr8k_cache_'))
    args = ['--config', a.recipe, '--data_path', a.data_path, '--out_dir', str(out/'run'), '--cache_dir', str(cache), *extra]
    seconds, output = run_command(args)
    command = ' '.join(['clip_tutorial_train --config', a.recipe, '--data_path', a.data_path, *extra])
    r = dict(command=command, minutes=round(seconds / 60, 1), threads=os.environ.get('OMP_NUM_THREADS'),
             machine=platform.processor() or platform.machine(), **test_recall(output))
    print(f"\n{command}: {seconds / 60:.1f} min from nothing; test split Recall@K")
    print('| run | wall time | t2i R@1 | t2i R@5 | t2i R@10 | i2t R@1 | i2t R@5 | i2t R@10 |\n|---|---|---|---|---|---|---|---|')
    print(f"| {command} | {seconds / 60:.1f} min | " + ' | '.join(f"{r[f'{d}_R@{k}']:.3f}" for d in ('t2i', 'i2t') for k in (1, 5, 10)) + ' |')
    out.mkdir(parents=True, exist_ok=True)
    (out/'results.json').write_text(json.dumps(r, indent=1))
    if not a.cache_dir: shutil.rmtree(cache, ignore_errors=True)
    return r

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)  # --data goes to the command
    p.add_argument('--data_path', default='../shared/data/flickr8k', help='the Flickr8k folder')
    p.add_argument('--recipe', default='recipes/flickr8k_cpu.yaml')
    p.add_argument('--out_dir', default='benchmarks/out/flickr8k', help='the run goes to OUT_DIR/run, the figures to OUT_DIR/results.json')
    p.add_argument('--cache_dir', default=None, help='cache folder of the run (default: a new empty one, removed afterwards)')
    a, extra = p.parse_known_args()
    main(a, extra)
