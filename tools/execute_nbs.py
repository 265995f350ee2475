"""Execute notebooks in place so their saved outputs come from a real run.

Runs every code cell (`#| slow` ones included) except those flagged with one of `--skip`
(default: gpu), cells marked `#| eval: false` and `nbdev_export()` cells; skipped cells keep
the outputs they had. Stops at the first error and leaves the notebook unchanged.
Progress bars are saved as a reader would see them at the end: each bar's final state on one
line (bars that were erased or left unfinished are dropped, text printed after a bar goes on its
own line), as a terminal or Jupyter would show them, instead of every redraw that was captured.
Outputs holding machine-specific paths (temp folders, this checkout, the home folder) are reported.
Usage: python tools/execute_nbs.py nbs/00_data.ipynb [more.ipynb] [--skip gpu] [--strict]
"""
import argparse, os, re, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a fastprogress console bar: `{prefix} |███---| 42.00% [21/50 00:01<00:02... comment]`
FP_BAR = re.compile(r'(?P<prefix>[^|\r\n]*?) ?\|[█X-]*\| (?:[\d.]+% )?\[(?P<val>\d+)/(?P<tot>\d+|\?)[^\]\r\n]*\]')
# a tqdm bar: `desc: 42%|████      | 21/50 [00:01<00:02, 9.8it/s]`
TQDM_BAR = re.compile(r'(?P<prefix>[^|\r\n]*?)\s*\d+%\|[^|\r\n]*\| (?P<val>\d+)/(?P<tot>\d+|\?)(?: \[[^\]\r\n]*\])?')
ANSI_ERASE = re.compile(r'\x1b\[[0-2]?K')  # "erase line", as rich and click write it before a \r
GLYPHS = {'█', 'X'}  # fastprogress prints its fill character and \r when a bar is created (an encoding probe)

def _bar(s):
    "(bar text, prefix, val, total, rest of s) when `s` starts with a progress bar, else None."
    m = FP_BAR.match(s) or TQDM_BAR.match(s)
    if not m: return None
    return m.group(0), m.group('prefix').strip(), int(m.group('val')), m.group('tot'), s[m.end():]

def _done(b): return b[3] == '?' or b[2] >= int(b[3])

def collapse_line(line):
    "Rows one output line written with carriage returns leaves: each bar's final state, text on rows of its own."
    rows, cur, bar = [], '', None  # cur: what the current row shows; bar: its parsed bar, when it is one
    def flush():
        if cur.strip() and (bar is None or _done(bar)): rows.append(cur.rstrip() if bar else cur)
    for s in ANSI_ERASE.sub('\r', line).split('\r'):
        while s:
            b = _bar(s)
            if b:
                same = bar is not None and b[1] == bar[1] and b[3] == bar[3] and b[2] >= bar[2]
                if not same: flush()
                cur, bar, s = b[0], b, b[4]
                if s: flush(); cur, bar = '', None  # text printed right after a bar: a row of its own
                continue
            if s.strip() in GLYPHS: break
            if bar is not None:
                if s.strip() in ('', bar[1]): cur, bar = '', None; break  # the bar was erased
                flush(); cur, bar = s, None; break
            cur = s + cur[len(s):]  # plain text overwrites what the row showed, as in a terminal
            if not cur.strip(): cur = ''
            break
    flush()
    return rows

def collapse_text(text):
    "Stream text as it reads once every progress bar in it has finished."
    if '\r' not in text and '\x1b[' not in text and not any(_bar(l) for l in text.split('\n')): return text
    lines = text.split('\n')
    out = [r for l in lines[:-1] for r in collapse_line(l) or ([''] if not l else [])]
    last = collapse_line(lines[-1])
    res = ''.join(r + '\n' for r in out) + '\n'.join(last)
    return res

def _html_bar(o):
    "Whether display output `o` is a fastprogress HTML bar (Jupyter's kind), or the empty update that erases one."
    d = o.get('data', {})
    h = ''.join(d.get('text/html', ''))
    return o.get('output_type') == 'display_data' and ('<progress' in h or (not h.strip() and set(d) <= {'text/html', 'text/plain'}
                                                        and ''.join(d.get('text/plain', '')).startswith('<IPython.core.display.HTML')))

def _html_done(o):
    tag = re.search(r'<progress[^>]*>', ''.join(o['data'].get('text/html', '')))
    val, mx = (re.search(rf'{k}=["\']?(\d+)', tag.group(0)) if tag else None for k in ('value', 'max'))
    return bool(val and mx) and int(val.group(1)) >= int(mx.group(1))

def collapse_outputs(outputs):
    "A cell's outputs with each progress bar reduced to its final state (text and HTML bars); empty streams dropped."
    res = []
    for o in outputs:
        if o.get('output_type') == 'stream':
            txt = collapse_text(''.join(o['text']) if isinstance(o['text'], list) else o['text'])
            if not txt: continue
            o = {**o, 'text': txt.splitlines(True)}
        elif _html_bar(o):
            if res and _html_bar(res[-1]): res.pop()  # an update of the bar shown just before
            res.append(o); continue
        if res and _html_bar(res[-1]) and not _html_done(res[-1]): res.pop()
        res.append(o)
    if res and _html_bar(res[-1]) and not _html_done(res[-1]): res.pop()
    return res

def machine_paths():
    "Regexes of paths that only exist on this machine: temp folders, this checkout, the home folder."
    tmp = re.escape(tempfile.gettempdir().rstrip('/'))
    pats = [rf'{tmp}/tmp\w+', r'/tmp/tmp\w+', r'/var/folders/\w+', r'[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp',
            re.escape(str(ROOT)) + r'(?=[/\s\'"]|$)']
    home = str(Path.home())
    if home not in ('/', '/root') and len(home) > 5: pats.append(re.escape(home) + '/')
    return re.compile('|'.join(pats))

def _texts(o):
    if o.get('output_type') == 'stream': yield ''.join(o.get('text', ''))
    if o.get('output_type') == 'error': yield '\n'.join(o.get('traceback', []))
    for k, v in o.get('data', {}).items():
        if k.startswith('text/'): yield ''.join(v) if isinstance(v, list) else v

def path_leaks(cells):
    "(cell index, path) for each machine-specific path found in the cells' outputs."
    pat, found = machine_paths(), []
    for i, c in enumerate(cells):
        for o in c.get('outputs', []):
            for t in _texts(o): found += [(i, m.group(0)) for m in pat.finditer(t) if (i, m.group(0)) not in found]
    return found

def _skipper(flags, ids=()):
    from nbdev.process import extract_directives
    def _skip(cell):
        if cell.cell_type != 'code' or cell.get('id') in ids: return True
        if 'nbdev_export' + '(' in cell.source: return True
        d = extract_directives(cell, remove=False)
        if d.get('eval:', [''])[0].lower() == 'false': return True
        return bool(set(flags) & d.keys())
    return _skip

def execute(path, flags=('gpu',), ids=()):
    "Run the notebook at `path` in place; return the machine-specific paths left in its outputs."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    path = Path(path).resolve()
    nb = read_nb(path)
    shell = CaptureShell(path)
    shell.set_path(path.parent)
    cwd = os.getcwd()
    os.chdir(path.parent)
    skip = _skipper(flags, ids)
    def _post(cell):
        if not skip(cell) and cell.get('outputs'): cell.outputs = collapse_outputs(cell.outputs)
    try:
        shell.run_all(nb, exc_stop=True, preproc=skip, postproc=_post)
    finally: os.chdir(cwd)
    for c in nb.cells:  # kept outputs of skipped cells get the same treatment
        if c.get('outputs'): c.outputs = collapse_outputs(c.outputs)
    write_nb(nb, path)
    return path_leaks(nb.cells)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--skip', nargs='*', default=['gpu'], help='flags whose cells are not run')
    p.add_argument('--skip-ids', nargs='*', default=[], help='ids of further cells not to run (their outputs are kept)')
    p.add_argument('--strict', action='store_true', help='exit 1 when an output holds a machine-specific path')
    a = p.parse_args()
    leaked = False
    for nb in a.notebooks:
        t = time.time()
        try: leaks = execute(nb, a.skip, set(a.skip_ids))
        except Exception as e:
            print(f'FAILED {nb}: {type(e).__name__}: {e}', file=sys.stderr); sys.exit(1)
        print(f'executed {nb} in {time.time()-t:.1f}s')
        for i, pth in leaks:
            print(f'WARNING {nb}: cell {i} output holds a machine-specific path {pth} (print a relative path or a name)',
                  file=sys.stderr)
        leaked |= bool(leaks)
    sys.exit(1 if leaked and a.strict else 0)
