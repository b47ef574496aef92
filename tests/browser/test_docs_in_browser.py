"""The built docs site in headless Chromium: the home page and a tutorial page show their pictures and no error text.

Needs the site (`make docs`, or `make test`, which builds it before pytest), Debian's `chromium` and Playwright for
Python, as the JupyterLab browser test does. Screenshots go to tests/browser/artefacts/ (or $BROWSER_ARTEFACTS).
"""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / '_site'
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
ARTEFACTS = Path(os.environ.get('BROWSER_ARTEFACTS', ROOT / 'tests' / 'browser' / 'artefacts'))
FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync']
PAGES = {'home': 'index.html', 'tutorial': '20_tutorial_modular.html'}
NOT_ON_A_PAGE = ['Traceback (most recent call last)', 'children=(', 'Error:', 'Widget(']  # errors, raw widget reprs

playwright = pytest.importorskip(
    'playwright.sync_api', reason='Playwright for Python is not installed (pip install playwright)'
)
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason='no chromium on PATH (as root: apt-get install -y chromium)'),
    pytest.mark.skipif(not (SITE / 'index.html').exists(), reason='no docs site in _site/: run make docs first'),
]


@pytest.fixture(scope='module')
def site():
    "The site served over HTTP on 127.0.0.1 (a free port), as `python -m http.server -d _site` would."
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{server.server_address[1]}'
    server.shutdown()


@pytest.mark.parametrize('name', PAGES)
def test_docs_page_shows_its_pictures(site, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    failed_requests = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={'width': 1300, 'height': 900})
        page.on('requestfailed', lambda request: failed_requests.append(request.url))
        missing = lambda r: r.status >= 400 and not r.url.endswith('/favicon.ico')  # the browser asks for one itself
        page.on('response', lambda r: missing(r) and failed_requests.append(r.url))
        try:
            page.goto(f'{site}/{PAGES[name]}', wait_until='load')
            images = page.eval_on_selector_all(
                'article img', '(images) => images.map(i => [i.getAttribute("src"), i.complete, i.naturalWidth])'
            )
            text = page.inner_text('article')
            page.screenshot(path=str(ARTEFACTS / f'docs_{name}.png'), full_page=True)
        finally:
            browser.close()
    assert images, f'no images on the {name} page'
    unloaded = [src for src, complete, width in images if not complete or width == 0]
    assert not unloaded, f'images that did not load on the {name} page: {unloaded}'
    shown = [phrase for phrase in NOT_ON_A_PAGE if phrase in text]
    assert not shown, f'the {name} page shows {shown}'
    assert not failed_requests, f'requests that failed on the {name} page: {failed_requests}'


def test_docs_search_finds_the_api(site):
    "Sphinx's search page, run by the browser on the built index: 'GrokAlign' finds the regularisers page."
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page()
        try:
            page.goto(f'{site}/search.html?q=GrokAlign', wait_until='load')
            page.wait_for_selector('#search-results li a', timeout=30_000)
            hrefs = '(links) => links.map(a => a.getAttribute("href"))'
            found = page.eval_on_selector_all('#search-results li a', hrefs)
        finally:
            browser.close()
    assert any('09_regularisers' in link for link in found), found
