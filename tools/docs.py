"""Check the docs site where Quarto is not installed, and render it to plain HTML to look at.

`python tools/docs.py check` runs nbdev's own notebook processing (the step that feeds Quarto:
show_doc, directives, front matter) into `_proc/`, fails on any error, then renders every
processed page to `_site/` as self-contained HTML (maths as MathML, figures inline, nothing
loaded from a CDN) and fails on pages that hold an error output or reference a remote script.
`python tools/docs.py shots` serves `_site/` on 127.0.0.1 and screenshots each page with headless
Chromium into `_site/shots/`. Needs the `docs` extra: pip install -e ".[dev,docs]".
"""
import argparse, base64, html, json, re, shutil, subprocess, sys, tempfile, threading, time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROC, SITE = ROOT/'_proc', ROOT/'_site'

def process():
    "Run nbdev's docs processing of every notebook into `_proc/` (what Quarto would render)."
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.doclinks import _build_modidx
    from nbdev.serve import proc_nbs
    refresh_quarto_yml()
    _build_modidx()
    proc_nbs(n_workers=0, force=True)

def _math(text):
    "Replace $$..$$ and $..$ with MathML, leaving code spans and fences alone."
    from latex2mathml.converter import convert
    keep = {}
    def _stash(m):
        keep[f'\x00{len(keep)}\x00'] = m.group(0); return f'\x00{len(keep)-1}\x00'
    text = re.sub(r'```.*?```|`[^`\n]+`', _stash, text, flags=re.S)
    text = re.sub(r'\$\$(.+?)\$\$', lambda m: convert(m.group(1).strip(), display='block'), text, flags=re.S)
    text = re.sub(r'(?<![\\$\w])\$([^$\n]+?)\$(?!\w)', lambda m: convert(m.group(1)), text)
    for k, v in keep.items(): text = text.replace(k, v)
    return text

def _md(text):
    import markdown
    text = re.sub(r'\]\(([^)]*)\)\{[^}]*\}', r'](\1)', text)  # Quarto link attributes such as {target="_blank"}
    return markdown.markdown(_math(text), extensions=['fenced_code', 'tables', 'sane_lists'])

def _src(x): return ''.join(x) if isinstance(x, list) else (x or '')

def _output(out):
    "HTML for one cell output, and whether it is an error."
    if out.get('output_type') == 'error':
        return f'<pre class="error">{html.escape(chr(10).join(out.get("traceback", [])))}</pre>', True
    if out.get('output_type') == 'stream':
        txt = re.sub(r'\x1b\[[0-9;]*m', '', _src(out.get('text')))
        return f'<pre class="out">{html.escape(txt)}</pre>', out.get('name') == 'stderr' and 'Traceback' in txt
    d = out.get('data', {})
    if 'image/png' in d: return f'<img src="data:image/png;base64,{_src(d["image/png"]).strip()}">', False
    if 'image/svg+xml' in d: return _src(d['image/svg+xml']), False
    if 'text/html' in d: return f'<div class="html-out">{_src(d["text/html"])}</div>', False
    if 'text/markdown' in d: return f'<div class="md-out">{_md(_src(d["text/markdown"]))}</div>', False
    if 'text/plain' in d: return f'<pre class="out">{html.escape(_src(d["text/plain"]))}</pre>', False
    return '', False

def _front(nb):
    "Title and description from the raw front-matter cell nbdev's processing writes."
    import yaml
    for c in nb['cells']:
        if c['cell_type'] == 'raw':
            fm = yaml.safe_load(_src(c['source']).strip().strip('-')) or {}
            return str(fm.get('title', '')), str(fm.get('description', ''))
    return '', ''

def _sidebar():
    import yaml
    items = yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']
    def walk(xs):
        for x in xs:
            if isinstance(x, str): yield x
            else: yield from walk(x.get('contents', []))
    return list(walk(items))

CSS = """body{font-family:system-ui,sans-serif;margin:0;display:flex;color:#222}
nav{width:230px;padding:1rem;border-right:1px solid #ddd;font-size:14px;flex-shrink:0}
nav a{display:block;padding:2px 0;color:#2780e3;text-decoration:none} nav a.cur{font-weight:bold}
main{max-width:960px;padding:1rem 2rem;overflow-x:auto} pre{background:#f7f7f7;padding:.6rem;overflow-x:auto}
pre.out{background:none;border-left:2px solid lightsalmon} pre.error{background:#fee}
img{max-width:100%} table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:2px 6px}
.desc{color:#666;font-size:1.1rem} math[display=block]{margin:.6rem 0}"""

def render_page(nb_path, pages):
    "Render one processed notebook to standalone HTML; return (html, number of error outputs)."
    nb = json.loads(nb_path.read_text())
    title, desc = _front(nb)
    body, errors = [], 0
    for c in nb['cells']:
        if c['cell_type'] == 'markdown': body.append(_md(_src(c['source'])))
        elif c['cell_type'] == 'code':
            src = _src(c['source'])
            echo = not re.search(r'^#\|\s*echo:\s*false', src, re.M)
            src = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
            if src and echo: body.append(f'<pre><code class="python">{html.escape(src)}</code></pre>')
            for o in c.get('outputs', []):
                h, err = _output(o); body.append(h); errors += err
    nav = ''.join(f'<a href="{p.rsplit(".", 1)[0]}.html"{" class=cur" if p == nb_path.name else ""}>{html.escape(t)}</a>'
                  for p, t in pages)
    page = (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{CSS}</style></head><body><nav>{nav}</nav><main><h1>{html.escape(title)}</h1>'
            f'<p class="desc">{html.escape(desc)}</p>{"".join(body)}</main></body></html>')
    return page, errors

def undocumented():
    """Exported names (each module's `__all__`) with no doc entry on their notebook's processed page: a show_doc heading
    (`### name`) for functions and classes, a bold code name (**`NAME`**) in a markdown cell for constants."""
    import importlib
    missing = []
    for src in sorted((ROOT/'nbs').glob('*.ipynb')):
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', src.read_text())
        if not m or not (PROC/src.name).exists(): continue
        mod = importlib.import_module(f'clip_tutorial.{m.group(1)}')
        text = ''
        for c in json.loads((PROC/src.name).read_text())['cells']:
            if c['cell_type'] == 'markdown': text += _src(c['source']) + '\n'
            for o in c.get('outputs', []): text += _src(o.get('data', {}).get('text/markdown', '')) + '\n'
        missing += [f'{src.name}: {n}' for n in mod.__all__
                    if not re.search(rf'^#+ {re.escape(n)}\s*$', text, re.M) and f'**`{n}`**' not in text]
    return missing

def check():
    "Process the notebooks, render them, and fail on errors or remote scripts."
    process()
    if SITE.exists(): shutil.rmtree(SITE)
    SITE.mkdir()
    names = [n for n in _sidebar() if (PROC/n).exists()]
    missing = [n for n in _sidebar() if not (PROC/n).exists()]
    pages = [(n, _front(json.loads((PROC/n).read_text()))[0] or n) for n in names]
    problems = [f'{n}: listed in sidebar.yml but not found' for n in missing]
    listed = set(names)
    problems += [f'{p.name}: not listed in sidebar.yml' for p in sorted(PROC.glob('*.ipynb')) if p.name not in listed]
    for n in names:
        page, errors = render_page(PROC/n, pages)
        (SITE/(n.rsplit('.', 1)[0] + '.html')).write_text(page)
        if errors: problems.append(f'{n}: {errors} error output(s)')
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', page)
        if remote: problems.append(f'{n}: loads {len(remote)} remote resource(s), e.g. {remote[0]}')
    problems += [f'{n}: exported but no doc entry' for n in undocumented()]
    for p in problems: print('DOCS:', p)
    print(f'rendered {len(names)} pages to {SITE.relative_to(ROOT)}/, {len(problems)} problem(s)')
    return 1 if problems else 0

def shots(width=1200, height=1600):
    "Serve _site on 127.0.0.1 and screenshot every page with headless Chromium."
    chrome = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chrome: print('chromium not found: apt-get install chromium'); return 1
    out = SITE/'shots'; out.mkdir(exist_ok=True)
    srv = ThreadingHTTPServer(('127.0.0.1', 0), partial(SimpleHTTPRequestHandler, directory=str(SITE)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        for page in sorted(SITE.glob('*.html')):
            with tempfile.TemporaryDirectory() as prof:
                cmd = [chrome, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync',
                       f'--user-data-dir={prof}', f'--window-size={width},{height}', '--hide-scrollbars',
                       f'--screenshot={out/(page.stem + ".png")}', f'http://127.0.0.1:{srv.server_port}/{page.name}']
                subprocess.run(cmd, capture_output=True, timeout=120)
            print('shot', page.name)
    finally: srv.shutdown()
    return 0

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('cmd', choices=['check', 'shots'])
    a = p.parse_args()
    sys.exit(check() if a.cmd == 'check' else shots())
