"""Zero-shot colour and shape accuracy of the default shapes training, per seed (notebook 08's measurement, repeated).

Trains `clip_tutorial_train`'s default recipe (or the `--n_images` / `--epochs` given) once per seed on `--threads`
threads, then classifies 1000 held-out one-object scenes (`make_shapes(n_images=1000, seed=1, two_pct=0)`, 64 px)
zero-shot, as notebook 08 does: colour and shape with prompts averaged over the other attributes, and shape and colour
read off the winner among the 70 full "size colour shape" labels. `--model_dir` scores saved models instead of training.
Prints one line per model and a markdown table. Not a test: each training takes minutes.

  python benchmarks/shapes_zero_shot.py --seeds 42 1 2
  python benchmarks/shapes_zero_shot.py --n_images 2000 --epochs 60 --seeds 42 1 2
  python benchmarks/shapes_zero_shot.py --model_dir runs/clip/best
"""
import argparse, tempfile, time
from pathlib import Path
import pandas as pd
from clip_tutorial.shapes import COLORS, SHAPES, SIZES, make_shapes
from clip_tutorial.train import TrainConfig, train
from clip_tutorial.retrieval import load_model_dir
from clip_tutorial.zero_shot import ZeroShotClassifier

def zero_shot(model, probe:pd.DataFrame)->dict:
    "Accuracies on one-object scenes: averaged prompts for colour and shape, and both read off the full labels."
    model.eval()
    color_templates = [f'a {size} {{}} {shape}' for size in SIZES for shape in SHAPES]
    shape_templates = [f'a {size} {color} {{}}' for size in SIZES for color in COLORS]
    things = [f'{size} {color} {shape}' for size in SIZES for color in COLORS for shape in SHAPES]
    full = ZeroShotClassifier(model, things, ['a {}']).predict(probe.image, progress=False).pred.str.split()
    return {'colour, averaged prompts': ZeroShotClassifier(model, COLORS, color_templates).evaluate(probe.image, probe.color1, progress=False)['accuracy'],
            'shape, averaged prompts': ZeroShotClassifier(model, SHAPES, shape_templates).evaluate(probe.image, probe.shape1, progress=False)['accuracy'],
            'colour, full labels': (full.str[1].values == probe.color1.values).mean(),
            'shape, full labels': (full.str[-1].values == probe.shape1.values).mean()}

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[TrainConfig.seed])
    p.add_argument('--n_images', type=int, default=TrainConfig.n_images)
    p.add_argument('--epochs', type=int, default=TrainConfig.epochs)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--model_dir', nargs='+', default=None, help='saved models to score instead of training')
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp())
    probe = make_shapes(tmp/'probe', n_images=1000, image_size=64, seed=1, two_pct=0.0, progress=False).drop_duplicates('image')
    rows = []
    runs = [(d, None) for d in a.model_dir] if a.model_dir else [(None, s) for s in a.seeds]
    for d, seed in runs:
        t0 = time.time()
        if d: model, name = load_model_dir(d), d  # a clear message when d holds no model
        else:
            model, _ = train(TrainConfig(n_images=a.n_images, epochs=a.epochs, seed=seed, threads=a.threads,
                                         out_dir=str(tmp/f'seed{seed}'), progress=False))
            name = f'{a.n_images} scenes, {a.epochs} epochs, seed {seed}'
        r = {'model': name, 'minutes': round((time.time() - t0) / 60, 1), **{k: float(v) for k, v in zero_shot(model, probe).items()}}
        rows.append(r)
        print(', '.join(f'{k} {v:.3f}' if isinstance(v, float) and k != 'minutes' else f'{k} {v}' for k, v in r.items()), flush=True)
    cols = list(rows[0])
    print('\n| ' + ' | '.join(cols) + ' |\n|' + '---|' * len(cols))
    for r in rows: print('| ' + ' | '.join(f'{r[c]:.3f}' if isinstance(r[c], float) and c != 'minutes' else str(r[c]) for c in cols) + ' |')
