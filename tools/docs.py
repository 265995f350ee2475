"""Check the docs site where Quarto is not installed, and render it to plain HTML to look at.

`python tools/docs.py check` runs nbdev's own notebook processing (the step that feeds Quarto: show_doc,
directives, front matter, doc links) into a temporary folder, renders every page with pandoc (the converter Quarto
itself runs: MathML, highlighting, a table of contents) into `_site/` under nbdev's page names
(`data.html` for `00_data.ipynb`) with `sidebar.yml`'s sections, and fails on what a reader would see wrong:
error outputs, progress-bar redraws or stray bar glyphs or unfinished bars in saved outputs, machine-specific
paths in outputs, markdown or `__main__.` inside signatures, classes shown as `def`, public methods without a
docstring of their own, maths pandoc cannot convert or `$`/TeX left in the text, figures saved only as
`<Figure size ...>`, links between pages (or to anchors) that do not exist, remote scripts, exported names
without a doc entry. Without pandoc (apt-get install pandoc) the page checks still run and the rendering
and its checks (maths, links) are skipped with a message.
`python tools/docs.py shots [page ...]` serves `_site/` on 127.0.0.1 and screenshots whole pages with headless
Chromium (apt-get install chromium), in tiles of 1400x1800 px, into `_site/shots/`.
"""
import argparse, html, json, re, shutil, subprocess, sys, tempfile, threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT/'_site'
sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_nbs import ANSI_ERASE, FP_BAR, TQDM_BAR, collapse_text, machine_paths  # noqa: E402

def _src(x): return ''.join(x) if isinstance(x, list) else (x or '')

# ---------------------------------------------------------------- the site's pages

def process(proc):
    """Run nbdev's docs processing of each notebook into folder `proc` (what Quarto would render), as `nbdev_proc_nbs` does,
    one notebook at a time so that one that fails does not hide the others; returns the failures, one line each."""
    from nbdev.config import get_config
    from nbdev.doclinks import _build_modidx, nbglob
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.serve import _proc_file
    from nbdev import serve_drv
    refresh_quarto_yml()
    _build_modidx()
    path = get_config().nbs_path
    failed = []
    for f in sorted(nbglob(path, func=Path, file_glob='', file_re='')) + [path/n for n in ('_quarto.yml', 'sidebar.yml', 'nbdev.yml', 'styles.css')]:
        item = _proc_file(f, cache=proc, path=path) if f.exists() else None
        if not item: continue
        try: serve_drv.main(item)
        except Exception as e:
            cause, lines = e.__cause__ or e, str(e).splitlines()
            failed.append(f"{f.name}: nbdev's processing fails: {lines[0] if lines else ''} {' | '.join(lines[1:4])}: "
                          f"{type(cause).__name__}: {cause}")
    return failed

def front(nb):
    "Front matter (title, description, output-file) from the raw cell nbdev's processing writes."
    import yaml
    for c in nb['cells']:
        if c['cell_type'] == 'raw' and _src(c['source']).lstrip().startswith('---'):
            try: return yaml.safe_load(_src(c['source']).strip().strip('-')) or {}
            except yaml.YAMLError: return {}
    return {}

def sidebar():
    "sidebar.yml as [(section or None, [notebook names])]."
    import yaml
    items = yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']
    res = []
    for x in items:
        if isinstance(x, str): res.append((None, [x]))
        else: res.append((x.get('section'), [y if isinstance(y, str) else y.get('href', '') for y in x.get('contents', [])]))
    return res

def site_url():
    import yaml
    return str(yaml.safe_load((ROOT/'nbs'/'nbdev.yml').read_text())['website'].get('site-url', '')).rstrip('/')

def out_name(nb_name, fm):
    "The page a notebook becomes: its front matter's output-file (nbdev sets it: `data.html` for 00_data.ipynb)."
    return str(fm.get('output-file') or re.sub(r'\.ipynb$', '.html', nb_name))

# ---------------------------------------------------------------- checks on saved outputs

GLYPH_OUT = re.compile(r'^[\s█X\r]*$')

def output_problems(cells, name):
    "Progress-bar redraws, stray bar glyphs, unfinished bars, text glued to a bar, machine-specific paths."
    probs, pat = [], machine_paths()
    for i, c in enumerate(cells):
        cid = f"cell {i}" + (f" ({c['id']})" if c.get('id') else '')
        for o in c.get('outputs', []):
            if o.get('output_type') == 'stream':
                txt = _src(o.get('text'))
                rows = [r for r in re.split(r'[\r\n]', ANSI_ERASE.sub('\r', txt)) if r.strip()]
                bars = [r for r in rows if FP_BAR.match(r) or TQDM_BAR.match(r)]
                if any(r.strip() in '█X' and not (k + 1 < len(rows) and (FP_BAR.match(rows[k+1]) or TQDM_BAR.match(rows[k+1])))
                       for k, r in enumerate(rows)):
                    probs.append(f'{name}: {cid}: a stray progress-bar glyph output ("█")')
                states = [(m.group('prefix').strip(), int(m.group('val')), m.group('tot'))
                          for m in (FP_BAR.match(b) or TQDM_BAR.match(b) for b in bars)]
                redraws = sum(a[0] == b[0] and a[2] == b[2] and b[1] >= a[1] for a, b in zip(states, states[1:]))
                if redraws:
                    probs.append(f'{name}: {cid}: progress-bar redraws saved ({len(bars)} bar states); '
                                 'a saved output holds one line per bar (re-run with tools/execute_nbs.py)')
                final = collapse_text(txt)
                if bars and not any(FP_BAR.match(l) or TQDM_BAR.match(l) for l in final.split('\n')) and \
                        any(_unfinished(b) for b in bars[-1:]):
                    probs.append(f'{name}: {cid}: an unfinished progress bar ({bars[-1].strip()[:60]})')
                for l in txt.split('\n'):
                    m = FP_BAR.match(l.split('\r')[-1]) or TQDM_BAR.match(l.split('\r')[-1])
                    if m and l.split('\r')[-1][m.end():].strip():
                        probs.append(f'{name}: {cid}: text glued to a progress bar: {l.split(chr(13))[-1][m.end():].strip()[:60]!r}')
            if o.get('output_type') == 'display_data' and '<progress' in _src(o.get('data', {}).get('text/html')):
                probs.append(f'{name}: {cid}: an HTML progress bar saved (one per update?)')
            for t in _texts(o):
                for p in sorted(set(m.group(0) for m in pat.finditer(t))):
                    probs.append(f'{name}: {cid}: machine-specific path in an output: {p}')
    return list(dict.fromkeys(probs))

def _unfinished(bar_line):
    m = FP_BAR.match(bar_line) or TQDM_BAR.match(bar_line)
    return bool(m) and m.group('tot') != '?' and int(m.group('val')) < int(m.group('tot'))

def _texts(o):
    if o.get('output_type') == 'stream': yield _src(o.get('text'))
    if o.get('output_type') == 'error': yield '\n'.join(o.get('traceback', []))
    for k, v in o.get('data', {}).items():
        if k.startswith('text/'): yield _src(v)

# ---------------------------------------------------------------- checks on show_doc entries

BUILTIN_DOCS = ('Call self as a function.', 'Initialize self.', 'Return iter(self).', 'Return len(self).',
                'Implement iter(self).', 'Return repr(self).', 'Return str(self).', 'Create and return a new object.')
SHOWDOC = re.compile(r'^(#+) (?P<name>\S+)\s*\n+```python\n(?P<sig>.*?)\n```\s*(?P<doc>.*)', re.S | re.M)

def _resolve(module, name):
    obj = module
    for part in name.split('.'):
        obj = getattr(obj, part, None)
        if obj is None: return None
    return obj

def showdoc_problems(cells, name, module=None):
    "Markdown or `__main__.` in rendered signatures, classes as `def`, entries with no docstring of their own."
    import inspect
    probs = []
    for c in cells:
        for o in c.get('outputs', []):
            md = _src(o.get('data', {}).get('text/markdown'))
            for m in SHOWDOC.finditer(md):
                nm, sig, doc = m.group('name'), m.group('sig'), m.group('doc').strip()
                if '`' in sig or re.search(r'\]\(', sig):
                    probs.append(f'{name}: {nm}: markdown inside the signature (a docments comment with backticks?): '
                                 f'{next(l for l in sig.splitlines() if "`" in l or "](" in l).strip()[:90]}')
                if '__main__.' in sig:
                    probs.append(f'{name}: {nm}: `__main__.` in the signature: '
                                 f'{next(l for l in sig.splitlines() if "__main__." in l).strip()[:90]}')
                obj = _resolve(module, nm) if module is not None else None
                is_cls = inspect.isclass(obj) if obj is not None else bool(re.fullmatch(r'[A-Z]\w*[a-z]\w*', nm))
                if is_cls and re.match(rf'(async )?def {re.escape(nm)}\(', sig):
                    probs.append(f'{name}: {nm}: a class rendered as `def {nm}(`')
                first = doc.split('\n\n')[0].strip().strip('*').strip() if doc and not doc.startswith('---') else ''
                own = obj is None or getattr(inspect.unwrap(obj) if callable(obj) else obj, '__doc__', None) or inspect.isclass(obj)
                if not first or first in BUILTIN_DOCS or not own:
                    probs.append(f'{name}: {nm}: no docstring of its own (shows {first[:40]!r})')
    return probs

def method_problems(module, name):
    "Public methods and properties of the module's exported classes without a docstring of their own."
    import inspect
    probs = []
    for cname in getattr(module, '__all__', []):
        cls = getattr(module, cname, None)
        if not inspect.isclass(cls) or cls.__module__ != module.__name__: continue
        for k, v in vars(cls).items():
            if k.startswith('_'): continue
            f = v.fget if isinstance(v, property) else getattr(v, '__func__', v)
            if not (inspect.isfunction(f) or isinstance(v, property)): continue
            if not (f.__doc__ or '').strip(): probs.append(f'{name}: {cname}.{k}: a public method with no docstring')
    return probs

def undocumented(proc):
    """Exported names (each module's `__all__`) with no doc entry on their notebook's processed page: a show_doc heading
    (`### name`) for functions and classes, a bold code name (**`NAME`**) in a markdown cell for constants."""
    import importlib
    missing = []
    for src in sorted((ROOT/'nbs').glob('*.ipynb')):
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', src.read_text())
        if not m or not (proc/src.name).exists(): continue
        try: mod = importlib.import_module(f'clip_tutorial.{m.group(1)}')
        except Exception: continue  # reported by check()
        text = ''
        for c in json.loads((proc/src.name).read_text())['cells']:
            if c['cell_type'] == 'markdown': text += _src(c['source']) + '\n'
            for o in c.get('outputs', []): text += _src(o.get('data', {}).get('text/markdown', '')) + '\n'
        missing += [f'{src.name}: {n}: exported but no doc entry' for n in mod.__all__
                    if not re.search(rf'^#+ {re.escape(n)}\s*$', text, re.M) and f'**`{n}`**' not in text]
    return missing

# ---------------------------------------------------------------- rendering with pandoc

def _directives(src):
    d = {}
    for l in src.splitlines():
        m = re.match(r'\s*#\|\s*([\w-]+)\s*:?\s*(.*)', l)
        if m: d[m.group(1)] = m.group(2).strip().lower()
    return d

def _fence(code, cls='python'):
    ticks = '`' * max(3, max((len(t) for t in re.findall(r'`+', code)), default=0) + 1)
    return f'{ticks}{cls}\n{code}\n{ticks}'

def _img(mime, data, meta):
    w = (meta or {}).get(mime, {}).get('width') if isinstance((meta or {}).get(mime), dict) else None
    return f'<img src="data:{mime};base64,{_src(data).strip()}"{f" width={int(w)}" if w else ""} alt="figure">'

def output_html(o):
    "HTML for one output (not markdown), and whether it is an error."
    t = o.get('output_type')
    if t == 'error':
        tb = re.sub(r'\x1b\[[0-9;]*m', '', '\n'.join(o.get('traceback', [])))
        return f'<pre class="cell-output error">{html.escape(tb)}</pre>', True
    if t == 'stream':
        txt = re.sub(r'\x1b\[[0-9;]*[mK]', '', _src(o.get('text'))).replace('\r\n', '\n').replace('\r', '\n')
        cls = 'stderr' if o.get('name') == 'stderr' else 'stdout'
        return f'<pre class="cell-output {cls}">{html.escape(txt)}</pre>', cls == 'stderr' and 'Traceback' in txt
    d, meta = o.get('data', {}), o.get('metadata', {})
    if 'text/html' in d: return f'<div class="cell-output-display">{_src(d["text/html"])}</div>', False
    for mime in ('image/png', 'image/jpeg', 'image/gif', 'image/webp'):
        if mime in d: return f'<div class="cell-output-display">{_img(mime, d[mime], meta)}</div>', False
    if 'image/svg+xml' in d: return f'<div class="cell-output-display">{_src(d["image/svg+xml"])}</div>', False
    if 'text/plain' in d: return f'<pre class="cell-output out">{html.escape(_src(d["text/plain"]))}</pre>', False
    return '', False

def page_markdown(nb):
    "One pandoc-markdown document for a processed notebook, outputs other than markdown left as numbered placeholders."
    parts, outs, errors = [], [], 0
    for c in nb['cells']:
        src = _src(c['source'])
        if c['cell_type'] == 'markdown': parts.append(src)
        if c['cell_type'] != 'code': continue
        d = _directives(src)
        if d.get('include') == 'false': continue
        code = '\n'.join(l for l in src.splitlines() if not re.match(r'\s*#\|', l)).strip()
        cell = []
        if code and d.get('echo') != 'false': cell.append(_fence(code))
        for o in c.get('outputs', []) if d.get('output') != 'false' else []:
            md = o.get('data', {}).get('text/markdown')
            if md is not None:
                cell.append(_src(md) if d.get('output') == 'asis' else f'::: {{.cell-output-markdown}}\n{_src(md)}\n:::')
                continue
            h, err = output_html(o); errors += err
            if h: outs.append(h); cell.append(f'<!--OUT:{len(outs)-1}-->')
        if cell: parts.append('::: {.cell}\n' + '\n\n'.join(cell) + '\n:::')
    return '\n\n'.join(parts) + '\n', outs, errors

TEMPLATE = '$highlighting-css$\n<!--TOC-->\n$toc$\n<!--BODY-->\n$body$\n'

def pandoc(md):
    "Convert pandoc markdown to (highlighting css, toc html, body html, warnings) as Quarto's pandoc would."
    with tempfile.TemporaryDirectory() as d:
        tpl = Path(d)/'t.html'; tpl.write_text(TEMPLATE)
        r = subprocess.run(['pandoc', '-f', 'markdown', '-t', 'html5', '--mathml', '--toc', '--toc-depth=2', '-s',
                            f'--template={tpl}', '--highlight-style=pygments', '--metadata', 'title=x'],
                           input=md, capture_output=True, text=True, timeout=120)
    if r.returncode: raise RuntimeError(f'pandoc failed: {r.stderr[-500:]}')
    css, rest = r.stdout.split('<!--TOC-->', 1)
    toc, body = rest.split('<!--BODY-->', 1)
    return css, toc, body, [w for w in r.stderr.split('[WARNING]') if w.strip()]

CSS = """*{box-sizing:border-box} body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#343a40;
font-size:16px;line-height:1.5} header.nav{background:#2780e3;color:#fff;padding:.6rem 1.2rem;font-size:1.2rem}
header.nav a{color:#fff;text-decoration:none} .layout{display:flex;align-items:flex-start}
nav.side{width:250px;flex-shrink:0;padding:1rem;font-size:.9rem;position:sticky;top:0}
nav.side a{display:block;padding:2px 0 2px .6rem;color:#343a40;text-decoration:none} nav.side a.cur{color:#2780e3;font-weight:600}
nav.side .sec{font-weight:600;margin-top:.8rem;color:#6c757d} main{flex:1;min-width:0;max-width:980px;padding:1rem 2rem}
aside.toc{width:220px;flex-shrink:0;padding:1rem;font-size:.85rem;position:sticky;top:0} aside.toc ul{list-style:none;padding-left:.6rem}
aside.toc a{color:#6c757d;text-decoration:none} h1.title{margin-bottom:.2rem} p.desc{color:#6c757d;font-size:1.15rem}
pre{background:#f8f9fa;padding:.6rem;white-space:pre-wrap;word-break:break-word;font-size:.85rem;border-radius:4px}
pre.cell-output{background:none;border-left:2px solid lightsalmon;margin-left:.8rem;border-radius:0}
pre.error{background:#fee} .cell{margin-bottom:1rem} .cell-output-display{overflow-x:auto;margin:.4rem 0}
img{max-width:100%;height:auto} table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
td,th{border:1px solid #dee2e6;padding:2px 6px} code{color:#7d12ba;font-size:.9em} pre code{color:inherit}
a{color:#2780e3} a code{color:inherit} math[display=block]{margin:.6rem 0;overflow-x:auto}
pre>code.sourceCode{white-space:pre-wrap} pre>code.sourceCode>span{display:inline}
.callout,.callout-note,.callout-tip,.callout-warning{border-left:4px solid #2780e3;padding:.2rem .8rem;background:#f3f8fe}"""

SCRIPT = """<script>const y=new URLSearchParams(location.search).get('y');
if(y){document.body.style.position='relative';document.body.style.top=(-y)+'px';}
addEventListener('load',()=>document.documentElement.dataset.height=document.documentElement.scrollHeight);</script>"""

def nav_html(pages, cur):
    "The sidebar: sidebar.yml's sections with nbdev's page names."
    out = []
    for sec, items in pages:
        if sec: out.append(f'<div class="sec">{html.escape(sec)}</div>')
        for nb, page, title in items:
            out.append(f'<a href="{page}"{" class=cur" if page == cur else ""}>{html.escape(title)}</a>')
    return ''.join(out)

def render_page(nb, page, pages, title_of=None):
    "Standalone HTML for one processed notebook: (html, error outputs, pandoc warnings, pandoc's body without the outputs)."
    fm = front(nb)
    md, outs, errors = page_markdown(nb)
    css, toc, raw, warns = pandoc(md)
    body = re.sub(r'<!--OUT:(\d+)-->', lambda m: outs[int(m.group(1))], raw)
    title, desc = str(fm.get('title', page)), str(fm.get('description', ''))
    desc_html = pandoc(desc)[2] if desc else ''
    home = next((p for _, items in pages for _, p, _ in items), 'index.html')
    doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
           f'<style>{css}\n{CSS}</style></head><body><header class="nav"><a href="{home}">clip_tutorial</a></header>'
           f'<div class="layout"><nav class="side">{nav_html(pages, page)}</nav><main><h1 class="title">{html.escape(title)}</h1>'
           f'<div class="desc">{desc_html.replace("<p>", "<p class=desc>")}</div>{body}</main>'
           f'<aside class="toc"><b>On this page</b>{toc}</aside></div>{SCRIPT}</body></html>')
    return doc, errors, warns, raw

def local_links(doc, nb_pages, url):
    "Point links at the published site and at notebooks to the local pages, as Quarto does."
    def fix(m):
        href = m.group(2)
        if url and href.startswith(url + '/'): href = href[len(url) + 1:]
        p, _, frag = href.partition('#')
        if not re.match(r'[a-z]+:', p) and p.endswith('.ipynb') and Path(p).name in nb_pages:
            href = nb_pages[Path(p).name] + (f'#{frag}' if frag else '')
        return f'{m.group(1)}"{href}"'
    return re.sub(r'(<a\s[^>]*?href=)"([^"]*)"', fix, doc)

# ---------------------------------------------------------------- checks on rendered pages

def _visible_text(body):
    "Text of a rendered body outside code, maths, outputs, scripts and styles."
    t = re.sub(r'<(pre|code|math|script|style|svg)\b.*?</\1>|<span class="math[^"]*">.*?</span>', ' ', body, flags=re.S)
    t = re.sub(r'<!--.*?-->', ' ', t, flags=re.S)
    return html.unescape(re.sub(r'<[^>]+>', ' ', t))

def maths_problems(body, warns, name):
    "Maths pandoc could not convert, `$` left in the text (unbalanced or spaced delimiters), TeX leaked into the text."
    probs = [f'{name}: maths pandoc cannot convert: ' + ' '.join(w.split())[:120] for w in warns if 'TeX math' in w]
    text = _visible_text(body)
    for m in re.finditer(r'[^\n$]{0,20}\$[^\n$]{0,20}', text):
        probs.append(f'{name}: a "$" left in the text (maths delimiters that do not pair up?): {m.group(0).strip()!r}')
    for m in re.finditer(r'[^\n]{0,30}\\(?:[A-Za-z]+|[_{}^])[^\n]{0,20}', text):
        probs.append(f'{name}: TeX leaked into the text: {m.group(0).strip()!r}')
    return probs

def figure_problems(body, name):
    "Figures that render as their text stand-in."
    return [f'{name}: a figure shows as {html.unescape(m.group(0))!r} (saved with no image)'
            for m in re.finditer(r'&lt;Figure size [^&]*&gt;|<Figure size [^<]*>', body)]

def _ids(doc): return set(re.findall(r'\sid="([^"]+)"', doc))

def link_problems(site):
    "Links between pages (and to anchors) that do not exist. `site`: {page name: html}."
    probs, ids = [], {p: _ids(h) for p, h in site.items()}
    for page, doc in site.items():
        for href in re.findall(r'<a\s[^>]*?href="([^"]*)"', doc):
            href = html.unescape(href)
            if re.match(r'[a-z][\w+.-]*:', href) or href.startswith('//'): continue
            p, _, frag = href.partition('#')
            target = page if not p else p.split('?')[0]
            if target not in site:
                probs.append(f'{page}: a link to {href} goes nowhere (no such page)'); continue
            if frag and target in ids and frag not in ids[target]:
                probs.append(f'{page}: a link to {href} goes nowhere (no #{frag} on {target})')
    return list(dict.fromkeys(probs))

def remote_problems(doc, name):
    remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', doc)
    return [f'{name}: loads {len(remote)} remote resource(s), e.g. {remote[0]}'] if remote else []

# ---------------------------------------------------------------- the check

def have_pandoc(): return shutil.which('pandoc') is not None

def check_pages(nbs, src_cells=None, modules=None, side=None, unrendered=()):
    """All checks on processed notebooks `nbs` ({notebook name: nb dict}); `src_cells` {name: cells of the saved
    notebook} for the output checks (default: the processed cells); `modules` {name: module} for show_doc checks;
    `side` the sidebar's [(section, [notebook names])] (default: sidebar.yml); `unrendered` notebooks that failed before
    (not reported again as missing, links to their pages not checked). Returns (problems, {page: html})."""
    src_cells, modules = src_cells or {}, modules or {}
    fms = {n: front(nb) for n, nb in nbs.items()}
    nb_pages = {n: out_name(n, fms[n]) for n in nbs}
    side = side or sidebar()
    listed = [n for _, items in side for n in items]
    probs = [f'{n}: listed in sidebar.yml but not found' for n in listed if n not in nbs and n not in unrendered]
    probs += [f'{n}: not listed in sidebar.yml' for n in nbs if n not in listed]
    pages = [(sec, [(n, nb_pages[n], str(fms[n].get('title') or n)) for n in items if n in nbs]) for sec, items in side]
    site = {}
    for n, nb in nbs.items():
        probs += output_problems(src_cells.get(n, nb['cells']), n)
        probs += showdoc_problems(nb['cells'], n, modules.get(n))
        if modules.get(n) is not None: probs += method_problems(modules[n], n)
        if not have_pandoc(): continue
        doc, errors, warns, raw = render_page(nb, nb_pages[n], pages)
        doc = local_links(doc, nb_pages, site_url())
        site[nb_pages[n]] = doc
        if errors: probs.append(f'{n}: {errors} error output(s)')
        body = doc.split('<main>', 1)[-1].split('</main>', 1)[0]
        probs += maths_problems(raw, warns, n)
        probs += figure_problems(body, n)
        probs += remote_problems(doc, n)
    skip = {re.sub(r'^\d+[a-zA-Z0-9]*_', '', Path(n).stem) + '.html' for n in unrendered} | set(unrendered)
    probs += [p for p in link_problems(site) if not any(f' {s}' in p or f' {s}#' in p for s in skip)]
    return probs, site

def check():
    "Process the notebooks, render them, and fail on any problem a reader would see."
    import importlib, time
    t0 = time.time()
    with tempfile.TemporaryDirectory() as d:  # a folder of its own: checks run side by side do not mix
        proc = Path(d)
        failed = process(proc)
        names = sorted(p.name for p in proc.glob('*.ipynb'))
        nbs = {n: json.loads((proc/n).read_text()) for n in names}
        missing = undocumented(proc)
    src = {n: json.loads((ROOT/'nbs'/n).read_text())['cells'] for n in names if (ROOT/'nbs'/n).exists()}
    modules = {}
    for n in names:
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', (ROOT/'nbs'/n).read_text()) if (ROOT/'nbs'/n).exists() else None
        try: modules[n] = importlib.import_module(f'clip_tutorial.{m.group(1)}') if m else None
        except Exception as e: failed.append(f'{n}: clip_tutorial.{m.group(1)} does not import: {type(e).__name__}: {e}')
    broken = {f.split(':')[0] for f in failed}
    probs, site = check_pages(nbs, src, modules, unrendered=broken)
    probs = failed + probs + missing
    new = Path(tempfile.mkdtemp(prefix='clip_tutorial_site.'))
    for page, doc in site.items(): (new/page).write_text(doc)
    if SITE.exists(): shutil.rmtree(SITE, ignore_errors=True)
    shutil.move(str(new), str(SITE))
    for p in probs: print('DOCS:', p)
    if not have_pandoc(): print('DOCS: pages not rendered and maths/links/figures not checked: pandoc not found (apt-get install pandoc)')
    print(f'checked {len(names)} notebooks, rendered {len(site)} pages to {SITE.relative_to(ROOT)}/ '
          f'in {time.time()-t0:.0f}s: {len(probs)} problem(s)')
    return 1 if probs else 0

# ---------------------------------------------------------------- screenshots

CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run', '--disable-quic', '--hide-scrollbars']

def _chrome(chrome, args, timeout=120):
    with tempfile.TemporaryDirectory() as prof:
        return subprocess.run([chrome, *CHROME_FLAGS, f'--user-data-dir={prof}', *args], capture_output=True, text=True,
                              timeout=timeout)

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

def shots(only=(), width=1400, tile=1800):
    "Serve _site on 127.0.0.1 and screenshot whole pages with headless Chromium, in tiles of `tile` px."
    chrome = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chrome: print('chromium not found: apt-get install chromium'); return 1
    out = SITE/'shots'
    if out.exists() and not only: shutil.rmtree(out)
    out.mkdir(exist_ok=True)
    srv = ThreadingHTTPServer(('127.0.0.1', 0), partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{srv.server_port}'
    try:
        for page in sorted(SITE.glob('*.html')):
            if only and page.stem not in only and page.name not in only: continue
            dom = _chrome(chrome, [f'--window-size={width},{tile}', '--virtual-time-budget=3000', '--dump-dom', f'{base}/{page.name}'])
            m = re.search(r'data-height="(\d+)"', dom.stdout)
            height = int(m.group(1)) if m else tile
            n = -(-height // tile)
            for i in range(n):
                png = out/f'{page.stem}-{i+1:02d}.png'
                _chrome(chrome, [f'--window-size={width},{tile}', f'--screenshot={png}', f'{base}/{page.name}?y={i*tile}'])
            print(f'shot {page.name}: {height} px in {n} tile(s) {page.stem}-01..{n:02d}.png')
    finally: srv.shutdown()
    return 0

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('cmd', choices=['check', 'shots'])
    p.add_argument('pages', nargs='*', help='shots: only these pages (e.g. data model)')
    a = p.parse_args()
    sys.exit(check() if a.cmd == 'check' else shots(a.pages))
