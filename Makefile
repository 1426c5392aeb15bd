# docpipe: the two commands of the README are `make demo` and `make test`.
# Both create .venv and install the project (with its development extras) when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup a3m demo process test lint typecheck unit bench bench-pdf clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# a3m (lightweight Archivematica) for the archive integration test: its own Python 3.12 venv in
# .venv-a3m and Debian's p7zip-full, atool, unar and tree; idempotent.
a3m:
	scripts/setup_a3m.sh

# The main job on the embedded default: start object store, Redis, worker, intake and Flower on
# this machine, drop seeds/ into the inbox, wait for every document, print a summary, stop.
demo: setup
	$(BIN)/docpipe up --demo seeds --out out

# The processing core alone, no services: seeds/ -> out/<stem>.json
process: setup
	$(BIN)/docpipe process seeds --out out

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check pipeline schemas
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

# Everything CI runs: lint, types, import layers, and every test (integration included:
# it uses the Redis and RabbitMQ of the machine and starts its own SeaweedFS).
test: lint typecheck a3m
	$(BIN)/pytest

unit: setup
	$(BIN)/pytest tests/unit

bench: setup
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_e2e.py

# The PDF text extractors compared (needs the bench extra: pdfminer.six, pdfplumber, rapidfuzz)
bench-pdf: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/bench_pdf.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .hypothesis
