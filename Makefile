# reportkit: two commands on a fresh machine.
#   make report   set up, then build the default period's report
#   make test     set up, then run every test (including nbval)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PERIOD ?= 2020
STAMP  := $(VENV)/.installed

.PHONY: setup report test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

report: setup
	$(BIN)/reportkit build --year $(PERIOD)

# pytest exits 5 when it collects no tests: a run that tests nothing fails here.
test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	  exit $$rc

lint: setup
	$(BIN)/ruff check src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/build.py

clean:
	rm -rf _output .reportkit-cache
