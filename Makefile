# Commands of the nnguide project. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch where one is available (this wheel is on the CI machines' disk).
TORCH_SPEC ?= torch==2.13.0
HOST ?= 127.0.0.1:8000
# The exact versions CI tested (`make constraints` writes it); empty for the newest allowed.
CONSTRAINTS ?= constraints.txt
export NO_MKDOCS_2_WARNING := 1

.PHONY: help setup system-deps docs serve test test-fast lint format examples benchmark translation-status screenshots clean canary constraints

help:
	@echo "make serve    set up (first run) and serve the site at http://$(HOST) with live reload"
	@echo "make test     set up (first run) and run ruff, the unit tests, doctests, examples, site and browser tests"
	@echo "make test-fast  the unit tests and doctests only: no site build, kernel or browser (under a minute)"
	@echo "make docs     build the site into site/ (strict; site/ is replaced only by a complete build)"
	@echo "make examples execute the example scripts that changed (SHARD=i/N: one shard of them)"
	@echo "make benchmark  run benchmarks/summary.py and benchmarks/build.py"
	@echo "make translation-status  Korean pages whose English counterpart changed after them"
	@echo "make screenshots  build the site, then photograph each tutorial page whole in both palettes"
	@echo "make canary   test in a fresh .venv-canary with the newest allowed versions; report what changed"
	@echo "make constraints  record the venv's exact versions in constraints.txt"
	@echo "make clean    remove build outputs and caches (keeps $(VENV))"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The package with its extras, and the site's build (tools/: the MkDocs plugin `nnguide`,
# a local distribution of its own that is never published).
$(VENV)/.installed: $(BIN)/python pyproject.toml tools/pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# PyTorch through pip, which reads pip's own configuration (a machine's local wheels);
	@# the rest through uv, which installs the same versions in about half the time. Compiled
	@# as pip does: where PYTHONDONTWRITEBYTECODE is set, nothing would ever compile them.
	@# Hard links to uv's cache, not copies (a copy where the cache is on another disk).
	$(BIN)/python -m pip install --quiet $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) $(TORCH_SPEC) uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --link-mode hardlink --compile-bytecode \
		$(if $(CONSTRAINTS),-c $(CONSTRAINTS)) -e ".[dev]" -e ./tools
	@# Left by earlier set-ups, which put the repository on sys.path with a .pth file.
	rm -f $(VENV)/lib/python*/site-packages/nnguide-repository.pth
	touch $@

# The site's front-end files (KaTeX), from npm, at the versions package-lock.json records.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

setup: $(VENV)/.installed node_modules/.package-lock.json

# Browser tests drive Debian's Chromium; Hangul needs a Korean font in the browser.
system-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi nanum; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
	else echo "Install Chromium (/usr/bin/chromium) and a Korean font (fonts-nanum) for the browser tests" >&2; exit 1; fi

# SHARD=i/N runs only shard i of N (balanced by recorded run times); SHARD=gpu the GPU scripts.
examples: setup
	$(BIN)/python -m tools.execute $(if $(SHARD),--shard $(SHARD))

# Builds into a folder of its own, then swaps it into site/ (tools/publish.py).
docs: setup
	$(BIN)/python -m tools.publish

# --dirty: a save rebuilds only the pages that changed (a full build runs at start).
serve: setup
	NNGUIDE_STRICT=false $(BIN)/mkdocs serve --dev-addr $(HOST) --livereload --dirty

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The Python packages, the npm ones and Chromium are installed side by side; then one
# pytest-xdist worker per core runs the tests (tests/conftest.py schedules them).
test:
	@$(MAKE) --no-print-directory --jobs=3 setup system-deps
	@$(MAKE) --no-print-directory lint
	$(BIN)/pytest --numprocesses auto

# The tier without site builds, browsers, kernels or lesson runs (tests/conftest.py: markers).
test-fast: setup
	$(BIN)/pytest -m "not slow and not kernel" --numprocesses auto

benchmark: setup
	$(BIN)/python benchmarks/summary.py
	$(BIN)/python benchmarks/build.py

translation-status: setup
	$(BIN)/python -m tools.checks.translation_status

# Full-page JPEGs of every tutorial page, light and dark, for a person to look at.
screenshots: docs system-deps
	$(BIN)/python -m tests.browser.screenshots site artifacts/screenshots

# The newest versions pyproject.toml allows, in a venv of their own; reports the
# versions that differ from constraints.txt and fails when the tests fail.
canary:
	rm -rf .venv-canary
	status=0; $(MAKE) test VENV=.venv-canary CONSTRAINTS= || status=$$?; \
	.venv-canary/bin/python -m tools.canary constraints.txt --status $$status

constraints: setup
	@# torch comes from TORCH_SPEC (a CPU or CUDA build), not from here.
	$(BIN)/python -m pip freeze --exclude-editable --all | grep -vE "^(pip|torch)==" > constraints.txt

clean:
	rm -rf site .cache docs/*/tutorials/*.ipynb .pytest_cache .ruff_cache tools/build
