"""Which tiny image tower learns the shapes world best in a fixed budget: test Recall@1 after N epochs, and the time.

Each run is the package's `train` on the shapes dataset with the tiny preset's image tower replaced (a recipe's model
section does the same); the test split is scored once at the end with `evaluate` (every caption of the held-out scenes;
a hit is an image of the same scene).

  python benchmarks/shapes_towers.py --image_model test_vit --kw '{"depth": 2, "img_size": 64}' --epochs 60
  python benchmarks/shapes_towers.py --image_model resnet18 --lr 5e-3 --epochs 30 \\
      --kw '{"layers": [1, 1, 1, 1], "channels": [16, 32, 64, 128], "stem_type": "deep", "stem_width": 8}'
"""
import argparse, json, tempfile, time
import torch
from clip_tutorial.evaluate import evaluate
from clip_tutorial.train import TrainConfig, load_captions, train

def run(a):
    c = TrainConfig(n_images=a.n_images, image_size=a.image_size, epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, seed=a.seed,
                    out_dir=tempfile.mkdtemp(), progress=False)
    t0 = time.time()
    model, history = train(c, model_overrides=dict(image_model=a.image_model, image_kwargs=json.loads(a.kw)))
    seconds, m = time.time() - t0, evaluate(model, load_captions(c), split='test', progress=False)
    n = sum(p.numel() for p in model.image_encoder.parameters())
    print(f"{a.image_model} {a.kw}: {n:,} weights, {a.epochs} epochs, lr {a.lr}, {torch.get_num_threads()} thread(s): "
          f"{seconds:.0f}s with validation, test t2i R@1 {m['t2i_R@1']:.3f} R@5 {m['t2i_R@5']:.3f}, i2t R@1 {m['i2t_R@1']:.3f}")
    return m

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--image_model', default='test_vit', help='timm name')
    p.add_argument('--kw', default='{"depth": 2, "img_size": 64}', help='timm.create_model arguments, JSON')
    p.add_argument('--epochs', type=int, default=20)
    p.add_argument('--batch_size', type=int, default=128)
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--n_images', type=int, default=2000)
    p.add_argument('--image_size', type=int, default=64)
    p.add_argument('--seed', type=int, default=0)
    run(p.parse_args())
