"""Flickr8k benchmark: offline pretrained towers (EfficientNet-Lite0 + all-MiniLM-L6-v2) on CPU.

Trains on the 6000 official training images (5 captions each), selects the epoch on the 1000 dev images,
and reports Recall@1/5/10 in both directions on the 1000 official test images x 5 captions.
Stage 1: projection-only (frozen towers, features cached once, heads trained).
Stage 2 (--finetune_epochs > 0): from stage 1's heads, the last block of each tower unfrozen and trained.
Results are appended to benchmarks/RESULTS.md. Not a test: it takes tens of minutes on 2 CPU cores.

    OMP_NUM_THREADS=2 HF_HUB_OFFLINE=1 MPLBACKEND=Agg python benchmarks/flickr8k.py --data_path ../shared/data/flickr8k
"""
import argparse, json, os, platform, time
from dataclasses import asdict
from pathlib import Path
import torch
from safetensors.torch import load_file
from clip_tutorial.retrieval import evaluate
from clip_tutorial.train import TrainConfig, Trainer, build_model, load_captions, make_loaders, recall_table, save_plots, train

def unfreeze_last_blocks(model):
    "Freeze both towers except EfficientNet's last block + head conv and MiniLM's last layer."
    for tower in (model.image_encoder, model.text_encoder): tower.set_trainable(False)
    img, txt = model.image_encoder.model, model.text_encoder.model
    for m in (img.blocks[-1], img.conv_head, img.bn2, txt.encoder.layer[-1]): m.requires_grad_(True)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)

def report(name, cfg, metrics, seconds, extra=''):
    t = recall_table(metrics).round(3)
    print(f'\n{name}: {seconds/60:.1f} min\n{t.to_string()}', flush=True)
    return dict(name=name, minutes=round(seconds / 60, 1), config=asdict(cfg), extra=extra,
                **{k: round(v, 4) for k, v in metrics.items()})

def main(a):
    out, rows = Path(a.out_dir), []
    base = dict(data='flickr8k', data_path=a.data_path, model='lite', progress=a.progress)  # features cached in the default cache folder
    t0 = time.time()
    heads = TrainConfig(**base, projection_only=True, epochs=a.heads_epochs, batch_size=256, lr=a.heads_lr,
                        weight_decay=0.05, out_dir=str(out/'heads'))
    model, hist = train(heads)
    df = load_captions(heads)
    print(hist[['epoch', 'train_loss', 'valid_loss', 't2i_R@1', 'i2t_R@1']].round(3).to_string(), flush=True)
    rows.append(report('projection-only', heads, evaluate(model, df, split='test', progress=False), time.time() - t0,
                       'frozen towers, features cached once (time includes the feature pass unless the cache existed)'))
    if a.finetune_epochs:
        t0 = time.time()
        ft = TrainConfig(**base, epochs=a.finetune_epochs, batch_size=64, lr=a.finetune_lr, image_lr=a.finetune_lr,
                         text_lr=a.finetune_lr, weight_decay=0.05, warmup_pct=0.05, out_dir=str(out/'finetune'))
        torch.manual_seed(ft.seed)
        model = build_model(ft)
        model.load_state_dict(load_file(out/'heads'/'best'/'model.safetensors'))
        n = unfreeze_last_blocks(model)
        trainer = Trainer(model, *make_loaders(ft, model, df), ft)
        hist = trainer.fit()
        model.load_state_dict(load_file(out/'finetune'/'best'/'model.safetensors'))
        save_plots(model, df, hist, ft.out_dir)
        print(hist[['epoch', 'train_loss', 'valid_loss', 't2i_R@1', 'i2t_R@1']].round(3).to_string(), flush=True)
        rows.append(report('fine-tuned last blocks', ft, evaluate(model.eval(), df, split='test', progress=False),
                           time.time() - t0, f'from the projection-only heads; {n/1e6:.1f}M trainable weights'))
    (out/'results.json').write_text(json.dumps(rows, indent=1))
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data_path', default='../shared/data/flickr8k')
    p.add_argument('--out_dir', default='benchmarks/out')
    p.add_argument('--heads_epochs', type=int, default=15)
    p.add_argument('--heads_lr', type=float, default=1e-3)
    p.add_argument('--finetune_epochs', type=int, default=1)
    p.add_argument('--finetune_lr', type=float, default=5e-5)
    p.add_argument('--progress', action='store_true')
    a = p.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}', flush=True)
    main(a)
