"""Where an epoch of the default `clip_tutorial_train` spends its time, part by part.

Builds the default run with `make_trainer` (4000 shapes scenes of 64 px, the tiny preset, batch 128) and times, each
over whole epochs after one warm-up epoch: the input pipeline alone (iterating the training loader), the optimiser
steps on batches already loaded (`train_step`), the image and the text tower's forward and backward on one batch, and
the per-epoch extras of `Trainer.fit` (`recalibrate_bn`, validation, writing the checkpoint). Prints one table in
milliseconds and as a share of an epoch. Not a test.

  python benchmarks/default_profile.py                 # torch's default threads
  python benchmarks/default_profile.py --threads 1
"""
import argparse, tempfile, time
from pathlib import Path
import torch
from clip_tutorial.step import train_step
from clip_tutorial.processes import torch_threads
from clip_tutorial.train import TrainConfig, make_trainer
from clip_tutorial.tuning import BN_BATCHES, recalibrate_bn

def timed(f, repeat:int=3)->float:
    "Median seconds of `repeat` calls of f()."
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2]

def main(a):
    out = Path(tempfile.mkdtemp(prefix='default_profile_'))
    c = TrainConfig(out_dir=str(out/'run'), progress=False, threads=a.threads)
    with torch_threads(c.threads):
        trainer, model, df = make_trainer(c)
        dl, net = trainer.train_dl, trainer.net
        print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; {len(dl)} steps per epoch of {c.batch_size}', flush=True)
        trainer.one_epoch()  # warm-up: allocations, first-touch
        batches = list(dl)
        step = lambda: [train_step(trainer.model, b, trainer.opt, trainer.sched, trainer.scaler, trainer.autocast, trainer.loss_fn,
                                   c.grad_clip, trainer.backward) for b in batches]
        b = batches[0]
        def tower(enc, *x):
            enc(*x).sum().backward()
        rows = {'input pipeline (loader, one epoch)': timed(lambda: list(dl)),
                'optimiser steps on loaded batches (one epoch)': timed(step),
                '  image tower forward + backward, timed alone': len(batches) * timed(lambda: tower(net.image_encoder, b['pixel_values']), 5),
                '  text tower forward + backward, timed alone': len(batches) * timed(lambda: tower(net.text_encoder, b['input_ids'], b['attention_mask']), 5),
                f'recalibrate_bn ({BN_BATCHES} batches)': timed(lambda: recalibrate_bn(net, [x['pixel_values'] for x in batches[-BN_BATCHES:]])),
                'validation (valid split, all captions)': timed(lambda: trainer.valid_fn(net)),
                'checkpoint (last/)': timed(lambda: trainer.save_checkpoint(out/'last'))}
    epoch = sum(v for k, v in rows.items() if not k.startswith('  '))
    print(f"\n| part | ms per epoch | share of an epoch |\n|---|---|---|")
    for k, v in rows.items(): print(f'| {k} | {v * 1e3:.0f} | {v / epoch:.0%} |')
    print(f'| **sum of the top-level parts** | **{epoch * 1e3:.0f}** | |')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, default=None, help="torch's CPU threads (default: torch's choice)")
    main(p.parse_args())
