"""Tests of tools/docs.py's checks and tools/execute_nbs.py's progress-bar collapsing, on small made-up pages.

Each defect a reader could meet on the site is planted in a page, and the check must name it; a clean page must
pass. Runs in a second or two: python tools/test_docs.py (or pytest tools/test_docs.py). Needs pandoc for the
rendered-page checks (maths, figures, links); without it those tests are skipped with a message.
"""
import shutil, sys, types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs
from execute_nbs import collapse_outputs, collapse_text, path_leaks

BAR = ' |{}| {:.2f}% [{}/{} 00:00<00:00]'
def bar(v, n, w=40): return BAR.format('█' * (w * v // n) + '-' * (w - w * v // n), 100 * v / n, v, n)
def spam(n): return '█\r\r' + '\r'.join(bar(i, n) for i in range(n + 1))
URL = docs.site_url()

def md(s): return dict(cell_type='markdown', metadata={}, source=s)
def code(s, *outs): return dict(cell_type='code', metadata={}, source=s, outputs=list(outs), execution_count=None)
def stream(t, name='stdout'): return dict(output_type='stream', name=name, text=t)
def display(data, meta=None): return dict(output_type='display_data', data=data, metadata=meta or {})
def raw(title, out): return dict(cell_type='raw', metadata={}, source=f'---\ntitle: {title}\noutput-file: {out}\n---\n')
def showdoc(name, sig, doc): return code('#| echo: false\n#| output: asis\nshow_doc(x)', display(
    {'text/markdown': f'---\n\n### {name}\n\n```python\n{sig}\n```\n\n*{doc}*', 'text/plain': '<BasicMarkdownRenderer>'}))

class Thing:
    "A documented class."
    def __init__(self, n:int=1): self.n = n
    def size(self):
        "A documented method."
        return self.n
    def grow(self): return self.n + 1

class Loader:
    "Batches."
    def __iter__(self): yield 1

fake = types.ModuleType('fake_mod')
for o in (Thing, Loader): o.__module__ = 'fake_mod'; setattr(fake, o.__name__, o)
fake.__all__ = ['Thing', 'Loader']

GOOD = {'01_b.ipynb': dict(cells=[
    raw('Page B', 'b.html'),
    md('## Section\n\nInline maths $x_i = \\text{img\\_emb}$ and display $$a^2 + b^2$$ and [page A](00_a.ipynb), '
       f'[a thing]({URL}/a.html#thing), [here](#section).'),
    code('print("done")', stream(bar(5, 5) + '\nlast loss 0.891\n' + bar(3, 3) + '\n')),  # two finished bars, one line each
    code('plt.plot()', display({'image/png': 'iVBORw0KGgo=\n', 'text/plain': '<Figure size 640x480 with 1 Axes>'},
                               {'image/png': {'width': 320, 'height': 240}})),
])}
GOOD_A = {'00_a.ipynb': dict(cells=[raw('Page A', 'a.html'), showdoc('Thing', 'class Thing(\n    n:int=1, # how many\n):', 'A documented class.'),
                                    showdoc('Thing.size', 'def size(\n    \n):', 'A documented method.'), md('[B](01_b.ipynb)')])}

BAD = {'02_bad.ipynb': dict(cells=[
    raw('Bad page', 'bad.html'),
    code('make(10_000)', stream(spam(200) + '\r' + ' ' * 60 + '\rmade\n')),           # redraws of one bar
    code('draw()', stream('█\r\r\r')),                                              # a stray glyph output
    code('embed([])', stream('█\r\r' + bar(0, 1))),                                 # a bar stuck at 0/1
    code('fit()', stream(bar(8, 8) + 'last training batch loss 0.891\n')),          # text glued to a bar
    code('index()', stream(' rank  image\n    1  /tmp/tmpzo2byqe2/photos/a.png\n')),  # a machine temp path
    showdoc('read', f'def read(\n    path, # a [`Thing`]({URL}/a.html#thing) folder\n):', 'Read.'),  # markdown in a signature
    showdoc('train', 'def train(\n    config:__main__.Config | None=None, # settings\n):', 'Train.'),
    showdoc('Thing', 'def Thing(\n    n:int=1, # how many\n):', 'A documented class.'),  # a class as def
    showdoc('Loader.__iter__', 'def __iter__(\n    \n):', 'Call self as a function.'),  # no docstring of its own
    md('Broken maths $\\foo{x}$, a lone $ 5 price, and a leaked \\\\_ in logit\\\\_scale.'),
    code('show_grid()', display({'text/plain': '<Figure size 920x658 with 16 Axes>'})),  # a figure saved with no image
    md(f'See [data](00_missing.ipynb), [B](01_b.ipynb#nowhere) and [C]({URL}/nothing.html#x).'),
    code('1/0', dict(output_type='error', ename='ZeroDivisionError', evalue='', traceback=['ZeroDivisionError'])),
    code('widget()', display({'text/html': '<script src="https://cdn.example.org/x.js"></script>'})),
])}

def run(pages, modules=None):
    side = [(None, list(pages))]
    return docs.check_pages(pages, modules=modules or {}, side=side)

def has(probs, *words): return any(all(w in p for w in words) for p in probs)

def test_collapse_bars():
    "Each bar's final state on one line; erased and unfinished bars dropped; text after a bar on its own line."
    test = lambda txt, want: (collapse_text(txt) == want) or sys.exit(f'collapse_text({txt[:60]!r}...) = {collapse_text(txt)!r}, want {want!r}')
    test(spam(100) + '\r' + ' ' * 60 + '\rdone in 3 s\n', 'done in 3 s\n')  # erased (leave=False) bar
    test(spam(100) + '\n', bar(100, 100) + '\n')  # a kept bar: its last state only
    test('█\r\r\r', '')
    test('█\r\r' + bar(0, 1), '')  # stuck at 0/1: dropped
    test(spam(8) + 'last training batch loss 0.891\n', bar(8, 8) + '\nlast training batch loss 0.891\n')
    test('Epoch 1/2 :' + bar(7, 7) + '\rEpoch 1/2 :' + ' ' * 70 + '\r1   3.834\n', '1   3.834\n')
    test(spam(3) + spam(4) + '\n', bar(3, 3) + '\n' + bar(4, 4) + '\n')  # two bars in a row keep one line each
    test('plain text\n', 'plain text\n')
    test(' 50%|#####     | 5/10 [00:01<00:01]\r100%|##########| 10/10 [00:02<00:00]\n', '100%|##########| 10/10 [00:02<00:00]\n')
    html = lambda v: display({'text/html': f'<div><progress max="4" value="{v}"></progress> {v}/4</div>', 'text/plain': '<HTML>'})
    outs = collapse_outputs([html(0), html(2), html(4), stream('ok\n')])
    assert [o.get('data', {}).get('text/html') for o in outs] == [html(4)['data']['text/html'], None], outs
    assert collapse_outputs([html(0), html(1)]) == [], 'an unfinished HTML bar is dropped'
    assert path_leaks([code('x', stream('/tmp/tmpab12cd34/x.png\n'))]) == [(0, '/tmp/tmpab12cd34')]

def test_output_and_signature_defects():
    "Defects found without rendering: saved outputs and show_doc entries."
    probs, _ = run({**BAD}, {'02_bad.ipynb': fake}) if docs.have_pandoc() else (None, None)
    if probs is None:
        probs = docs.output_problems(BAD['02_bad.ipynb']['cells'], '02_bad.ipynb')
        probs += docs.showdoc_problems(BAD['02_bad.ipynb']['cells'], '02_bad.ipynb', fake)
        probs += docs.method_problems(fake, '02_bad.ipynb')
    for words in [('cell 1', 'redraws'), ('cell 2', 'stray progress-bar glyph'), ('cell 3', 'unfinished progress bar'),
                  ('cell 4', 'glued', 'last training batch loss'), ('cell 5', 'machine-specific path', '/tmp/tmpzo2byqe2'),
                  ('read', 'markdown inside the signature'), ('train', '__main__.'), ('Thing', 'class rendered as `def Thing(`'),
                  ('Loader.__iter__', 'no docstring of its own'), ('Thing.grow', 'public method with no docstring')]:
        assert has(probs, *words), f'not caught: {words}\n' + '\n'.join(probs)

def test_rendered_defects():
    "Defects seen on the rendered page: maths, figures, links, errors, remote scripts."
    if not docs.have_pandoc(): print('SKIP test_rendered_defects: pandoc not found (apt-get install pandoc)'); return
    probs, site = run({**GOOD_A, **GOOD, **BAD}, {'02_bad.ipynb': fake})
    bad = [p for p in probs if p.startswith(('02_bad', 'bad.html'))]
    for words in [('maths pandoc cannot convert', 'foo'), ('"$" left in the text', 'lone $ 5'), ('TeX leaked', 'logit'),
                  ('figure shows as', 'Figure size 920x658'), ('bad.html', '00_missing.ipynb', 'no such page'),
                  ('bad.html', 'b.html#nowhere', 'no #nowhere'), ('bad.html', 'nothing.html#x', 'no such page'),
                  ('1 error output',), ('remote resource', 'cdn.example.org')]:
        assert has(bad, *words), f'not caught: {words}\n' + '\n'.join(bad)
    good = [p for p in probs if not p.startswith(('02_bad', 'bad.html'))]
    assert good == [], 'a clean page was flagged:\n' + '\n'.join(good)
    b = site['b.html']
    assert 'href="a.html"' in b and 'href="a.html#thing"' in b, 'links to notebooks and to the site are made local'
    assert '<math display="inline"' in b and '<math display="block"' in b and 'width=320' in b, 'maths as MathML, figures at their size'
    assert '<a href="b.html" class=cur>Page B</a>' in b and '<a href="a.html">Page A</a>' in b, 'the sidebar lists the pages'

def test_readme():
    "README: relative links resolve from the repository root, Results is one table, the quick start has no test calls."
    import re
    root = Path(__file__).resolve().parent.parent
    readme = (root/'README.md').read_text()
    for href in re.findall(r'\]\(([^)\s]+)\)', readme):
        if re.match(r'[a-z]+:|#', href): continue
        assert (root/href.split('#')[0]).exists(), f'README links to {href}, which is not in the repository'
    results = readme.split('## Results', 1)[1].split('\n## ', 1)[0]
    assert not re.search(r'^#', results, re.M), 'a heading inside README\'s Results section'
    assert len(re.findall(r'^\|[-|\s]+\|$', results, re.M)) == 1, 'README\'s Results holds one table'
    assert 'benchmarks/RESULTS.md' in results and len(results) < 3000, 'Results links to RESULTS.md instead of pasting it'
    code = '\n'.join(re.findall(r'^```python\n(.*?)^```', readme, re.S | re.M))
    assert code and 'test_eq' not in code and 'import ' in code, 'the quick start runs as printed, imports included'

if __name__ == '__main__':
    fails = 0
    for name, f in list(globals().items()):
        if name.startswith('test_') and callable(f):
            try: f(); print('PASS', name)
            except (AssertionError, SystemExit) as e: fails += 1; print('FAIL', name, e)
    sys.exit(1 if fails else 0)
