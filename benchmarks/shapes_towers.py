"""Which tiny image tower learns the shapes world best in a fixed budget: test Recall@1 after N epochs, and the time.

Every training image is decoded and transformed once and kept as one tensor, so the time is the towers' compute;
each step is the library's `train_step` (AdamW groups, warm-up + cosine, clipping, `logit_scale` clamp) on a batch
of images with one random caption each, as in `train`. No per-epoch validation: the test split is scored once at
the end (every caption of the held-out scenes; a hit is an image of the same scene).

  python benchmarks/shapes_towers.py --epochs 60                                   # the 2-layer test_vit
  python benchmarks/shapes_towers.py --image_model resnet18 --lr 5e-3 --epochs 40 \\
      --kw '{"layers": [1, 1, 1, 1], "channels": [16, 32, 64, 128], "stem_width": 16}'   # the tiny preset's ResNet
"""
import argparse, json, time
import torch
from clip_tutorial.data import load_image
from clip_tutorial.model import CLIP, CLIPConfig
from clip_tutorial.retrieval import evaluate
from clip_tutorial.shapes import shapes_vocab
from clip_tutorial.train import TrainConfig, amp_setup, load_captions, loss_for, make_scheduler, param_groups, train_step

def images(model, sub):
    "All training images as one normalised tensor, and each image's captions."
    caps, tfm = sub.groupby('image', sort=False)['caption'].agg(list), model.image_transform()
    return torch.stack([tfm(load_image(i)) for i in caps.index]), caps.tolist()

def run(a):
    torch.manual_seed(a.seed)
    df = load_captions(TrainConfig(n_images=a.n_images, image_size=a.image_size))
    kw = json.loads(a.kw)
    if 'vit' in a.image_model: kw.setdefault('img_size', a.image_size)
    model = CLIP(CLIPConfig.tiny(shapes_vocab(), image_size=a.image_size, image_model=a.image_model, image_kwargs=kw))
    x, caps = images(model, df[df.split == 'train'])
    opt = torch.optim.AdamW(param_groups(model, a.lr), lr=a.lr)
    per_epoch = len(x) // a.batch_size
    sched, (autocast, scaler) = make_scheduler(opt, per_epoch * a.epochs, 0.1), amp_setup('cpu')
    loss_fn, g, t0 = loss_for(model), torch.Generator().manual_seed(a.seed), time.time()
    for epoch in range(a.epochs):
        model.train()
        for idx in torch.randperm(len(x), generator=g)[:per_epoch * a.batch_size].split(a.batch_size):
            tok = model.tokenize([caps[i][torch.randint(len(caps[i]), (), generator=g)] for i in idx.tolist()])
            batch = dict(pixel_values=x[idx], input_ids=tok['input_ids'], attention_mask=tok['attention_mask'],
                         image_idx=torch.arange(len(idx)))
            loss = train_step(model, batch, opt, sched, scaler, autocast, loss_fn)
        if (epoch + 1) % 10 == 0: print(f'epoch {epoch + 1}: last batch loss {loss.item():.3f}, {time.time() - t0:.0f}s', flush=True)
    seconds = time.time() - t0
    m = evaluate(model, df, split='test', progress=False)
    n = sum(p.numel() for p in model.image_encoder.parameters())
    print(f"{a.image_model} {a.kw}: {n:,} weights, {a.epochs} epochs, lr {a.lr}, {torch.get_num_threads()} thread(s): "
          f"{seconds:.0f}s, test t2i R@1 {m['t2i_R@1']:.3f} R@5 {m['t2i_R@5']:.3f}, i2t R@1 {m['i2t_R@1']:.3f}")
    return m

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--image_model', default='test_vit', help='timm name')
    p.add_argument('--kw', default='{"depth": 2}', help='timm.create_model arguments, JSON')
    p.add_argument('--epochs', type=int, default=20)
    p.add_argument('--batch_size', type=int, default=128)
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--n_images', type=int, default=2000)
    p.add_argument('--image_size', type=int, default=64)
    p.add_argument('--seed', type=int, default=0)
    run(p.parse_args())
