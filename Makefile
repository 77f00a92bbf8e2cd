# The newsroom archive. `make help` lists the commands.
# Names and habits follow pelican-quickstart's Makefile; set-up is automatic: the first
# command that needs the virtual environment creates it from the pinned lock files.

PYTHON ?= python3
VENV ?= $(CURDIR)/.venv
PY := $(VENV)/bin/python
PELICAN ?= $(VENV)/bin/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR = $(BASEDIR)/content
OUTPUTDIR = $(BASEDIR)/output
CONFFILE = $(BASEDIR)/pelicanconf.py
PUBLISHCONF = $(BASEDIR)/publishconf.py

GITHUB_PAGES_BRANCH = gh-pages
GITHUB_PAGES_COMMIT_MESSAGE = Publish the archive

PORT ?= 8000
SERVER ?= 127.0.0.1

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

# Stamps: the environment is (re)installed when a lock file changes.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
NODE_STAMP := node_modules/.installed

help:
	@echo 'Makefile for the newsroom archive'
	@echo ''
	@echo 'Usage:'
	@echo '   make html                        build the archive in content/ into output/'
	@echo '   make clean                       remove the generated files'
	@echo '   make regenerate                  rebuild on every change'
	@echo '   make serve [PORT=8000]           serve output/ at http://127.0.0.1:8000'
	@echo '   make serve-global [SERVER=0.0.0.0] serve output/ on every interface'
	@echo '   make devserver [PORT=8000]       serve and rebuild on every change'
	@echo '   make publish                     build with publishconf.py (SITEURL=https://...)'
	@echo '   make github                      publish output/ to the gh-pages branch (ghp-import)'
	@echo '   make test                        install the test tools if missing, run every test'
	@echo '   make bench [N="1000 10000"]      benchmark builds against vanilla Pelican'
	@echo '   make lock                        re-pin requirements*.lock from pyproject.toml'
	@echo '   make search Q="words" [SORT=newest] query the search index of the last build'
	@echo '   make import SRC=<file or folder> [ARGS=--dry-run] import raw articles into content/'
	@echo '   make eval                        score the importer on the page-text dev set'
	@echo '   make bench-search-compare [N=..] search next to Pagefind, in Chromium'
	@echo '   make quality                     Lighthouse mobile scores of the sample archive'
	@echo '   make screenshots                 screenshots of the front page and an article'
	@echo ''
	@echo 'Set the DEBUG variable to 1 to enable debugging, e.g. make DEBUG=1 html'
	@echo 'Set the RELATIVE variable to 1 to enable relative urls'
	@echo ''

# --- set-up -----------------------------------------------------------------------
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.lock
	@# plugins/ on the path (a .pth file): every plugin package, present or added later, imports
	@# in Pelican, the tests and the command-line tools without reinstalling anything.
	$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "newsroom-archive-plugins.pth").write_text("$(BASEDIR)/plugins\n")'
	@touch $@

$(TEST_STAMP): requirements-test.lock $(RUNTIME_STAMP)
	$(PY) -m pip install --quiet -r requirements-test.lock
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

venv: $(RUNTIME_STAMP)

test-tools: $(TEST_STAMP) $(NODE_STAMP)
	@bash tests/tools/ensure-browser-and-java.sh $(PY)

lock:
	rm -rf $(BASEDIR)/.lock-venv
	$(PYTHON) -m venv $(BASEDIR)/.lock-venv
	$(BASEDIR)/.lock-venv/bin/pip install --quiet .
	$(BASEDIR)/.lock-venv/bin/pip uninstall --quiet -y newsroom-archive
	{ echo "# Runtime dependencies of the archive, every package pinned. Regenerate with 'make lock'."; \
	  $(BASEDIR)/.lock-venv/bin/pip freeze; } > requirements.lock
	$(BASEDIR)/.lock-venv/bin/pip install --quiet '.[test]'
	$(BASEDIR)/.lock-venv/bin/pip uninstall --quiet -y newsroom-archive
	{ echo "# Test dependencies (includes the runtime ones), every package pinned. Regenerate with 'make lock'."; \
	  $(BASEDIR)/.lock-venv/bin/pip freeze; } > requirements-test.lock
	rm -rf $(BASEDIR)/.lock-venv

# --- building -----------------------------------------------------------------------
html: $(RUNTIME_STAMP)
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate: $(RUNTIME_STAMP)
	"$(PELICAN)" -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: $(RUNTIME_STAMP)
	"$(PELICAN)" -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(SERVER)

serve-global: $(RUNTIME_STAMP)
	"$(PELICAN)" -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b 0.0.0.0

devserver: $(RUNTIME_STAMP)
	"$(PELICAN)" -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(SERVER)

publish: $(RUNTIME_STAMP)
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

github: publish
	$(VENV)/bin/ghp-import -m "$(GITHUB_PAGES_COMMIT_MESSAGE)" -b $(GITHUB_PAGES_BRANCH) "$(OUTPUTDIR)" --no-jekyll
	git push origin $(GITHUB_PAGES_BRANCH)

# --- checking -----------------------------------------------------------------------
test: test-tools
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: help venv test-tools lock html clean regenerate serve serve-global devserver publish github test

# --- search -------------------------------------------------------------------------
# make search Q="tram fares" [SORT=newest] [PAGE=2]: query the index the last build kept
# (Whoosh directly, same rules as the search page).
export Q SORT PAGE
search: $(RUNTIME_STAMP)
	@test -n "$$Q" || { echo 'Usage: make search Q="words to find" [SORT=newest] [PAGE=2]'; exit 2; }
	@$(PY) -m archive_search --index cache/search-index --sort "$${SORT:-relevance}" --page "$${PAGE:-1}" -- "$$Q"

.PHONY: search

# --- importing raw articles (plugins/archive_import) -------------------------------
# make import SRC=path/to/exports [ARGS="--dry-run" | ARGS="--force"]; make eval prints dev-set F1 and throughput
SRC ?=
ARGS ?=
import: $(RUNTIME_STAMP)
	@[ -n "$(SRC)" ] || { echo 'make import SRC=<file or folder> [ARGS="--dry-run --force"]'; exit 2; }
	$(PY) -m archive_import "$(SRC)" --settings "$(CONFFILE)" $(ARGS)

eval: $(RUNTIME_STAMP)
	$(PY) tests/bench/eval_import.py $(ARGS)

.PHONY: import eval

# --- the theme: Lighthouse scores and screenshots of the sample archive ----------------
# make quality [PAGES="front article"]: Lighthouse 12 mobile scores per kind of page.
# make screenshots: front page and an article, light/dark, desktop/375px, into screenshots/.
quality: test-tools
	PYTHONPATH=tests CHROME_PATH=/usr/bin/chromium $(PY) -m browser.quality $(PAGES)

screenshots: test-tools
	PYTHONPATH=tests $(PY) -m browser.screenshots screenshots

.PHONY: quality screenshots

# --- benchmarks ---------------------------------------------------------------------
# Archive sizes to build; e.g. make bench N="1000 10000 50000". BENCH_ARGS passes more options
# (--runs, --scenarios, --builders, --fixes: see tests/bench/bench_build.py --help).
N ?= 1000 10000
BENCH_ARGS ?=
bench: $(TEST_STAMP)
	PYTHONPATH=plugins $(PY) tests/bench/bench_build.py --n $(N) $(BENCH_ARGS)

.PHONY: bench

# --- search compared with Pagefind ----------------------------------------------------
# make bench-search-compare [N="1000 10000"] [COMPARE_ARGS="--runs 5 --quality 300"]: our search
# next to Pagefind 1.5 on the same built archive (index cost, bytes, time in Chromium, quality).
# N="50000" on request. See tests/bench/pagefind_compare.py.
COMPARE_ARGS ?=
bench-search-compare: $(TEST_STAMP)
	PYTHONPATH=plugins:tests $(PY) -m bench.pagefind_compare --n $(N) $(COMPARE_ARGS)

.PHONY: bench-search-compare
