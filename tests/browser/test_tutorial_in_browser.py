"""Tutorial 20 in a real JupyterLab driven by headless Chromium: run every cell, press Train, see the dashboard finish.

Needs Debian's `chromium` (`make test` installs it with apt-get when run as root) and Playwright for Python (a dev
requirement). Playwright's own browser download does not work offline, so it drives /usr/bin/chromium. Skipped, with
the reason, when either is missing. A screenshot of the page goes to tests/browser/artefacts/ (or $BROWSER_ARTEFACTS).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / 'nbs' / '20_tutorial_modular.ipynb'
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
ARTEFACTS = Path(os.environ.get('BROWSER_ARTEFACTS', ROOT / 'tests' / 'browser' / 'artefacts'))
FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
]
IDLE = '.jp-Notebook-ExecutionIndicator[data-status="idle"]'
BUSY = '.jp-Notebook-ExecutionIndicator[data-status="busy"]'

playwright = pytest.importorskip(
    'playwright.sync_api', reason='Playwright for Python is not installed (pip install playwright)'
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason='no chromium on PATH (as root: apt-get install -y chromium chromium-driver)'
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    "A JupyterLab server on 127.0.0.1 with a token, news and update checks off, serving a copy of tutorial 20."
    shutil.copy(NOTEBOOK, tmp_path / NOTEBOOK.name)
    settings = tmp_path / 'settings' / '@jupyterlab' / 'apputils-extension'
    settings.mkdir(parents=True)
    (settings / 'notification.jupyterlab-settings').write_text(
        json.dumps({'fetchNews': 'false', 'checkForUpdates': False})
    )
    port, token = free_port(), os.urandom(16).hex()
    env = os.environ | {
        'JUPYTERLAB_SETTINGS_DIR': str(tmp_path / 'settings'),
        'JUPYTERLAB_WORKSPACES_DIR': str(tmp_path / 'workspaces'),
        'JUPYTER_RUNTIME_DIR': str(tmp_path / 'runtime'),
    }
    command = [
        sys.executable,
        '-m',
        'jupyter',
        'lab',
        '--no-browser',
        '--ip=127.0.0.1',
        f'--port={port}',
        f'--IdentityProvider.token={token}',
        f'--ServerApp.root_dir={tmp_path}',
        '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
        '--LabApp.news_url=',
    ]
    if os.geteuid() == 0:
        command.append('--allow-root')
    log = open(tmp_path / 'lab.log', 'w')
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f'jupyter lab exited: {(tmp_path / "lab.log").read_text()[-2000:]}')
                time.sleep(0.5)
        else:
            pytest.fail(f'jupyter lab did not answer within a minute: {(tmp_path / "lab.log").read_text()[-2000:]}')
        yield url, token, tmp_path
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_tutorial_20_runs_and_trains_in_jupyterlab(lab):
    url, token, folder = lab
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        try:
            page.goto(f'{url}/lab/tree/{NOTEBOOK.name}?token={token}')
            page.wait_for_function(
                "() => /\\| Idle/.test(document.querySelector('.jp-StatusBar-Widget')?.textContent || '')",
                timeout=90_000,
            )  # the kernel has started and is connected
            page.wait_for_selector(IDLE, timeout=30_000)
            for attempt in range(3):  # a click that comes too early runs nothing
                page.click('.lm-MenuBar-itemLabel:text-is("Run")')
                page.click('.lm-Menu-itemLabel:text-is("Run All Cells")')
                try:
                    page.wait_for_selector(BUSY, timeout=10_000)
                    break
                except playwright.TimeoutError:
                    pass
            page.wait_for_selector('img.widget-image', timeout=600_000)  # the last cell, the dashboard, has run
            page.wait_for_selector(IDLE, timeout=60_000)
            status = page.locator('.widget-html-content', has_text='status')
            status.wait_for(timeout=30_000)
            image = page.locator('img.widget-image').last
            image.scroll_into_view_if_needed()
            before = image.screenshot()
            page.locator('button.jupyter-button', has_text='Train').first.click()
            page.wait_for_function(
                "() => [...document.querySelectorAll('.widget-html-content')].some(e => "
                "/finished/.test(e.textContent))",
                timeout=300_000,
            )
            page.wait_for_selector(IDLE, timeout=60_000)
            time.sleep(1.0)  # the last picture
            after = image.screenshot()
            page.screenshot(path=str(ARTEFACTS / 'tutorial_20_after_train.png'), full_page=False)
            (ARTEFACTS / 'tutorial_20_dashboard.png').write_bytes(after)
            page.keyboard.press('Control+s')
            time.sleep(2.0)
            text = status.inner_text()
            errors = page.locator(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', has_text='Traceback'
            ).count()
        finally:
            page.screenshot(path=str(ARTEFACTS / 'tutorial_20_last.png'))
            browser.close()
            shutil.copy(folder / 'lab.log', ARTEFACTS / 'tutorial_20_lab.log')  # the server's and kernels' messages
    assert 'finished' in text and 'step 3,000' in text, text
    assert errors == 0, f'{errors} error output(s) in the page'
    saved = json.loads((folder / NOTEBOOK.name).read_text())
    failed = [
        o.get('ename')
        for c in saved['cells']
        if c['cell_type'] == 'code'
        for o in c.get('outputs', [])
        if o['output_type'] == 'error'
    ]
    assert not failed, failed
    assert all(c.get('execution_count') for c in saved['cells'] if c['cell_type'] == 'code'), 'a cell did not run'
    assert before != after, 'the dashboard picture did not change after Train'
