# grok_explore. The two set-up commands: `make lab` (tutorials in JupyterLab) and `make test` (every check).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# PYTHON creates .venv (>= 3.10); TORCH is installed first (e.g. `make lab TORCH=torch` on a GPU machine);
# OUT is where `make demo` writes grokking.png.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
PORT ?= 8888
IP ?= 127.0.0.1
OUT ?= grok_explore_out
README_OUT ?= README.md

BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LIB := grok_explore
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help install lab test docs docs-check dist demo readme bench check-export check-clean check-readme check-runall lint format nbtest pytest browser-deps clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The stamp records TORCH: asking for another build (e.g. TORCH=torch) reinstalls even when .venv is current.
ifneq ($(shell cat $(INSTALLED) 2>/dev/null),$(TORCH))
.PHONY: $(INSTALLED)
endif
$(INSTALLED): $(BIN)/python settings.ini setup.py
	$(BIN)/python -m pip install --quiet --upgrade "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	echo "$(TORCH)" > $@

install: $(INSTALLED)  ## create .venv if missing and install the package with its dev tools

lab: install  ## start JupyterLab on the tutorials in nbs/ (PORT, IP)
	@echo "Starting JupyterLab on http://$(IP):$(PORT)/lab - open the URL with the token printed below."
	$(BIN)/jupyter lab --notebook-dir=nbs --ip=$(IP) --port=$(PORT) --no-browser $(ALLOW_ROOT)

test: install  ## every check: export in sync, notebooks clean, README current, ruff, all notebooks, the docs site, pytest
	@$(MAKE) --no-print-directory check-export check-clean check-readme check-runall lint nbtest docs-check browser-deps pytest

# The site is built from the notebooks as nbtest ran them (saved with outputs in _build/executed/, keyed by a hash of
# the notebook and the library): `make docs` re-runs only notebooks that changed since. Use this, not nbdev_docs
# (which needs Quarto, and without it pip-installs into the system Python).
docs: install  ## build the docs site into _site/ offline (serve it: python -m http.server -d _site)
	$(BIN)/python nbs/_sphinx/docs.py build

docs-check:
	@$(BIN)/python nbs/_sphinx/docs.py build

dist: install  ## build the wheel into dist/ (upload it to Colab while the install source cannot be reached)
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	@ls dist/*.whl

demo: install  ## train modular addition until it groks; writes $(OUT)/grokking.png
	$(BIN)/grok-explore demo --out $(OUT)

readme: install  ## write README.md from nbs/index.ipynb (offline, no quarto)
	@{ echo "<!-- Generated from nbs/index.ipynb by 'make readme': edit the notebook, not this file. -->"; echo; \
	  $(BIN)/jupyter nbconvert --to markdown --stdout --log-level=ERROR nbs/index.ipynb \
	  | sed -e 's#](images/#](nbs/images/#g'; } > $(README_OUT)

bench: install  ## run every benchmark in benchmarks/
	@shopt -s nullglob; for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

check-export:
	@snapshot=$$(mktemp -d); cp -r $(LIB) $$snapshot/; \
	$(BIN)/nbdev_export; \
	if ! diff -r -q -x __pycache__ $$snapshot/$(LIB) $(LIB); then \
	  echo "FAIL: nbdev_export changed the files above; run nbdev_export and commit the result"; exit 1; fi; \
	echo "ok: nbdev_export leaves $(LIB)/ unchanged"

check-clean:
	@snapshot=$$(mktemp -d); cp -r nbs $$snapshot/; \
	$(BIN)/nbdev_clean --fname $$snapshot/nbs; \
	if ! diff -r -q $$snapshot/nbs nbs; then \
	  echo "FAIL: nbdev_clean would change the notebooks above; run nbdev_clean and commit the result"; exit 1; fi; \
	echo "ok: notebooks are clean"

check-readme:
	@generated=$$(mktemp); $(MAKE) --no-print-directory -s readme README_OUT=$$generated; \
	if ! diff -q $$generated README.md; then echo "FAIL: README.md is out of date; run make readme and commit it"; exit 1; fi; \
	echo "ok: README.md matches nbs/index.ipynb"

# nbdev_test skips cells flagged eval: false (and the tst_flags of settings.ini); JupyterLab's Run All does not. With no
# such flag, nbdev_test runs every cell as Run All does: long runs sit behind a visible RUN_FULL = False switch instead.
check-runall:
	@if grep -l -E '#\| *(eval: *false|notest|slow)' nbs/*.ipynb; then \
	  echo "FAIL: the notebooks above skip cells under nbdev_test that Run All executes; use a RUN_FULL = False switch"; exit 1; fi; \
	echo "ok: nbdev_test runs every cell, as Run All does"

# Lines <= 120 columns, one statement per line, ruff's formatting (quotes as written). Line length is checked on the
# notebooks, the source of truth: in $(LIB)/ only nbdev's generated __all__ lines may run longer.
RUFF_FORMAT := $(BIN)/ruff format --line-length 120 --config "format.quote-style='preserve'" --target-version py310
lint:
	$(BIN)/ruff check --select F,E9,E701,E702,E703 --target-version py310 $(LIB) tests benchmarks
	$(BIN)/ruff check --select E501,E701,E702,E703 --line-length 120 --target-version py310 nbs tests benchmarks
	@$(RUFF_FORMAT) --check nbs tests benchmarks || { echo "FAIL: run make format"; exit 1; }

format: install  ## format notebooks, tests and benchmarks with ruff (lines <= 120), then export the library
	$(RUFF_FORMAT) nbs tests benchmarks
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

# Every notebook as nbdev_test runs it (2 workers, one torch thread each), saved with its outputs for the docs.
nbtest:
	$(BIN)/python nbs/_sphinx/docs.py execute

# Two test processes (pytest-xdist), as nbtest runs two notebooks at a time: about 6 minutes, not 10.5. worksteal: an
# idle process takes queued tests from the busy one (the slowest tests take 1-2 minutes each).
pytest:
	$(BIN)/python -m pytest tests -q -ra -n 2 --dist worksteal --durations=8

# The browser test (tests/browser/) drives Debian's Chromium with Playwright (whose own browser download needs the
# internet). Installed here when missing and we are root with apt-get; otherwise the test is skipped with its reason.
browser-deps:
	@if command -v chromium >/dev/null; then echo "ok: $$(chromium --version 2>/dev/null | head -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium and chromium-driver for the browser test (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
	  || echo "skip: apt-get could not install chromium; the browser test will be skipped"; \
	else echo "skip: chromium is missing and cannot be installed here (needs root and apt-get); the browser test will be skipped"; fi

clean:  ## remove .venv and build leftovers
	rm -rf $(VENV) *.egg-info build dist $(OUT) .pytest_cache .ruff_cache _build _site
