"""Seconds per training epoch of the default shapes run (`clip_tutorial_train` with no flags) at each CPU thread count.

Builds the default model and loaders exactly as `train` does, runs one warm-up epoch, then times `--epochs` epochs
(training steps only, no validation) for every count in `--threads`. Prints one line per count and a markdown table.

  python benchmarks/shapes_threads.py                    # threads 1 and 2, 3 epochs each
  python benchmarks/shapes_threads.py --threads 1 2 4 8  # on a bigger machine
"""
import argparse, platform, time
import torch
from clip_tutorial.processes import torch_threads
from clip_tutorial.train import TrainConfig, make_trainer

def epoch_seconds(threads:int, epochs:int=3, **config)->tuple:
    "Mean seconds of one training epoch of a fresh default model on `threads` torch threads, and the steps in an epoch."
    c = TrainConfig(progress=False, out_dir='/tmp/shapes_threads', **config)
    with torch_threads(threads):
        trainer = make_trainer(c)[0]
        trainer.one_epoch()  # warm-up; also decodes the images into memory
        t0 = time.perf_counter()
        for e in range(epochs): trainer.epoch = e + 1; trainer.one_epoch()
        return (time.perf_counter() - t0) / epochs, len(trainer.train_dl)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    p.add_argument('--epochs', type=int, default=3)
    a = p.parse_args()
    print(f'torch {torch.__version__}, {platform.machine()}, torch default threads {torch.get_num_threads()}')
    rows = []
    for n in a.threads:
        s, steps = epoch_seconds(n, a.epochs); rows.append((n, s))
        print(f'{n} thread(s): {s:.2f} s per epoch ({steps} steps of {TrainConfig.batch_size})', flush=True)
    E = TrainConfig.epochs
    print(f'\n| threads | s per epoch | {E} epochs |\n|---|---|---|')
    for n, s in rows: print(f'| {n} | {s:.2f} | {E * s / 60:.1f} min |')
