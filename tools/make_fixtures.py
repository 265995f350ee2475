"""Write the tiny caption datasets in data/ that the notebooks test against.

Twelve small scenes drawn with PIL (48-64 px JPEGs), five captions each, laid out like the real
datasets users have on disk:
  data/flickr8k_kaggle/    Images/ + captions.txt (CSV image,caption) + Flickr_8k.*Images.txt at the root
  data/flickr8k_original/  Flicker8k_Dataset/ + Flickr8k_text/ (Flickr8k.token.txt, split files)
                           + dataset_flickr8k.json (Karpathy's format)
  data/flickr30k/          flickr30k_images/ + results.csv ("|" separated) + results_20130124.token
  data/coco/               COCO's layout: annotations/captions_val2017.json + val2017/000000000100.jpg ...
  data/table/              captions.csv (image,caption; no split) and captions.jsonl (image, caption, split),
                           image paths relative to the file, naming the images of data/flickr8k_kaggle/Images
  data/folder/             ball.jpg + ball.txt (one caption a line), one pair per scene
The output is deterministic: running it again rewrites the same bytes.
Usage: python tools/make_fixtures.py [--dest data]
"""
import argparse, csv, hashlib, io, json, shutil
from pathlib import Path
from PIL import Image, ImageDraw

SKY, GRASS, SEA, NIGHT = (135, 190, 235), (70, 160, 60), (40, 90, 170), (20, 25, 60)

def _house(d, x, y, s, wall=(230, 220, 190), roof=(190, 40, 40)):
    d.rectangle([x, y, x + s, y + s], fill=wall)
    d.polygon([(x - s // 5, y), (x + s // 2, y - s * 2 // 3), (x + s + s // 5, y)], fill=roof)
    d.rectangle([x + s * 2 // 5, y + s // 2, x + s * 3 // 5, y + s], fill=(110, 70, 40))

def _tree(d, x, y, s):
    d.rectangle([x - s // 8, y, x + s // 8, y + s], fill=(100, 65, 35))
    d.ellipse([x - s // 2, y - s * 3 // 4, x + s // 2, y + s // 4], fill=(30, 120, 40))

def _ground(d, w, h, top=SKY, bottom=GRASS, at=0.65):
    d.rectangle([0, 0, w, h], fill=top)
    d.rectangle([0, int(h * at), w, h], fill=bottom)

def ball(d, w, h):
    _ground(d, w, h); d.ellipse([w*.4, h*.5, w*.6, h*.5 + w*.2], fill=(220, 30, 30))

def sun_house(d, w, h):
    _ground(d, w, h); d.ellipse([w*.7, h*.05, w*.9, h*.05 + w*.2], fill=(250, 210, 40)); _house(d, int(w*.25), int(h*.42), int(w*.35))

def boat(d, w, h):
    _ground(d, w, h, SKY, SEA, .6)
    d.polygon([(w*.25, h*.62), (w*.75, h*.62), (w*.65, h*.75), (w*.35, h*.75)], fill=(120, 70, 30))
    d.polygon([(w*.5, h*.2), (w*.5, h*.6), (w*.72, h*.6)], fill=(250, 250, 250)); d.line([(w*.5, h*.2), (w*.5, h*.62)], fill=(60, 40, 20), width=2)

def tree_house(d, w, h):
    _ground(d, w, h); _house(d, int(w*.15), int(h*.45), int(w*.3)); _tree(d, int(w*.72), int(h*.45), int(w*.25))

def two_trees(d, w, h):
    d.rectangle([0, 0, w, h], fill=SKY); d.ellipse([-w*.3, h*.55, w*1.3, h*1.6], fill=GRASS)
    _tree(d, int(w*.3), int(h*.4), int(h*.25)); _tree(d, int(w*.7), int(h*.4), int(h*.25))

def car(d, w, h):
    _ground(d, w, h, SKY, (90, 90, 95), .7)
    d.rectangle([w*.2, h*.55, w*.8, h*.72], fill=(30, 80, 200)); d.rectangle([w*.32, h*.42, w*.65, h*.56], fill=(30, 80, 200))
    for cx in (.32, .68): d.ellipse([w*cx - w*.07, h*.66, w*cx + w*.07, h*.66 + w*.14], fill=(20, 20, 20))

def snowman(d, w, h):
    _ground(d, w, h, (170, 200, 230), (245, 245, 250), .7)
    for cy, r in ((.72, .16), (.48, .12), (.3, .08)): d.ellipse([w*.5 - w*r, h*cy - w*r, w*.5 + w*r, h*cy + w*r], fill=(255, 255, 255), outline=(150, 150, 160))
    d.polygon([(w*.5, h*.3), (w*.62, h*.32), (w*.5, h*.34)], fill=(240, 120, 20))

def fish(d, w, h):
    d.rectangle([0, 0, w, h], fill=SEA); d.ellipse([w*.25, h*.4, w*.65, h*.6], fill=(250, 140, 20))
    d.polygon([(w*.62, h*.5), (w*.8, h*.38), (w*.8, h*.62)], fill=(250, 140, 20)); d.ellipse([w*.32, h*.46, w*.36, h*.5], fill=(0, 0, 0))

def kite(d, w, h):
    _ground(d, w, h, SKY, GRASS, .85)
    d.polygon([(w*.6, h*.1), (w*.75, h*.25), (w*.6, h*.45), (w*.45, h*.25)], fill=(230, 40, 160))
    d.line([(w*.6, h*.45), (w*.3, h*.85)], fill=(40, 40, 40), width=1)

def night(d, w, h):
    d.rectangle([0, 0, w, h], fill=NIGHT); d.ellipse([w*.6, h*.1, w*.85, h*.1 + w*.25], fill=(240, 240, 200))
    for x, y in ((.1, .2), (.3, .1), (.2, .5), (.45, .35), (.8, .6), (.6, .75), (.35, .8)): d.rectangle([w*x, h*y, w*x + 1, h*y + 1], fill=(255, 255, 255))

def flower(d, w, h):
    d.rectangle([0, 0, w, h], fill=(240, 235, 220)); d.polygon([(w*.35, h*.7), (w*.65, h*.7), (w*.6, h*.95), (w*.4, h*.95)], fill=(180, 90, 50))
    d.line([(w*.5, h*.35), (w*.5, h*.7)], fill=(40, 140, 40), width=2)
    for dx, dy in ((0, -.1), (.1, 0), (0, .1), (-.1, 0)): d.ellipse([w*(.44 + dx), h*(.29 + dy), w*(.56 + dx), h*(.41 + dy)], fill=(250, 220, 0))

def rainbow(d, w, h):
    _ground(d, w, h, SKY, GRASS, .75)
    for i, c in enumerate([(230, 30, 30), (250, 150, 0), (250, 230, 0), (40, 170, 40), (40, 80, 220), (130, 50, 180)]):
        r = w*.45 - i * 2.5; d.arc([w*.5 - r, h*.75 - r, w*.5 + r, h*.75 + r], 180, 360, fill=c, width=3)

# (drawing, (width, height), five captions in Flickr8k's style: tokenised, ending with " .")
SCENES = [
    (ball, (64, 48), ["A red ball lies on green grass .", "A red ball on the lawn under a blue sky .", "A small red ball sits in a grassy field .",
                      "Red ball on grass", "A ball , red and round , rests on the grass ."]),
    (sun_house, (64, 64), ["A yellow sun shines above a small house .", "A house with a red roof under the sun .", "The sun is in the sky to the right of a house .",
                           "A cottage on the grass on a sunny day .", "A small white house with a red roof ."]),
    (boat, (64, 48), ["A sailboat floats on the blue sea .", "A boat with a white sail on the water .", "A small brown boat sails on the ocean .",
                      "A sail boat on calm blue water .", "A wooden boat at sea under a clear sky ."]),
    (tree_house, (64, 64), ["A tree stands next to a house .", "A house on the left and a green tree on the right .", "A small house beside a tall tree .",
                            "A tree and a house on the grass .", "A cottage with a red roof next to a tree ."]),
    (two_trees, (48, 64), ["Two trees on a green hill .", "Two green trees stand on a hilltop .", "A pair of trees on a grassy hill under a blue sky .",
                           "Trees on a hill", "Two small trees side by side on a hill ."]),
    (car, (64, 48), ["A blue car drives on the road .", "A blue car on a grey road .", "A small blue car with black wheels .",
                     "A car is parked on the street .", "A blue automobile on the asphalt ."]),
    (snowman, (48, 64), ["A snowman stands in the snow .", "A white snowman with an orange nose .", "A snowman made of three snowballs .",
                         "A snowman on a snowy field .", "A snowman with a carrot nose in winter ."]),
    (fish, (64, 48), ["An orange fish swims in blue water .", "A fish in the sea .", "An orange fish swimming to the left .",
                      "A goldfish under water .", "A small orange fish in deep blue water ."]),
    (kite, (48, 64), ["A pink kite flies in the sky .", "A kite high above the grass .", "A pink kite on a string in the blue sky .",
                      "Someone is flying a kite over a field .", "A diamond shaped kite in the air ."]),
    (night, (64, 48), ["The moon and stars in the night sky .", "A full moon on a dark night .", "A dark blue sky with a bright moon .",
                       "Stars and the moon at night .", "A night sky with a few small stars ."]),
    (flower, (48, 64), ["A yellow flower in a pot .", "A flower growing in a brown pot .", "A potted yellow flower with a green stem .",
                        "A single flower in a clay pot .", "A yellow flower , in a flower pot , indoors ."]),
    (rainbow, (64, 48), ["A rainbow over a green field .", "A colourful rainbow in the blue sky .", "A rainbow arches above the grass .",
                         "A bright rainbow over a meadow .", "A rainbow with many colours over the grass ."]),
]
SPLITS = ["train"] * 8 + ["dev"] * 2 + ["test"] * 2  # official Flickr8k split names: train / dev / test

def jpeg_bytes(draw, size, scale=4):
    "Draw a scene at `scale` times `size`, then shrink it (smooth edges) and encode it as JPEG."
    w, h = size[0] * scale, size[1] * scale
    im = Image.new("RGB", (w, h)); draw(ImageDraw.Draw(im), w, h)
    buf = io.BytesIO(); im.resize(size, Image.LANCZOS).save(buf, "JPEG", quality=80)
    return buf.getvalue()

def flickr8k_name(i): return f"{3000000000 + 7919 * i}_{hashlib.sha1(str(i).encode()).hexdigest()[:10]}.jpg"

def _write(path, text): path.parent.mkdir(parents=True, exist_ok=True); path.write_text(text)

def _split_files(folder, names):
    for s in ("train", "dev", "test"):
        _write(folder / f"Flickr_8k.{s}Images.txt", "".join(n + "\n" for n, sp in zip(names, SPLITS) if sp == s))

def make(dest):
    dest = Path(dest)
    for sub in ("flickr8k_kaggle", "flickr8k_original", "flickr30k", "coco", "table", "folder"): shutil.rmtree(dest / sub, ignore_errors=True)
    jpegs = [jpeg_bytes(draw, size) for draw, size, _ in SCENES]
    names = [flickr8k_name(i) for i in range(len(SCENES))]
    caps = [c for _, _, c in SCENES]
    # Kaggle layout
    k = dest / "flickr8k_kaggle"; (k / "Images").mkdir(parents=True)
    for n, b in zip(names, jpegs): (k / "Images" / n).write_bytes(b)
    with open(k / "captions.txt", "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n"); wr.writerow(["image", "caption"])
        for n, cs in zip(names, caps): wr.writerows([n, c] for c in cs)
    _split_files(k, names)
    # original layout
    o = dest / "flickr8k_original"; (o / "Flicker8k_Dataset").mkdir(parents=True)
    for n, b in zip(names, jpegs): (o / "Flicker8k_Dataset" / n).write_bytes(b)
    _write(o / "Flickr8k_text" / "Flickr8k.token.txt", "".join(f"{n}#{j}\t{c}\n" for n, cs in zip(names, caps) for j, c in enumerate(cs)))
    _split_files(o / "Flickr8k_text", names)
    kp = {"train": "train", "dev": "val", "test": "test"}
    sents = lambda i, cs: [dict(tokens=c.lower().rstrip(" .").split(), raw=c, imgid=i, sentid=5 * i + j) for j, c in enumerate(cs)]
    images = [dict(sentids=list(range(5 * i, 5 * i + 5)), imgid=i, sentences=sents(i, cs), split=kp[s], filename=n)
              for i, (n, cs, s) in enumerate(zip(names, caps, SPLITS))]
    _write(o / "dataset_flickr8k.json", json.dumps(dict(images=images, dataset="flickr8k")))
    # Flickr30k: numeric file names, "|"-separated results.csv (Kaggle) and the original token file
    f30 = dest / "flickr30k"; (f30 / "flickr30k_images").mkdir(parents=True)
    ids = [f"{1000092795 + 1013 * i}.jpg" for i in range(len(SCENES))]
    for n, b in zip(ids, jpegs): (f30 / "flickr30k_images" / n).write_bytes(b)
    _write(f30 / "results.csv", "image_name| comment_number| comment\n" + "".join(f"{n}| {j}| {c}\n" for n, cs in zip(ids, caps) for j, c in enumerate(cs)))
    _write(f30 / "results_20130124.token", "".join(f"{n}#{j}\t{c}\n" for n, cs in zip(ids, caps) for j, c in enumerate(cs)))
    # COCO: annotations/captions_val2017.json and the images in val2017/, named by id
    coco_names = [f"{100 + i:012d}.jpg" for i in range(len(SCENES))]
    (dest / "coco" / "val2017").mkdir(parents=True)
    for n, b in zip(coco_names, jpegs): (dest / "coco" / "val2017" / n).write_bytes(b)
    coco = dict(info=dict(description="caption fixture in COCO's format"), licenses=[],
                images=[dict(id=100 + i, file_name=n, width=s[0], height=s[1]) for i, (n, (_, s, _)) in enumerate(zip(coco_names, SCENES))],
                annotations=[dict(id=1000 + 5 * i + j, image_id=100 + i, caption=c) for i, cs in enumerate(caps) for j, c in enumerate(cs)])
    _write(dest / "coco" / "annotations" / "captions_val2017.json", json.dumps(coco))
    # caption tables beside no images: paths relative to the table file
    rel = [f"../flickr8k_kaggle/Images/{n}" for n in names]
    buf = io.StringIO(); wr = csv.writer(buf, lineterminator="\n"); wr.writerow(["image", "caption"])
    wr.writerows([r, c] for r, cs in zip(rel, caps) for c in cs)
    _write(dest / "table" / "captions.csv", buf.getvalue())
    split = {"train": "train", "dev": "valid", "test": "test"}
    _write(dest / "table" / "captions.jsonl", "".join(json.dumps(dict(image=r, caption=c, split=split[s])) + "\n"
                                                     for r, cs, s in zip(rel, caps, SPLITS) for c in cs))
    # a folder of images, each with its captions in a same-name .txt
    (dest / "folder").mkdir()
    for (draw, _, cs), b in zip(SCENES, jpegs):
        (dest / "folder" / f"{draw.__name__}.jpg").write_bytes(b)
        _write(dest / "folder" / f"{draw.__name__}.txt", "".join(c + "\n" for c in cs))
    return dest

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dest", default=str(Path(__file__).resolve().parent.parent / "data"))
    dest = make(p.parse_args().dest)
    size = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    print(f"wrote {dest}: {sum(1 for f in dest.rglob('*') if f.is_file())} files, {size / 1024:.0f} KiB")
