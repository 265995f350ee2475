"""Flickr8k benchmark: offline pretrained towers (EfficientNet-Lite0 + all-MiniLM-L6-v2) on CPU.

Trains on the 6000 official training images (5 captions each), selects the epoch on the 1000 dev images,
and reports Recall@1/5/10 in both directions on the 1000 official test images x 5 captions.
Stage 1: projection-only (frozen towers, features cached once, heads trained).
Stage 2 (--finetune_epochs > 0): from stage 1's heads, the last block of each tower unfrozen and trained.
Stage 3 (--cached_finetune_epochs > 0): the lower parts of both towers run once and their outputs cached to disk; the upper
parts (EfficientNet blocks[5:] + conv_head + bn2, MiniLM layers[4:]) train on them with the heads, from stage 1's heads.
Results go to OUT_DIR/results.json (benchmarks/RESULTS.md records the measured runs). Not a test: it takes tens of minutes on 2 CPU cores.

    OMP_NUM_THREADS=2 HF_HUB_OFFLINE=1 MPLBACKEND=Agg python benchmarks/flickr8k.py --data_path ../shared/data/flickr8k
"""
import argparse, hashlib, json, math, os, platform, time
from dataclasses import asdict
from pathlib import Path
import pandas as pd, torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from clip_tutorial.data import load_image
from clip_tutorial.encoders import CACHE_DIR, pool
from clip_tutorial.retrieval import evaluate, model_fingerprint, relevance_from_index
from clip_tutorial.train import (TrainConfig, Trainer, build_model, embedding_metrics, forward_batch, load_captions, loss_for,
                                 make_loaders, make_scheduler, param_groups, recall_table, save_plots, train)

def unfreeze_last_blocks(model):
    "Freeze both towers except EfficientNet's last block + head conv and MiniLM's last layer."
    return set_upper_trainable(model, len(model.image_encoder.model.blocks) - 1, len(model.text_encoder.model.encoder.layer) - 1)

def report(name, cfg, metrics, seconds, extra=''):
    t = recall_table(metrics).round(3)
    print(f'\n{name}: {seconds/60:.1f} min\n{t.to_string()}', flush=True)
    return dict(name=name, minutes=round(seconds / 60, 1), config=cfg if isinstance(cfg, dict) else asdict(cfg), extra=extra,
                **{k: round(v, 4) for k, v in metrics.items()})

# ---------------------------------------------------------------------------------------------------------------
# Stage 3: fine-tuning on cached intermediate features. The frozen lower parts of both towers run once over every
# image and caption; their outputs are cached to disk and the upper parts (EfficientNet blocks[img_cut:] + conv_head
# + bn2 + pooling, MiniLM layers[txt_cut:] + mean pooling) train on them together with the heads.

def bert_mask(bert, hidden, attention_mask):
    "The attention mask BertModel hands its layers, for `hidden` (B, L, H) and a (B, L) 0/1 mask."
    return bert._create_attention_masks(attention_mask=attention_mask, encoder_attention_mask=None, embedding_output=hidden,
                                        encoder_hidden_states=None, past_key_values=None)[0]

def image_lower(net, x, cut):
    "EfficientNet up to the output of blocks[cut-1]: (B, C, h, w)."
    x = net.bn1(net.conv_stem(x))
    for b in net.blocks[:cut]: x = b(x)
    return x

def image_upper(net, h, cut):
    "The rest of EfficientNet from blocks[cut]: conv_head, bn2 and the pooled features (B, 1280), as `ImageEncoder` returns."
    for b in net.blocks[cut:]: h = b(h)
    return net.forward_head(net.bn2(net.conv_head(h)))

def text_lower(bert, input_ids, attention_mask, cut):
    "MiniLM's embeddings and layers[:cut]: hidden states (B, L, 384)."
    h = bert.embeddings(input_ids=input_ids)
    m = bert_mask(bert, h, attention_mask)
    for layer in bert.encoder.layer[:cut]: h = layer(h, m)
    return h

def text_upper(bert, h, attention_mask, cut, pooling='mean'):
    "MiniLM's layers[cut:] and the tower's pooling (B, 384), as `TextEncoder` returns."
    m = bert_mask(bert, h, attention_mask)
    for layer in bert.encoder.layer[cut:]: h = layer(h, m)
    return pool(h, attention_mask, pooling)

def split_items(df, split):
    "Unique images (in `pd.factorize` order, as `evaluate` uses), captions and each caption's image index."
    sub = df[df['split'] == split]
    idx, images = pd.factorize(sub['image'])
    return list(images), list(sub['caption']), torch.as_tensor(idx)

@torch.no_grad()
def intermediate_features(model, df, split, img_cut, txt_cut, flip=False, batch_size=64, cache_dir=None, log=print):
    """The lower towers' outputs for one split, cached on disk (fp16 safetensors): `images` (I, C, h, w) for the evaluation
    transform (and `images_flip`, its horizontal mirror, when `flip`); `text` (sum of lengths, 384) the real tokens of
    every caption one after another, with `text_len` (T,) and `caption_image_idx` (T,)."""
    images, caps, cidx = split_items(df, split)
    net, bert = model.image_encoder.model, model.text_encoder.model
    sha = lambda *parts: hashlib.sha1('|'.join(parts).encode()).hexdigest()[:16]
    ikey = sha(model_fingerprint(model.image_encoder), json.dumps(model.data_config, default=str), str(img_cut),
               *map(str, map(Path.resolve, map(Path, images))))  # the image files do not depend on the text side, and back
    tkey = sha(model_fingerprint(model.text_encoder), str(txt_cut), str(model.text_encoder.max_length), *caps, *map(str, cidx.tolist()))
    folder = Path(cache_dir or CACHE_DIR/'features')
    files = dict(text=folder/f'{split}-mid-l{txt_cut}-{tkey}-text.safetensors', images=folder/f'{split}-mid-b{img_cut}-{ikey}-images.safetensors')
    if flip: files['images_flip'] = folder/f'{split}-mid-b{img_cut}-{ikey}-images_flip.safetensors'
    folder.mkdir(parents=True, exist_ok=True)
    was_training = model.training
    model.eval()
    try:
        if not files['text'].exists():
            t0, enc = time.time(), model.tokenizer(caps, truncation=True, max_length=model.text_encoder.max_length)['input_ids']
            lens = torch.tensor([len(e) for e in enc])
            order, out = lens.argsort(), [None] * len(caps)  # similar lengths together: little padding
            for s in range(0, len(caps), 256):
                ii = order[s:s + 256].tolist()
                t = model.tokenize([caps[i] for i in ii])
                h = text_lower(bert, t['input_ids'], t['attention_mask'], txt_cut)
                for j, i in enumerate(ii): out[i] = h[j, :lens[i]].half()
            save_file(dict(text=torch.cat(out), text_len=lens, caption_image_idx=cidx), files['text'])
            log(f'{split}: {len(caps)} captions through MiniLM layers[:{txt_cut}] in {time.time() - t0:.0f}s')
        todo = [k for k in ('images', 'images_flip') if k in files and not files[k].exists()]
        if todo:
            t0, tfm, out = time.time(), model.image_transform(train=False), {k: [] for k in todo}
            for s in range(0, len(images), batch_size):
                x = torch.stack([tfm(load_image(p)) for p in images[s:s + batch_size]])
                for k in todo: out[k].append(image_lower(net, x.flip(-1) if k == 'images_flip' else x, img_cut).half())
                if s // batch_size % 20 == 0: log(f'{split}: {s + len(x)}/{len(images)} images, {time.time() - t0:.0f}s')
            for k in todo: save_file({k: torch.cat(out[k])}, files[k])
            log(f'{split}: {len(images)} images ({", ".join(todo)}) through EfficientNet blocks[:{img_cut}] in {time.time() - t0:.0f}s')
    finally: model.train(was_training)
    f = {}
    for p in files.values(): f |= load_file(p)
    f['text_start'] = torch.cat([torch.zeros(1, dtype=torch.long), f['text_len'].cumsum(0)[:-1]])
    return f

def text_batch(f, idx):
    "Padded hidden states (B, L, H) float32 and the 0/1 mask (B, L) of captions `idx` from `intermediate_features`."
    lens, starts = f['text_len'][idx], f['text_start'][idx]
    L = int(lens.max())
    pos = torch.arange(L)
    mask = (pos[None] < lens[:, None]).long()
    rows = (starts[:, None] + pos[None]).clamp(max=len(f['text']) - 1)
    return f['text'][rows].float() * mask[..., None], mask

def upper_features(model, f, img_idx, cap_idx, img_cut, txt_cut, flip=None):
    "Tower features (what `ImageEncoder` / `TextEncoder` return) of cached images and captions through the upper parts."
    x = f['images'][img_idx]
    if flip is not None and 'images_flip' in f: x = torch.where(flip[:, None, None, None], f['images_flip'][img_idx], x)
    h, m = text_batch(f, cap_idx)
    return (image_upper(model.image_encoder.model, x.float(), img_cut),
            text_upper(model.text_encoder.model, h, m, txt_cut, model.text_encoder.pooling))

@torch.no_grad()
def cached_metrics(model, f, img_cut, txt_cut, loss_fn, batch_size=256):
    "`embedding_metrics` (validation loss and Recall@K both ways) of a split's cached features, through the upper parts."
    was_training = model.training
    model.eval()
    img, txt = [], []
    for s in range(0, len(f['images']), batch_size):
        ii = torch.arange(s, min(s + batch_size, len(f['images'])))
        img.append(F.normalize(model.image_head(image_upper(model.image_encoder.model, f['images'][ii].float(), img_cut)), dim=-1))
    for s in range(0, len(f['text_len']), batch_size):
        h, m = text_batch(f, torch.arange(s, min(s + batch_size, len(f['text_len']))))
        txt.append(F.normalize(model.text_head(text_upper(model.text_encoder.model, h, m, txt_cut, model.text_encoder.pooling)), dim=-1))
    model.train(was_training)
    img, txt, idx = torch.cat(img), torch.cat(txt), f['caption_image_idx']
    scale = model.logit_scale.detach().clamp(max=math.log(100)).exp()
    return embedding_metrics(img, txt, idx, relevance_from_index(idx, len(img)), scale, loss_fn, batch_size)

def set_upper_trainable(model, img_cut, txt_cut, img_train_from=None, txt_train_from=None):
    """Freeze everything but the heads, `logit_scale` and the upper parts: EfficientNet blocks[img_train_from:] (default
    `img_cut`) + conv_head + bn2 and MiniLM layers[txt_train_from:] (default `txt_cut`). Returns the trainable count."""
    for tower in (model.image_encoder, model.text_encoder): tower.set_trainable(False)
    net, bert = model.image_encoder.model, model.text_encoder.model
    for m in (*net.blocks[img_train_from or img_cut:], net.conv_head, net.bn2, *bert.encoder.layer[txt_train_from or txt_cut:]):
        m.requires_grad_(True)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)

def check_cached_forward(model, df, img_cut, txt_cut, n=8, log=print):
    "Max abs difference between the full towers and lower-then-upper (fp32, and through the fp16 cache), eval mode."
    model.eval()
    images, caps, _ = split_items(df, 'test')
    tfm = model.image_transform(train=False)
    x = torch.stack([tfm(load_image(p)) for p in images[:n]])
    t = model.tokenize(caps[:3 * n])
    net, bert = model.image_encoder.model, model.text_encoder.model
    with torch.no_grad():
        full_i, full_t = model.encode_image(x), model.encode_text(t['input_ids'], t['attention_mask'])
        up_f = image_upper(net, image_lower(net, x, img_cut), img_cut)
        up_i = F.normalize(model.image_head(up_f), dim=-1)
        h = text_lower(bert, t['input_ids'], t['attention_mask'], txt_cut)
        up_t = F.normalize(model.text_head(text_upper(bert, h, t['attention_mask'], txt_cut, model.text_encoder.pooling)), dim=-1)
        half_i = F.normalize(model.image_head(image_upper(net, image_lower(net, x, img_cut).half().float(), img_cut)), dim=-1)
        half_t = F.normalize(model.text_head(text_upper(bert, (h.half().float() * t['attention_mask'][..., None]), t['attention_mask'],
                                                        txt_cut, model.text_encoder.pooling)), dim=-1)
        feat_diff = (model.image_encoder(x) - up_f).abs().max().item()
    d = dict(image=(full_i - up_i).abs().max().item(), text=(full_t - up_t).abs().max().item(), image_features=feat_diff,
             image_fp16=(full_i - half_i).abs().max().item(), text_fp16=(full_t - half_t).abs().max().item())
    log('cached-upper forward vs full model (max abs diff of unit embeddings, eval mode): ' + ', '.join(f'{k} {v:.2e}' for k, v in d.items()))
    return d

def cached_finetune(model, df, a, log=print):
    "Train the upper parts and heads on cached intermediate features; returns the model with the best epoch's weights and the history."
    ic, tc = a.image_cut, a.text_cut
    torch.manual_seed(a.seed)
    feats = {s: intermediate_features(model, df, s, ic, tc, flip=a.flip and s == 'train', log=log) for s in ('train', 'valid')}
    n = set_upper_trainable(model, ic, tc, a.image_train_from, a.text_train_from)
    net = model.image_encoder.model
    log(f'{n/1e6:.2f}M trainable weights')
    opt = torch.optim.AdamW(param_groups(model, a.cached_head_lr, a.cached_image_lr, a.cached_text_lr, a.cached_weight_decay),
                            betas=(0.9, 0.98), eps=1e-6)
    tr = feats['train']
    n_img, cidx = len(tr['images']), tr['caption_image_idx']
    captions_of = [torch.nonzero(cidx == i).flatten() for i in range(n_img)]
    steps = n_img // a.cached_batch_size
    sched = make_scheduler(opt, a.cached_finetune_epochs * steps, a.cached_warmup_pct)
    loss_fn, out = loss_for(model), Path(a.out_dir)/a.cached_out
    g, k = torch.Generator().manual_seed(a.seed), a.captions_per_step
    history, best, best_sd, chosen, avg, n_avg = [], -1., None, None, {}, 0
    for epoch in range(a.cached_finetune_epochs):
        t0, total = time.time(), 0.
        model.train()
        for bn in [m for m in net.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]: bn.eval()  # running stats stay
        perm = torch.randperm(n_img, generator=g)
        for s in range(steps):
            ii = perm[s * a.cached_batch_size:(s + 1) * a.cached_batch_size]
            if k == 1: cc = torch.stack([captions_of[i][torch.randint(len(captions_of[i]), (), generator=g)] for i in ii.tolist()])
            else: cc = torch.cat([captions_of[i][torch.randperm(len(captions_of[i]), generator=g)[:k]] for i in ii.tolist()])
            flip = torch.rand(len(ii), generator=g) < 0.5
            f_img, f_txt = upper_features(model, tr, ii, cc, ic, tc, flip)
            reps = torch.as_tensor([min(k, len(captions_of[i])) for i in ii.tolist()])  # each image once per caption drawn
            img_emb, txt_emb, scale = forward_batch(model, dict(image_features=f_img.repeat_interleave(reps, 0), text_features=f_txt))
            loss = loss_fn(img_emb, txt_emb, scale, ii.repeat_interleave(reps))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for gr in opt.param_groups for p in gr['params']], 1.0)
            opt.step(); sched.step()
            with torch.no_grad(): model.logit_scale.clamp_(0, math.log(100))
            total += loss.item()
        row = dict(epoch=epoch + 1, train_loss=total / steps, **cached_metrics(model, feats['valid'], ic, tc, loss_fn),
                   logit_scale=model.logit_scale.exp().item(), time=time.time() - t0)
        row['R@1'] = (row['t2i_R@1'] + row['i2t_R@1']) / 2
        history.append(row)
        log(f"epoch {row['epoch']}: train_loss {row['train_loss']:.3f} valid_loss {row['valid_loss']:.3f} "
            f"valid t2i_R@1 {row['t2i_R@1']:.3f} i2t_R@1 {row['i2t_R@1']:.3f} t2i_R@5 {row['t2i_R@5']:.3f} "
            f"i2t_R@5 {row['i2t_R@5']:.3f} scale {row['logit_scale']:.1f} ({row['time']:.0f}s)")
        out.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(history).to_csv(out/'metrics.csv', index=False)
        if row['R@1'] > best:
            best, best_sd, chosen = row['R@1'], {k: v.detach().clone() for k, v in model.state_dict().items()}, f'epoch {epoch + 1}'
        if a.average_from and epoch + 1 >= a.average_from:  # running mean of the weights after each epoch from `average_from`
            n_avg += 1
            for name, v in model.state_dict().items():
                if name not in avg or not v.is_floating_point(): avg[name] = v.detach().clone()
                else: avg[name] += (v.detach() - avg[name]) / n_avg
    if avg:
        model.load_state_dict(avg)
        r = cached_metrics(model, feats['valid'], ic, tc, loss_fn)
        r['R@1'] = (r['t2i_R@1'] + r['i2t_R@1']) / 2
        log(f"weights averaged over epochs {a.average_from}-{a.cached_finetune_epochs}: valid t2i_R@1 {r['t2i_R@1']:.3f} "
            f"i2t_R@1 {r['i2t_R@1']:.3f} (best single epoch: {chosen}, mean R@1 {best:.3f})")
        if r['R@1'] > best: best, best_sd, chosen = r['R@1'], avg, f"the average of epochs {a.average_from}-{a.cached_finetune_epochs}"
    model.load_state_dict(best_sd)
    model.eval().save(out/'best')
    return model, pd.DataFrame(history), n, chosen

CACHED_ARGS = ('image_cut', 'text_cut', 'image_train_from', 'text_train_from', 'flip', 'cached_finetune_epochs', 'cached_batch_size',
               'captions_per_step', 'average_from',
               'cached_head_lr', 'cached_image_lr', 'cached_text_lr', 'cached_weight_decay', 'cached_warmup_pct', 'seed')

def main(a):
    out, rows = Path(a.out_dir), []
    base = dict(data='flickr8k', data_path=a.data_path, model='lite', progress=a.progress)  # features cached in the default cache folder
    heads = TrainConfig(**base, projection_only=True, epochs=a.heads_epochs, batch_size=256, lr=a.heads_lr,
                        weight_decay=0.05, out_dir=str(out/'heads'))
    df = load_captions(heads)
    if not a.skip_heads:
        t0 = time.time()
        model, hist = train(heads)
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
    if a.cached_finetune_epochs:
        t0 = time.time()
        log = lambda s: print(time.strftime('%H:%M:%S'), s, flush=True)
        torch.manual_seed(a.seed)
        model = build_model(TrainConfig(**base))
        model.load_state_dict(load_file(out/'heads'/'best'/'model.safetensors'))
        check = check_cached_forward(model, df, a.image_cut, a.text_cut, log=log)
        model, hist, n, chosen = cached_finetune(model, df, a, log=log)
        print(hist[['epoch', 'train_loss', 'valid_loss', 't2i_R@1', 'i2t_R@1', 't2i_R@5', 'i2t_R@5']].round(3).to_string(), flush=True)
        itf, ttf = a.image_train_from or a.image_cut, a.text_train_from or a.text_cut
        cfg = {k: getattr(a, k) for k in CACHED_ARGS} | dict(out_dir=str(out/a.cached_out))
        caps = f', {a.captions_per_step} captions per image per step' if a.captions_per_step > 1 else ''
        rows.append(report(f'cached fine-tune: blocks[{itf}:] + layers[{ttf}:], {a.cached_finetune_epochs} epochs{caps}', cfg,
                           evaluate(model.eval(), df, split='test', progress=False), time.time() - t0,
                           f'from the projection-only heads; lower towers (blocks[:{a.image_cut}], layers[:{a.text_cut}]) run once and '
                           f'cached (fp16){", train images also mirrored" if a.flip else ""}; {n/1e6:.2f}M trainable weights; '
                           f'kept: {chosen}, by validation R@1 (mean of both ways); cached-upper vs full forward max abs diff '
                           f'{max(check.values()):.1e} (fp16 cache), {max(check["image"], check["text"]):.1e} (fp32)'))
    path = out/'results.json'  # rows of stages not run this time are kept
    old = json.loads(path.read_text()) if path.exists() else []
    names = {r['name'] for r in rows}
    path.write_text(json.dumps([r for r in old if r['name'] not in names] + rows, indent=1))
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data_path', default='../shared/data/flickr8k')
    p.add_argument('--out_dir', default='benchmarks/out')
    p.add_argument('--heads_epochs', type=int, default=15)
    p.add_argument('--heads_lr', type=float, default=1e-3)
    p.add_argument('--finetune_epochs', type=int, default=1)
    p.add_argument('--finetune_lr', type=float, default=5e-5)
    p.add_argument('--skip_heads', action='store_true', help="reuse OUT_DIR/heads/best instead of training stage 1 again")
    p.add_argument('--cached_finetune_epochs', type=int, default=0, help='stage 3: epochs on cached intermediate features (0: skip)')
    p.add_argument('--image_cut', type=int, default=5, help='EfficientNet blocks[:IMAGE_CUT] run once and cached')
    p.add_argument('--text_cut', type=int, default=4, help='MiniLM layers[:TEXT_CUT] run once and cached')
    p.add_argument('--image_train_from', type=int, default=None, help='first EfficientNet block trained (default IMAGE_CUT)')
    p.add_argument('--text_train_from', type=int, default=None, help='first MiniLM layer trained (default TEXT_CUT)')
    p.add_argument('--no_flip', dest='flip', action='store_false', help='no mirrored training images')
    p.add_argument('--cached_batch_size', type=int, default=256)
    p.add_argument('--captions_per_step', type=int, default=1, help='stage 3: captions of each image in a step (1: one drawn at random; 5: all)')
    p.add_argument('--cached_head_lr', type=float, default=3e-4)
    p.add_argument('--cached_image_lr', type=float, default=3e-4)
    p.add_argument('--cached_text_lr', type=float, default=3e-4)
    p.add_argument('--cached_weight_decay', type=float, default=0.05)
    p.add_argument('--cached_warmup_pct', type=float, default=0.1)
    p.add_argument('--average_from', type=int, default=0, help='stage 3: also try the mean of the weights after epochs AVERAGE_FROM.. (0: off); kept if better on validation')
    p.add_argument('--cached_out', default='cached_ft', help='folder under OUT_DIR for stage 3 (best/ holds the model)')
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--progress', action='store_true')
    a = p.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}', flush=True)
    main(a)
