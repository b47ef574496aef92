"""Views: how long each library notebook's view takes to answer (goal: every one within 10 s on this CPU).

Each view is built from its module with its default settings (the computation runs once, as when the notebook shows
it), then one control is moved to a value not seen yet, as a reader would; the slower of the two is the view's answer
time. This is the timing the notebooks no longer assert (a test must not fail because the machine is busy).
Usage: python benchmarks/bench_views.py [--quick]
"""

import ast
import importlib
import inspect
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use('Agg')

from common import quick_flag  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def view_functions() -> list[tuple[str, str]]:
    "(module, function) of every function in the library notebooks annotated to return a View."
    found = []
    for path in sorted((ROOT / 'nbs').glob('[01]*.ipynb')):
        cells = [''.join(c['source']) for c in json.loads(path.read_text())['cells'] if c['cell_type'] == 'code']
        module = next((c.split()[2] for c in cells if c.startswith('#| default_exp')), None)
        for source in (c.removeprefix('#| export') for c in cells if c.startswith('#| export')):
            for node in ast.parse(source).body:
                if (
                    isinstance(node, ast.FunctionDef)
                    and node.returns is not None
                    and ast.unparse(node.returns) == 'View'
                ):
                    found.append((module, node.name))
    return found


def needs_arguments(function) -> bool:
    "Whether the view function needs a computed input (a comparison, a sweep) that a notebook makes first."
    kinds = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return any(p.default is p.empty and p.kind not in kinds for p in inspect.signature(function).parameters.values())


def answer_seconds(function) -> tuple[float, float]:
    "Seconds to build the view with its defaults, and to answer one moved control."
    start = time.perf_counter()
    view = function()
    built = time.perf_counter() - start
    for control in view.controls.values():
        options = list(getattr(control, '_options_values', ())) or [getattr(control, 'max', control.value)]
        fresh = [value for value in options if value != control.value]
        if fresh:
            start = time.perf_counter()
            control.value = fresh[0]
            return built, time.perf_counter() - start
    return built, 0.0


def main():
    quick = quick_flag(__doc__)
    views = view_functions()
    if quick:
        views = views[::3]  # every third view
    print(f'{len(views)} views\n\n| view | build | move a control |\n|---|---|---|')
    functions = {(m, n): getattr(importlib.import_module(f'grok_explore.{m}'), n) for m, n in views}  # imports first
    slowest = 0.0
    for (module, name), function in functions.items():
        if needs_arguments(function):
            print(f'| `{module}.{name}` | needs a computed input (made by its notebook): not timed | |')
            continue
        built, moved = answer_seconds(function)
        slowest = max(slowest, built, moved)
        print(f'| `{module}.{name}` | {built:.2f} s | {moved:.2f} s |')
    print(f'\nslowest_view_seconds = {slowest:.2f}')


if __name__ == '__main__':
    main()
