# reportkit: two commands on a fresh machine.
#   make report   set up, then build the default period's report
#   make test     set up, then run every test (including nbval)
#   make check    set up, then lint and run every test that needs no full build (under a minute)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PERIOD ?= 2020
STAMP  := $(VENV)/.installed
# Quarto for the tests: installed from ../shared/quarto (when it is there) into an ignored folder.
QUARTO_SRC ?= ../shared/quarto
QUARTO_DIR ?= .tools/quarto
QUARTO     := $(QUARTO_DIR)/bin/quarto
# axe-core for the browser tests (tests/test_browser.py), from npm into the same ignored folder.
AXE := .tools/node_modules/axe-core/axe.min.js
# Extra pytest options, e.g. PYTEST_ARGS=-rA to list every test's outcome (CI does).
PYTEST_ARGS ?=
# The tests run on every core (pytest-xdist, each worker taking the next test as it frees;
# one run each here: load 577 s, loadfile 712 s, worksteal 662 s). XDIST= runs them in one
# process.
XDIST ?= -n auto

.PHONY: setup quarto browser report test check lint bench bench-suite clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Quarto 1.9 built from source, with its tools from PyPI and npm (see ../shared/quarto/README.md).
# Skipped, with a note, where ../shared/quarto is absent: then the Quarto tests skip (or fail
# when REPORTKIT_REQUIRE_QUARTO=1, as in CI).
# Its typst command runs the typst-py binding 0.14.2, which refuses PDF/UA-1 (a Typst 0.14 CLI,
# as in Quarto's releases, accepts it): the binding is replaced by the one pinned in
# constraints.txt, which the built-in engine uses too. The manifest records the Typst that ran.
TYPST_PY  := $(QUARTO_DIR)/bin/tools/x86_64/typst-py
TYPST_PIN := $(shell sed -n 's/^typst==//p' constraints.txt)

quarto: setup
	@if [ -f "$(QUARTO_SRC)/install.sh" ]; then bash "$(QUARTO_SRC)/install.sh" "$(QUARTO_DIR)"; \
	elif [ ! -x "$(QUARTO)" ]; then echo "make: no $(QUARTO_SRC)/install.sh: Quarto tests will skip"; fi
	@if [ -d "$(TYPST_PY)" ] && [ ! -d "$(TYPST_PY)/typst-$(TYPST_PIN).dist-info" ]; then \
	  rm -rf "$(TYPST_PY)/typst" "$(TYPST_PY)"/typst-*.dist-info && \
	  $(BIN)/python -m pip install --quiet --no-deps --only-binary :all: --target "$(TYPST_PY)" \
	    "typst==$(TYPST_PIN)" && echo "make: Quarto's typst now runs typst-py $(TYPST_PIN)"; fi

# The browser tests run headless Chromium (Debian's chromium; CI installs it) with axe-core.
# Without npm this notes it and the browser tests skip (or fail when
# REPORTKIT_REQUIRE_BROWSER=1, as in CI).
browser: $(AXE)

$(AXE):
	@if command -v npm >/dev/null; then npm install --prefix .tools --no-audit --no-fund \
	  --no-save axe-core@4 >/dev/null && echo "make: axe-core $$(node -p \
	  "require('./.tools/node_modules/axe-core/package.json').version") in .tools"; \
	else echo "make: no npm: the browser tests will skip"; fi

report: setup
	$(BIN)/reportkit build --year $(PERIOD)

# pytest exits 5 when it collects no tests: a run that tests nothing fails here. The 30 slowest
# steps are listed at the end, so each run shows where the suite's time goes.
test: setup quarto browser
	$(BIN)/ruff check src tests benchmarks
	@if [ -x "$(QUARTO)" ]; then echo "make test: Quarto $$($(QUARTO) --version) from $(QUARTO)"; fi
	$(BIN)/python -m pytest $(XDIST) --durations=30 $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	  exit $$rc

# The analyst's inner loop: lint, then every test not marked slow (no full build, render,
# nbval, Quarto or browser; a test that asks for a build fixture is marked slow by conftest.py).
check: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(XDIST) -m "not slow" $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make check: pytest collected no tests" >&2; exit 1; fi; \
	  exit $$rc

lint: setup
	$(BIN)/ruff check src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/area_packs.py

# The suite's wall clock and CPU (benchmarks/suite.py); BASELINE=REV also runs that commit's.
BASELINE ?=
bench-suite: setup quarto browser
	$(BIN)/python benchmarks/suite.py --quick $(if $(BASELINE),--baseline $(BASELINE))

clean:
	rm -rf _output .reportkit-cache
