"""Write README.md from nbs/index.ipynb (the site's home page), or check that it is current.

Markdown cells are copied, visible code cells become fenced blocks with their text outputs, and
PNG outputs are written to images/ and linked. `#| hide` cells and directive lines are dropped.
Links are made to work on GitHub from the repository root: a notebook link such as `00_data.ipynb` (the site
turns it into the page) becomes `nbs/00_data.ipynb`, and links to this repository's files on GitHub become relative.
Usage: python tools/readme.py [--check]
"""
import base64, hashlib, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB, README, IMAGES = ROOT/'nbs'/'index.ipynb', ROOT/'README.md', ROOT/'images'
HEADER = '<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n\n'

def _src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def _directives(src): return [l for l in src.splitlines() if re.match(r'\s*#\s*\|', l)]

def _links(md):
    "Notebook links relative to nbs/ become links from the repository root; links to this repository's files relative."
    md = re.sub(r'\]\((?!\w+:|/|#|nbs/)([^)\s]+\.ipynb(?:#[^)\s]*)?)\)', r'](nbs/\1)', md)
    return re.sub(r'\]\(https://github\.com/clip-tutorial/clip_tutorial/blob/main/([^)\s]+)\)', r'](\1)', md)

def render():
    nb = json.loads(NB.read_text())
    parts, images = [], {}
    for cell in nb['cells']:
        src = _src(cell)
        if cell['cell_type'] == 'markdown':
            parts.append(src.strip()); continue
        if cell['cell_type'] != 'code': continue
        dirs = ' '.join(_directives(src))
        if re.search(r'\b(hide|exec_doc|include:\s*false)\b', dirs) or 'nbdev_export' in src: continue
        code = '\n'.join(l for l in src.splitlines() if not re.match(r'\s*#\s*\|', l)).strip()
        if code and not re.search(r'echo:\s*false', dirs): parts.append(f'```python\n{code}\n```')
        for out in cell.get('outputs', []):
            data = out.get('data', {})
            if 'image/png' in data:
                png = base64.b64decode(data['image/png'])
                name = f'readme_{hashlib.md5(png).hexdigest()[:10]}.png'
                images[name] = png
                parts.append(f'![](images/{name})')
            elif 'text/markdown' in data: parts.append(_src({'source': data['text/markdown']}).strip())
            elif 'text/plain' in data or out.get('output_type') == 'stream':
                txt = _src({'source': data.get('text/plain', out.get('text', ''))})
                txt = '\n'.join(l.rsplit('\r', 1)[-1] for l in txt.split('\n')).rstrip()  # a progress bar's last state
                if txt.strip(' \n█'): parts.append(f'```\n{txt}\n```')
    title = re.sub(r'^#\s+', '', parts[0].splitlines()[0]) if parts else 'clip_tutorial'
    body = _links('\n\n'.join(parts))
    # nbdev's front-matter idiom `# Title` + `> subtitle` reads the same in markdown
    return HEADER + body + '\n', images

def main(check=False):
    md, images = render()
    stale = not README.exists() or README.read_bytes() != md.encode()
    stale |= any(not (IMAGES/n).exists() for n in images)
    if check:
        if stale: print('README.md is stale: run python tools/readme.py'); return 1
        return 0
    README.write_text(md)
    if images: IMAGES.mkdir(exist_ok=True)
    for n, png in images.items(): (IMAGES/n).write_bytes(png)
    for old in IMAGES.glob('readme_*.png') if IMAGES.exists() else []:
        if old.name not in images: old.unlink()
    print(f'wrote {README.relative_to(ROOT)} ({len(md)} chars, {len(images)} images)')
    return 0

if __name__ == '__main__': sys.exit(main('--check' in sys.argv))
