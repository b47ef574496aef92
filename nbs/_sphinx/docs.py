"""The docs site, offline: run the notebooks once (the tests), turn nbdev markings into a Sphinx source tree, build it.

    python nbs/_sphinx/docs.py execute [NOTEBOOK ...]   # run notebooks, save them with outputs in _build/executed/
    python nbs/_sphinx/docs.py build                    # execute what changed, write _build/src/, sphinx-build _site/
    python nbs/_sphinx/docs.py check                    # every local link and image in _site/ resolves

`execute` is what `make nbtest` runs: the notebooks run as nbdev_test runs them (in their folder, cells flagged with
settings.ini's tst_flags or `eval: false` skipped) and are saved with their outputs, keyed by a hash of the notebook and
the library, so `build` re-runs only notebooks whose key changed. Outputs never go back into nbs/. A dashboard displayed
before any run presses Train once (`Dashboard.press_on_display`), so its page shows a run, not empty axes.
"""

import ast
import configparser
import hashlib
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
NBS = ROOT / 'nbs'
LIB = ROOT / 'grok_explore'
BUILD = ROOT / '_build'
EXECUTED = BUILD / 'executed'
SOURCE = BUILD / 'src'
SITE = ROOT / '_site'
CONF = Path(__file__).resolve().parent
KEY = 'grok_explore_docs'  # notebook metadata: the hash an executed notebook was run under
WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json'


def settings() -> configparser.SectionProxy:
    config = configparser.ConfigParser(delimiters=['='])
    config.read(ROOT / 'settings.ini', encoding='utf-8')
    return config['DEFAULT']


def notebooks() -> list[Path]:
    "The notebooks of nbs/ (not those in folders or files starting with _ or .), in name order."
    return sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))


def library_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(LIB.glob('*.py')) + [ROOT / 'settings.ini']:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(notebook: Path, library: str) -> str:
    "What an executed notebook depends on: its own cells and the library it imports."
    return hashlib.sha256(notebook.read_bytes() + library.encode()).hexdigest()[:16]


def is_current(notebook: Path, library: str) -> bool:
    executed = EXECUTED / notebook.name
    if not executed.exists():
        return False
    return json.loads(executed.read_text(encoding='utf-8'))['metadata'].get(KEY) == key(notebook, library)


# --- execute -------------------------------------------------------------------------------------------------------


def stop_joblib_workers():
    """Stop the worker processes a notebook's joblib calls left idle: joblib keeps them 300 s, and this pool's worker
    could not exit before they do (nbtest once waited three minutes after its last notebook)."""
    if 'joblib.externals.loky.reusable_executor' in sys.modules:
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=True, kill_workers=True)


def run_notebook(path: str, library: str) -> tuple[str, bool, float, str]:
    "Run one notebook as nbdev_test does and save it with its outputs; (name, passed, seconds, error)."
    from execnb.nbio import dict2nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor

    path = Path(path)
    flags = set(settings().get('tst_flags', '').split())
    os.environ['IN_TEST'] = '1'
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb

    def skip(cell):
        if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source:
            return True
        directives = getattr(cell, 'directives_', {}) or {}
        return directives.get('eval:', [''])[0].lower() == 'false' or bool(flags & directives.keys())

    from grok_explore.widgets import Dashboard

    Dashboard.press_on_display = True  # a page shows each dashboard after one press of Train with its defaults
    start, main = time.time(), sys.modules['__main__']
    shell = CaptureShell(path)
    try:
        with working_directory(path.parent):
            shell.run_all(nb, exc_stop=True, preproc=skip)
    except Exception:
        return path.name, False, time.time() - start, shell.prettytb(fname=path)
    finally:
        sys.modules['__main__'] = main  # IPython's shell replaced it; the worker's next task is unpickled from it
        stop_joblib_workers()
    ran = {cell.id: cell for cell in nb.cells if cell.cell_type == 'code'}  # nbdev's reading strips the #| lines
    saved = json.loads(path.read_text(encoding='utf-8'))
    for cell in saved['cells']:
        if cell['cell_type'] == 'code':
            cell['outputs'] = list(ran[cell['id']].get('outputs', []))
            cell['execution_count'] = ran[cell['id']].get('execution_count')
    saved['metadata'][KEY] = key(path, library)
    EXECUTED.mkdir(parents=True, exist_ok=True)
    partial = EXECUTED / (path.name + '.tmp')
    write_nb(dict2nb(saved), partial)
    partial.replace(EXECUTED / path.name)  # a run cut short never leaves a half-written notebook behind
    return path.name, True, time.time() - start, ''


def execute(paths: list[Path], workers: int = 2, only_changed: bool = False) -> bool:
    "Run `paths` on `workers` processes (one torch thread each), longest first; print timings; True if all passed."
    library = library_hash()
    if only_changed:
        paths = [p for p in paths if not is_current(p, library)]
    if not paths:
        print('ok: every executed notebook is current')
        return True
    previous = {p.name: os.path.getsize(p) for p in paths}  # a size proxy: big notebooks tend to run long
    order = sorted(paths, key=lambda p: -previous[p.name])
    os.environ['OMP_NUM_THREADS'] = '1'
    failed, begun = [], time.time()
    with ProcessPoolExecutor(workers) as pool:
        runs = [pool.submit(run_notebook, str(path), library) for path in order]
        for name, passed, seconds, error in (run.result() for run in as_completed(runs)):
            done = f'{name}: {seconds:.0f} s (finished at {time.time() - begun:.0f} s)'
            print(done + ('' if passed else ' FAILED'), flush=True)
            if not passed:
                failed.append(name)
                sys.stderr.write(error + '\n')
    if failed:
        print(f"FAIL: {', '.join(failed)}")
        return False
    print(f'ok: {len(paths)} notebooks ran without error (saved with outputs in {EXECUTED.relative_to(ROOT)}/)')
    return True


# --- turn nbdev's markings into myst-nb's ----------------------------------------------------------------------------

DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)(?::?\s*(.*))?$')


def directives(source: str) -> dict[str, str]:
    found = {}
    for line in source.splitlines():
        match = DIRECTIVE.match(line)
        if match:
            found[match.group(1)] = (match.group(2) or '').strip()
    return found


def strip_directives(source: str) -> str:
    return '\n'.join(line for line in source.splitlines() if not DIRECTIVE.match(line)).strip('\n')


def module_of(nb: dict) -> str | None:
    for cell in nb['cells']:
        if cell['cell_type'] == 'code':
            found = directives(''.join(cell['source'])).get('default_exp')
            if found:
                return found
    return None


def defined_names(source: str) -> list[str]:
    "Top-level functions, classes and assigned names of a cell, in order."
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


ADDRESS = re.compile(r' at 0x[0-9a-f]+')  # `<function f at 0x7f…>`: differs run to run, means nothing on a page


def signature(obj, method: bool = False) -> str:
    "`obj`'s signature as text; `method`: without its first parameter (self)."
    try:
        found = inspect.signature(obj)
    except (TypeError, ValueError):
        return '(...)'
    if method:
        found = found.replace(parameters=list(found.parameters.values())[1:])
    return ADDRESS.sub('', str(found)).replace('\n', ' ')


def doc(obj) -> str:
    return inspect.cleandoc(obj.__doc__ or '').strip()


def fence(text: str) -> str:
    "A MyST directive fence longer than any backtick run inside `text`."
    longest = max((len(run) for run in re.findall('`+', text)), default=0)
    return '`' * max(3, longest + 1)


def directive(kind: str, name: str, body: str, options: dict[str, str]) -> str:
    "A MyST `py:` directive (fenced longer than any backtick run in its body)."
    ticks = fence(body)
    lines = [f'{ticks}{{py:{kind}}} {name}'] + [f':{option}: {value}' for option, value in options.items()]
    return '\n'.join(lines + ['', body, ticks]) + '\n'


def api_block(module: str, name: str) -> str:
    "MyST for one exported name: its signature and docstring (and a class's public methods), like nbdev's show_doc."
    obj = getattr(importlib.import_module(f'grok_explore.{module}'), name)
    where = {'module': f'grok_explore.{module}'}
    if inspect.isclass(obj):
        methods = [
            directive('method', f'{attr}{signature(member, method=True)}', doc(member), {})
            for attr, member in vars(obj).items()
            if not attr.startswith('_') and inspect.isfunction(member) and doc(member)
        ]
        body = '\n'.join([doc(obj)] + methods)
        init = signature(obj.__init__, method=True) if '__init__' in vars(obj) else signature(obj)
        return directive('class', name + init, body, where)
    if callable(obj):
        return directive('function', f'{name}{signature(obj)}', doc(obj), where)
    value = ADDRESS.sub('', repr(obj))
    return directive('data', name, '', where | {'value': value if len(value) <= 100 else value[:97] + '...'})


def markdown(text: str) -> dict:
    return {'cell_type': 'markdown', 'id': uuid.uuid4().hex[:8], 'metadata': {}, 'source': text}


UNPICTURED = (
    '*An interactive widget with no picture of its own: open this notebook in JupyterLab (`make lab`) to use it.*'
)


def clean_outputs(outputs: list[dict], where: str) -> list[dict]:
    "Outputs as a static page shows them: a widget by its picture, or (none) a note, never its raw text repr."
    kept = []
    for output in outputs:
        data = output.get('data', {})
        if WIDGET_VIEW in data:
            data.pop(WIDGET_VIEW)
            data.pop('text/plain', None)
            if not any(kind.startswith('image/') for kind in data):
                print(f'note: {where}: a widget without a picture, shown as a note')
                data['text/markdown'] = UNPICTURED
        kept.append(output)
    return kept


def page(path: Path, live: str | None) -> dict:
    "One executed notebook as a myst-nb page: hidden cells gone, exported cells folded under their API entries."
    nb = json.loads((EXECUTED / path.name).read_text(encoding='utf-8'))
    module = module_of(nb)
    public = set(importlib.import_module(f'grok_explore.{module}').__all__) if module else set()
    documented = set()
    cells = []
    for cell in nb['cells']:
        source = ''.join(cell['source'])
        if cell['cell_type'] != 'code':
            cells.append(cell)
            continue
        found = directives(source)
        if found.keys() & {'hide', 'default_exp'}:
            continue
        cell['source'] = strip_directives(source)
        cell['outputs'] = clean_outputs(cell.get('outputs', []), f'{path.name}, cell {len(cells)}')
        if found.keys() & {'export', 'exports'}:
            names = [n for n in defined_names(cell['source']) if n in public and n not in documented]
            documented.update(names)
            cells += [markdown(api_block(module, name)) for name in names]
            if 'export' in found:  # the source, folded: the API entries above say what it defines
                cell.setdefault('metadata', {})['tags'] = ['hide-input']
        cells.append(cell)
    missing = public - documented
    if missing:
        raise ValueError(f"{path.name}: exported names with no cell that defines them: {', '.join(sorted(missing))}")
    if live:  # under the title
        title = next(i for i, c in enumerate(cells) if c['cell_type'] == 'markdown')
        cells.insert(title + 1, markdown(live))
    nb['cells'] = cells
    nb['metadata'].pop('widgets', None)
    return nb


TOC = [
    ('Tutorials', lambda name: name[:1] == '2'),
    ('Library: the API, notebook by notebook', lambda name: name[:1] in '01'),
    ('Command line', lambda name: name[:1] == '9'),
]


def write_source():
    "_build/src/: every notebook as a page, the benchmark figures, the images, a table of contents on the home page."
    if SOURCE.exists():
        shutil.rmtree(SOURCE)
    SOURCE.mkdir(parents=True)
    shutil.copytree(NBS / 'images', SOURCE / 'images')
    for path in notebooks():
        name = path.stem
        live = (
            f'*This page is `nbs/{path.name}` run with its small defaults; a dashboard shows its picture after one'
            ' press of Train. To change the knobs and train live, open the notebook in JupyterLab (`make lab`).*'
        )
        if name.startswith('2'):  # tutorials: also on Colab, whose first cell installs the package
            config = settings()
            colab = (
                f"https://colab.research.google.com/github/{config['user']}/{config['repo']}/blob/{config['branch']}"
            )
            live += f' Or run it on [Colab]({colab}/nbs/{path.name}): its first cell installs grok_explore.'
        nb = page(path, live if name != 'index' else None)
        if name == 'index':
            toc = []
            for caption, wanted in TOC:
                entries = [p.stem for p in notebooks() if p.stem != 'index' and wanted(p.stem)]
                toc.append('```{toctree}\n:hidden:\n:caption: ' + caption + '\n\n' + '\n'.join(entries) + '\n```')
            toc.append('```{toctree}\n:hidden:\n:caption: Measurements\n\nbenchmarks\n```')
            nb['cells'] += [markdown(t) for t in toc]
        (SOURCE / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding='utf-8')
    benchmarks = (ROOT / 'benchmarks' / 'README.md').read_text(encoding='utf-8')
    (SOURCE / 'benchmarks.md').write_text(benchmarks, encoding='utf-8')


def build(workers: int = 2) -> bool:
    "Execute what changed, write the Sphinx source and build _site/ with warnings as errors."
    if not execute(notebooks(), workers, only_changed=True):
        return False
    write_source()
    html = BUILD / 'html'  # myst-nb writes next to the output folder: build in _build/, then move the site out
    for folder in (html, SITE):
        if folder.exists():
            shutil.rmtree(folder)
    command = [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b', 'html', '-c', str(CONF)]
    command += ['-d', str(BUILD / 'doctrees'), str(SOURCE), str(html)]
    if subprocess.run(command).returncode:
        print('FAIL: sphinx-build reported the warnings above (strict mode)')
        return False
    html.rename(SITE)
    print(f'ok: the site is in {SITE.relative_to(ROOT)}/ (serve it: python -m http.server -d _site)')
    return check()


# --- links ---------------------------------------------------------------------------------------------------------


class Links(HTMLParser):
    "The ids a page defines and the local links and images it uses."

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get('id'):
            self.ids.add(attrs['id'])
        if tag == 'a' and attrs.get('name'):
            self.ids.add(attrs['name'])
        for attr in ('href', 'src'):
            if attrs.get(attr) is not None and not (tag == 'link' and attrs.get('rel') in ('canonical',)):
                self.links.append((tag, attrs[attr]))


def check(site: Path = SITE) -> bool:
    "Every local link, image and anchor in the built site resolves; external links are counted (offline: not fetched)."
    pages = {}
    for html in site.rglob('*.html'):
        parser = Links()
        parser.feed(html.read_text(encoding='utf-8'))
        pages[html.resolve()] = parser
    broken, local, external = [], 0, 0
    for html, parser in pages.items():
        for tag, link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ('http', 'https', 'mailto', 'data', 'javascript') or parts.netloc:
                external += 1
                continue
            local += 1
            target = html if not parts.path else (html.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / 'index.html'
            if not target.exists():
                broken.append(f'{html.relative_to(site.resolve())}: <{tag}> {link} (no such file)')
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f'{html.relative_to(site.resolve())}: <{tag}> {link} (no such anchor)')
    for line in broken:
        print('broken:', line)
    print(
        f'{"FAIL" if broken else "ok"}: {local:,} local links and images in {len(pages)} pages, {len(broken)} broken '
        f'({external:,} external links not fetched offline)'
    )
    return not broken


if __name__ == '__main__':
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ('build', [])
    if command == 'execute':
        chosen = [Path(p).resolve() for p in rest] or notebooks()
        sys.exit(0 if execute(chosen) else 1)
    if command == 'build':
        sys.exit(0 if build() else 1)
    if command == 'check':
        sys.exit(0 if check() else 1)
    sys.exit(f'usage: {sys.argv[0]} execute [NOTEBOOK ...] | build | check')
