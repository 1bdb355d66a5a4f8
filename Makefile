# The two commands a newcomer needs: `make run` and `make test`. Both need only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_APP := $(VENV)/.installed-app
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test test-pg lint format i18n bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_APP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_APP)

## run: install, bring the database to the latest schema, load the demo if empty, serve on :8501
run: $(STAMP_APP)
	$(BIN)/opit migrate
	$(BIN)/opit demo --if-empty
	$(BIN)/opit serve

## test: install with test extras and run the whole suite (SQLite; PostgreSQL with OPIT_TEST_DATABASE_URL)
test: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## test-pg: the suite against the local PostgreSQL (database `test`, user `postgres`)
test-pg: $(STAMP_TEST)
	OPIT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest

lint: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP_TEST)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## i18n: extract interface strings and merge them into the bg and en catalogues
i18n: $(STAMP_TEST)
	$(BIN)/python -m tools.catalogues

## bench: every benchmark; each prints its figures and updates benchmarks/RESULTS.md
bench: $(STAMP_TEST)
	for script in $$(grep -l '__main__' benchmarks/*.py); do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
