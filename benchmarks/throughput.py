"""Training throughput: the standard input pipeline against the fast path of `clip_tutorial.fast`, same model, same run.

naive: per-item PIL decode + transforms in a DataLoader, captions tokenized per batch, fp32, plain AdamW, batch 32.
fast:  uint8 image cache + augmentation on the device + pre-tokenized captions, bf16 autocast (CUDA), channels_last,
       fused AdamW, optional torch.compile and GradCache chunks, batch 256.

Prints pairs per second and the time of one Flickr8k epoch (its 6000 training images, one caption each) for both.
Without --data it writes synthetic JPEGs of Flickr8k's size and count (8091 photos, 500x375, 5 captions each).

  python benchmarks/throughput.py --data ../shared/data/flickr8k --n-images 1000             # CPU, tiny towers
  python benchmarks/throughput.py --device cuda --recipe gpu --compile                      # one GPU, ResNet50 + DistilBERT
  torchrun --nproc_per_node 8 benchmarks/throughput.py --device cuda --recipe gpu --no-naive # 8 GPUs, fast path only
"""
import argparse, copy, json, os, platform, re, sys, tempfile, time
from contextlib import nullcontext
from pathlib import Path
import numpy as np, pandas as pd, torch
from clip_tutorial.data import get_dataloaders, read_flickr8k
from clip_tutorial.encoders import tiny_tokenizer
from clip_tutorial.fast import (cache_size, fast_step, get_fast_dataloaders, gpu_recipe, init_distributed, make_optimizer,
                                prepare_model, synthetic_flickr)
from clip_tutorial.model import CLIP, CLIPConfig
from clip_tutorial.train import amp_setup

FLICKR8K_TRAIN = 6000  # images in one Flickr8k training epoch

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', help='Flickr8k folder; default: synthetic JPEGs in --work')
    p.add_argument('--n-images', type=int, default=None, help='use the first N images (default: all)')
    p.add_argument('--work', default=None, help='folder for synthetic photos and the image cache (default: a temp dir)')
    p.add_argument('--device', default='cpu', help='cpu or cuda')
    p.add_argument('--recipe', default='tiny', choices=['tiny', 'gpu'], help='tiny: CPU preset; gpu: ResNet50 + DistilBERT')
    p.add_argument('--image-size', type=int, default=64, help='input side of the tiny recipe (gpu: 224)')
    p.add_argument('--batch-size', type=int, default=256, help='fast path pairs per step (per process)')
    p.add_argument('--naive-batch-size', type=int, default=32)
    p.add_argument('--steps', type=int, default=20, help='timed steps per path')
    p.add_argument('--warmup', type=int, default=3, help='untimed steps first (compile, cuDNN autotuning)')
    p.add_argument('--workers', type=int, default=0, help='DataLoader workers of the naive path, and cache decoders')
    p.add_argument('--precision', default='auto', help="fast path: 'auto' (bf16 on CUDA, fp32 on CPU), 'bf16', 'fp32'")
    p.add_argument('--compile', action='store_true', help='torch.compile the fast model')
    p.add_argument('--chunk-size', type=int, default=None, help='GradCache chunks of the fast path')
    p.add_argument('--no-naive', action='store_true', help='time the fast path only')
    p.add_argument('--json', default=None, help='also write the results to this JSON file')
    return p.parse_args(argv)

def caption_table(a, work):
    "Caption table with `n_images` images, all but 8 in the training split."
    df = read_flickr8k(a.data) if a.data else synthetic_flickr(work/'photos', n_images=a.n_images or 8091)
    ids = df.image_id.unique()[:a.n_images] if a.n_images else df.image_id.unique()
    df = df[df.image_id.isin(ids)].copy()
    df['split'] = np.where(df.image_id.isin(ids[-8:]), 'valid', 'train')
    return df

def build_model(a, df):
    words = sorted({w for c in df.caption for w in re.findall(r"[a-z0-9]+", c.lower())})
    if a.recipe == 'gpu': return gpu_recipe(words, 224)
    return CLIP(CLIPConfig.tiny(words, image_size=a.image_size), pretrained=False)

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize(device)

def time_steps(model, loader, opt, a, device, autocast=nullcontext, chunk_size=None):
    "Seconds per step over `a.steps` steps after `a.warmup`, data loading included."
    def batches():
        while True: yield from loader
    it, n = batches(), a.warmup + a.steps
    for i in range(n):
        if i == a.warmup: sync(device); t0 = time.perf_counter()
        b = next(it)
        b = {k: v.to(device, non_blocking=True) for k, v in b.items()}
        loss = fast_step(model, b, opt, chunk_size, autocast=autocast)
    loss.item(); sync(device)
    return (time.perf_counter() - t0) / a.steps, len(b['input_ids'])

def device_name(device):
    if device.type == 'cuda': return torch.cuda.get_device_name(device)
    cpu = next((l.split(':', 1)[1].strip() for l in Path('/proc/cpuinfo').read_text().splitlines() if l.startswith('model name')), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}"

def main(argv=None):
    a = parse_args(argv)
    rank, world_size, device = init_distributed()
    if a.device == 'cpu': device = torch.device('cpu')
    work = Path(a.work or tempfile.mkdtemp())
    torch.manual_seed(0)
    df = caption_table(a, work)
    base = build_model(a, df).to(device).train()
    tok, dc = base.tokenizer, base.data_config
    rows = []
    if not a.no_naive and world_size == 1:
        naive = copy.deepcopy(base)
        dl = get_dataloaders(df, tok, dc, batch_size=a.naive_batch_size, num_workers=a.workers)[0]
        opt = torch.optim.AdamW(naive.parameters(), lr=1e-4, foreach=False, fused=False)
        t, bs = time_steps(naive, dl, opt, a, device)
        rows.append(dict(path='naive: PIL per item, fp32, AdamW', batch=bs, s_per_step=t))
        del naive, opt
    t0 = time.perf_counter()
    train_dl, _ = get_fast_dataloaders(df, tok, dc, batch_size=a.batch_size, cache_dir=work/f'cache{cache_size(dc)}', device=device,
                                       num_workers=a.workers, rank=rank, world_size=world_size, progress=rank == 0 and sys.stdout.isatty())
    t_cache = time.perf_counter() - t0
    fast = prepare_model(copy.deepcopy(base), channels_last=True, compile=a.compile)
    model = torch.nn.parallel.DistributedDataParallel(fast) if world_size > 1 else fast
    autocast = amp_setup(str(device), a.precision)[0]
    t, bs = time_steps(model, train_dl, make_optimizer(fast, lr=1e-4), a, device, autocast, a.chunk_size)
    prec = 'bf16' if (a.precision == 'bf16' or (a.precision == 'auto' and device.type == 'cuda')) else 'fp32'
    rows.append(dict(path=f"fast: cache + device aug, {prec}, channels_last, fused AdamW{', compile' if a.compile else ''}"
                          f"{f', GradCache {a.chunk_size}' if a.chunk_size else ''}{f', {world_size} processes' if world_size > 1 else ''}",
                     batch=bs * world_size, s_per_step=t))
    if rank: return
    res = pd.DataFrame(rows)
    res['pairs_per_s'] = res.batch / res.s_per_step
    res['flickr8k_epoch_s'] = FLICKR8K_TRAIN / res.pairs_per_s
    if len(res) == 2: res['speedup'] = res.pairs_per_s / res.pairs_per_s[0]
    info = dict(device=device_name(device), recipe=a.recipe, input=tuple(dc['input_size']), n_images=df.image_id.nunique(),
                data=a.data or 'synthetic 500x375 JPEGs', cache_build_s=round(t_cache, 1), steps=a.steps,
                params_M=round(sum(p.numel() for p in base.parameters()) / 1e6, 2), command='python ' + ' '.join(sys.argv))
    print(json.dumps(info, indent=1))
    print(res.round(3).to_string(index=False))
    if a.json: Path(a.json).write_text(json.dumps(dict(info, results=res.to_dict('records')), indent=1))

if __name__ == '__main__': main()
