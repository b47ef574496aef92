"""The tutorials' install cell (what Colab or a fresh kernel runs first): it names settings.ini's install source, and
its command installs the wheel `make dist` builds into a fresh virtual environment, where the package then trains."""

import configparser
import json
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / 'nbs').glob('2*_tutorial_*.ipynb'))
FIRST_LINE = '# Colab or a fresh kernel'


def settings() -> configparser.SectionProxy:
    config = configparser.ConfigParser(delimiters=['='])
    config.read(ROOT / 'settings.ini', encoding='utf-8')
    return config['DEFAULT']


def install_cell(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding='utf-8'))['cells']
    found = [''.join(c['source']) for c in cells if ''.join(c['source']).startswith(FIRST_LINE)]
    assert len(found) == 1, f'{notebook.name}: {len(found)} install cells'
    return found[0]


def with_source(cell: str, source: str) -> str:
    "The cell with its SOURCE line pointing at `source`."
    changed, count = re.subn(r"^SOURCE = .*$", f'SOURCE = {source!r}', cell, flags=re.M)
    assert count == 1, 'the install cell has no SOURCE line'
    return changed


@pytest.mark.parametrize('notebook', TUTORIALS, ids=lambda p: p.stem)
def test_install_cell_names_the_settings_source(notebook):
    cell = install_cell(notebook)
    assert f"SOURCE = {settings()['install_source']!r}" in cell
    assert cell == install_cell(TUTORIALS[0]), 'the tutorials install in the same words'


@pytest.fixture(scope='module')
def wheel(tmp_path_factory) -> Path:
    "The wheel `make dist` builds, into a temporary folder."
    folder = tmp_path_factory.mktemp('wheel')
    build = [sys.executable, '-m', 'pip', 'wheel', '--quiet', '--no-deps', '--no-build-isolation', '-w', folder, ROOT]
    subprocess.run(build, check=True, cwd=ROOT)
    return next(folder.glob('grok_explore-*.whl'))


@pytest.fixture
def fresh(tmp_path) -> tuple[Path, Path]:
    """A fresh venv that sees this one's dependencies (torch, pip, …) but not grok_explore; (its python, a folder)."""
    venv.create(tmp_path / 'venv', with_pip=False)
    python = tmp_path / 'venv' / 'bin' / 'python'
    deps = tmp_path / 'deps'  # this venv's site-packages without grok_explore (its editable install or metadata)
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()['purelib']).iterdir():
        if 'grok_explore' not in entry.name and 'grok-explore' not in entry.name and entry.suffix != '.pth':
            (deps / entry.name).symlink_to(entry)
    where = 'import sysconfig; print(sysconfig.get_paths()["purelib"])'
    site = subprocess.run([python, '-c', where], text=True, capture_output=True, check=True).stdout.strip()
    (Path(site) / 'dependencies.pth').write_text(f'{deps}\n')
    return python, tmp_path


def run_cell(python: Path, cell: str, folder: Path) -> subprocess.CompletedProcess:
    script = folder / 'install_cell.py'
    script.write_text(cell)
    return subprocess.run([python, script], cwd=folder, text=True, capture_output=True, timeout=300)


def test_install_cell_installs_the_wheel_in_a_fresh_venv(fresh, wheel):
    python, folder = fresh
    absent = subprocess.run([python, '-c', 'import grok_explore'], cwd=folder, capture_output=True)
    assert absent.returncode != 0, 'grok_explore must not be importable before the install cell runs'
    ran = run_cell(python, with_source(install_cell(TUTORIALS[0]), str(wheel)), folder)
    assert ran.returncode == 0 and 'could not install' not in ran.stdout, ran.stdout + ran.stderr
    check = (
        'import grok_explore\n'
        'from grok_explore.recipe import modular_mlp\n'
        'learner = modular_mlp(p=7, width=8, jacobian_every=None).learner(0)\n'
        'learner.fit(3)\n'
        'print(grok_explore.__version__, grok_explore.__file__, learner.step)'
    )
    shown = subprocess.run([python, '-c', check], cwd=folder, text=True, capture_output=True, check=True).stdout.split()
    assert shown[0] == settings()['version']
    assert Path(shown[1]).is_relative_to(folder / 'venv'), shown[1]  # the wheel's copy, not this checkout
    assert shown[2] == '3'


def test_install_cell_says_what_to_do_when_the_source_cannot_be_reached(fresh):
    python, folder = fresh
    ran = run_cell(python, with_source(install_cell(TUTORIALS[0]), str(folder / 'missing.whl')), folder)
    assert 'could not install grok_explore from' in ran.stdout and 'make dist' in ran.stdout, ran.stdout
