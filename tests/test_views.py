"Every library notebook ends with its view: a function of its module that returns a `View`, shown, then tested."

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted(p for p in (ROOT / 'nbs').glob('[01]*.ipynb') if p.stem not in ('00a_view', '11_widgets'))


def cells(path: Path) -> list[tuple[str, str]]:
    return [(c['cell_type'], ''.join(c['source'])) for c in json.loads(path.read_text())['cells']]


def view_functions(source: str) -> list[str]:
    "Names of the functions in `source` annotated to return a View."
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.returns is not None]
    return [n.name for n in functions if ast.unparse(n.returns) == 'View']


@pytest.mark.parametrize('path', LIBRARY, ids=lambda p: p.stem)
def test_notebook_ends_with_its_view(path):
    code = [source for kind, source in cells(path) if kind == 'code']
    exported = [source for source in code if source.startswith('#| export')]
    names = view_functions(exported[-1].removeprefix('#| export'))
    assert len(names) == 1, f'{path.name}: the last exported cell should define one view function, found {names}'
    shown, test = code[-2], code[-1]
    assert re.search(rf'\b{names[0]}\(', shown), f'{path.name}: the cell after the view should build and show it'
    assert 'view.' in test, f'{path.name}: the last cell should drive the view and check what it shows'
    readme = (ROOT / 'README.md').read_text()
    assert f'`{names[0]}(' in readme, f'README.md: the notebook table should say what {names[0]} lets the reader move'


def test_there_are_library_notebooks():
    assert len(LIBRARY) >= 19, [p.name for p in LIBRARY]
