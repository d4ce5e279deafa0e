# govflow — two commands from a fresh clone:
#   make run    set everything up on the embedded SQLite default and serve http://127.0.0.1:8000
#               (PORT=8001 for another port; demo users keep their passwords between runs)
#   make test   install the test dependencies and run the whole suite (lint and types included)
# and two while working:
#   make check      ruff, mypy, the layer contracts and the unit tests (before each commit)
#   make test-fast  the unit tests alone (tests/unit: no database, server or browser)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast check lint typecheck install system-deps browser-deps node-deps assets bench clean

# Playwright must use Debian's chromium, never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Thai fonts for pages and PDFs come from Debian, never from the internet at run time;
# libthai's dictionary breaks Thai lines in PDFs between words; the tests read the PDFs
# back with poppler (pdftotext, pdffonts, pdftoppm), as a PDF viewer or an indexer would.
SYSTEM_PACKAGES := fonts-thai-tlwg libthai0 poppler-utils
system-deps:
	@if dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "note: install Debian's $(SYSTEM_PACKAGES) for Thai fonts and line breaks (sudo apt-get install $(SYSTEM_PACKAGES))"; fi

# Browser-side packages come from npm, pinned by webui/package-lock.json and installed with
# `npm ci` (never committed, never fetched at run time). Node.js comes from Debian when
# missing; Debian 12's Node 18 is enough.
NODE_STAMP := webui/node_modules/.installed-$(shell cksum webui/package-lock.json | cut -d' ' -f1)
node-deps:
	@if command -v npm >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else echo "error: install Node.js and npm (sudo apt-get install nodejs npm)" >&2; exit 1; fi

$(NODE_STAMP): webui/package.json webui/package-lock.json | node-deps
	cd webui && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The process editor's script, styles and icon font, bundled by esbuild (Node 18 or later)
# into webui/static/build/ (never committed), rebuilt when an editor source changes.
ASSET_STAMP := webui/static/build/.built
EDITOR_SOURCES := $(shell find webui/editor -type f 2>/dev/null) webui/tools/build_assets.mjs
$(ASSET_STAMP): $(NODE_STAMP) $(EDITOR_SOURCES)
	node webui/tools/build_assets.mjs
	touch $@

assets: $(ASSET_STAMP)

# The browser tests drive Debian's chromium; install it (and the Thai fonts) from Debian.
browser-deps: system-deps
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "note: install Debian's chromium for the browser tests (sudo apt-get install chromium)"; fi

# The port is checked first: a second `make run` beside a running one stops there, in one
# line, before it touches the database (choose another with `make run PORT=8001`).
run: install system-deps assets
	@$(BIN)/govflow serve --check-port --host $(HOST) --port $(PORT) >/dev/null
	$(BIN)/govflow init
	$(BIN)/govflow demo
	$(BIN)/govflow serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# engine/ and webui/, as [tool.mypy] in pyproject.toml names them.
typecheck: install
	$(BIN)/mypy

# assets: validate runs bpmnlint from webui/node_modules (the corpus tests read its lines).
test-fast: install assets
	$(BIN)/pytest -q tests/unit

check: lint typecheck test-fast

# Two processes (-n 2); the tests that share Redis's rate-limit counters, the load and
# crash runs and the rate-limit tests, run in one of them, one after another
# (xdist_group "redis").
test: install assets browser-deps lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadgroup

bench: install
	$(BIN)/python bench/engine_throughput.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache webui/node_modules
