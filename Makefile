PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint pytest test-fast cov docs-cli bench dist clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parindex demo --out out/demo

# the demo workspace: the sample district in the browser, http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/parindex serve --demo

lint: $(STAMP)
	$(BIN)/ruff check parindex tests bench
	$(BIN)/mypy

# the whole suite on SQLite, then the workspace's tests again on a throwaway PostgreSQL
# cluster (tests/pg_cluster.py; Debian's postgresql, installed when missing) — all but the
# browser tests and the long round trips of separate processes, which the first pass ran
pytest: $(STAMP)
	$(BIN)/pytest -n 2
	PARINDEX_TEST_POSTGRES=1 $(BIN)/pytest -n 2 -m "not browser and not slow" tests/test_web_*.py

test: lint pytest

# the suite without the long end-to-end round trips (marked slow)
test-fast: $(STAMP)
	$(BIN)/pytest -n 2 -m "not slow"

# coverage of parindex (the data file stays out of the working tree)
cov: $(STAMP)
	COVERAGE_FILE=$(VENV)/.coverage $(BIN)/pytest -n 2 --cov=parindex --cov-report=term-missing:skip-covered

# regenerate the --help blocks of docs/CLI.md (tests/test_cli_docs.py checks them)
docs-cli: $(STAMP)
	$(BIN)/python tests/cli_docs.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# a wheel to copy to an office PC (Windows or Linux): dist/parindex-<version>-py3-none-any.whl
dist: $(STAMP)
	rm -rf build
	$(BIN)/pip wheel -q --no-deps -w dist .
	@ls dist/*.whl

clean:
	rm -rf $(VENV) build dist *.egg-info
