"""Training throughput: one epoch of the standard input pipeline against the fast one, same model, through the package's Trainer.

naive: `pipeline='files'` (PIL decoding and transforms in DataLoader workers, captions tokenized per batch), fp32.
fast:  `pipeline='cached'` (uint8 image cache, crops on the device, captions tokenized once), bf16 autocast on CUDA,
       channels_last; optionally GradCache chunks.

Both run `Trainer.one_epoch` of `clip_tutorial.train` over the training split (validation is not timed). The first epoch of
the fast pipeline builds its image cache; the figures are of the second epoch. Without --data_path the photos are synthetic
JPEGs of Flickr8k's size and count (8091 photos of 500x375, 6000 for training, 5 captions each).

  python benchmarks/throughput.py --n_images 400                                   # CPU, tiny towers at 64 px
  python benchmarks/throughput.py --device cuda --model resnet50_offline --image_size 224 --results benchmarks/RESULTS.md
"""
import argparse, datetime, platform, tempfile, time
from pathlib import Path
import torch
from clip_tutorial.fast import synthetic_flickr
from clip_tutorial.train import TrainConfig, make_trainer

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data_path', help='Flickr8k folder; default: synthetic JPEGs in --work')
    p.add_argument('--n_images', type=int, default=8091, help='synthetic photos (default: as many as Flickr8k)')
    p.add_argument('--work', default=None, help='folder for synthetic photos and caches (default: a temporary folder)')
    p.add_argument('--device', default='cpu', help='cpu or cuda')
    p.add_argument('--model', default='tiny', help='a preset of MODEL_PRESETS (tiny on a CPU; resnet50_offline: ResNet-50 + a DistilBERT-sized text tower, random weights, no network)')
    p.add_argument('--image_size', type=int, default=64, help='input side in pixels')
    p.add_argument('--batch_size', type=int, default=256, help='pairs per step')
    p.add_argument('--num_workers', type=int, default=8, help='DataLoader workers of the naive pipeline and cache decoders')
    p.add_argument('--chunk_size', type=int, default=None, help='GradCache chunks of the fast path (default: the whole batch at once)')
    p.add_argument('--results', default=None, help='append a line of figures to this markdown file')
    return p.parse_args(argv)

def caption_table(a, work):
    "The run's caption table: Flickr8k, or synthetic photos written as a CSV that `read_dataset` reads."
    if a.data_path: return dict(data='flickr8k', data_path=a.data_path)
    df = synthetic_flickr(work/'photos', n_images=a.n_images)
    df.assign(image=[Path(p).name for p in df['image']]).to_csv(work/'photos'/'captions.csv', index=False)
    return dict(data=str(work/'photos'/'captions.csv'))

def epoch_seconds(config:TrainConfig, epochs:int=2) -> tuple:
    "Seconds of the last of `epochs` training epochs, and the pairs it trained on."
    trainer = make_trainer(config)[0]
    for e in range(epochs):
        trainer.epoch = e
        if config.device.startswith('cuda'): torch.cuda.synchronize()
        t0 = time.perf_counter(); trainer.one_epoch()
        if config.device.startswith('cuda'): torch.cuda.synchronize()
    return time.perf_counter() - t0, len(trainer.train_dl) * config.batch_size

def main(a):
    work = Path(a.work or tempfile.mkdtemp())
    data = caption_table(a, work)
    base = dict(data | dict(model=a.model, image_size=a.image_size, batch_size=a.batch_size, device=a.device, epochs=2,
                            augment=True, in_memory=False, cache_dir=str(work/'cache'), out_dir=str(work/'run'), progress=False))
    variants = dict(naive=TrainConfig(**base, pipeline='files', precision='fp32', num_workers=a.num_workers),
                    fast=TrainConfig(**base, pipeline='cached', precision='auto', channels_last=True, num_workers=a.num_workers,
                                     **(dict(backward='grad_cache', chunk_size=a.chunk_size) if a.chunk_size else {})))
    device = torch.cuda.get_device_name() if a.device.startswith('cuda') else f'CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)'
    res = {}
    for name, c in variants.items():
        secs, pairs = epoch_seconds(c)
        res[name] = (secs, pairs / secs)
        print(f'{name:5s}: {secs:7.1f} s per epoch, {pairs / secs:8.0f} pairs/s  ({pairs} pairs, {c.pipeline} pipeline, {c.precision})', flush=True)
    speedup = res['naive'][0] / res['fast'][0]
    print(f'fast / naive: {speedup:.1f}x faster per epoch on {device}')
    if a.results:
        line = (f"| {datetime.date.today()} | {device} | {a.model} {a.image_size}px, batch {a.batch_size}, {'Flickr8k' if a.data_path else 'synthetic photos'} "
                f"| {res['naive'][0]:.1f} s ({res['naive'][1]:.0f} pairs/s) | {res['fast'][0]:.1f} s ({res['fast'][1]:.0f} pairs/s) | {speedup:.1f}x |")
        with open(a.results, 'a') as f: f.write(line + '\n')
        print(f'appended to {a.results}')

if __name__ == '__main__': main(parse_args())
