# docpipe: the two commands of the README are `make demo` and `make test`.
# Both create .venv and install the project (with its development and embedded extras) when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup tools browser a3m demo process test lint typecheck unit bench bench-pdf chaos lock clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,embedded]'
	touch $@

setup: $(BIN)/.installed

# Debian's docker-compose (v1) validates docker-compose.yml without a Docker engine (tests/unit/test_compose.py);
# Debian's prometheus package brings promtool, which checks a /metrics scrape (tests/integration/test_metrics.py).
tools:
	@command -v docker-compose >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; \
	  else echo "install Debian's docker-compose (apt-get install docker-compose)"; exit 1; fi; }
	@command -v promtool >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; \
	  else echo "install Debian's prometheus package, for promtool (apt-get install prometheus)"; exit 1; fi; }

# Debian's chromium, chromium-driver and a CJK font for the dashboard's browser test (Playwright drives the
# system browser through executable_path; it never downloads one).
browser:
	@{ command -v chromium && command -v chromedriver && fc-list :lang=zh | grep -q .; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null; \
	  else echo "install Debian's chromium (apt-get install chromium chromium-driver fonts-wqy-zenhei)"; exit 1; fi; }

# a3m (lightweight Archivematica) for the archive integration test: its own Python 3.12 venv in
# .venv-a3m and Debian's p7zip-full, atool, unar and tree; idempotent.
a3m:
	scripts/setup_a3m.sh

# The main job on the embedded default: start object store, broker, catalog, worker, intake and
# Flower on this machine, drop seeds/ into the inbox, wait for every document, print a summary, stop.
demo: setup
	$(BIN)/docpipe up --demo seeds --out out

# The processing core alone, no services: seeds/ -> out/<stem>.json
process: setup
	$(BIN)/docpipe process seeds --out out

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

# Everything CI runs: lint, types, import layers, and every test (integration included: the
# machine's PostgreSQL and RabbitMQ, a SeaweedFS and a Valkey the fixtures start, the short chaos run).
test: lint typecheck tools browser a3m
	$(BIN)/pytest

unit: setup
	$(BIN)/pytest tests/unit

bench: setup
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_e2e.py
	$(BIN)/python bench/bench_e2e.py --broker rabbitmq

# The PDF text extractors compared (needs the bench extra: pdfminer.six, pdfplumber, rapidfuzz)
bench-pdf: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/bench_pdf.py

chaos: setup
	$(BIN)/python bench/chaos.py

# The image's lock file: every runtime dependency, pinned (the Dockerfile installs it in its own layer).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet .
	{ echo "# The image's lock: every runtime dependency of docpipe (no extras), pinned. Regenerate with"; \
	  echo "# \`make lock\` after changing the dependencies in pyproject.toml."; \
	  .lock-venv/bin/pip freeze --exclude docpipe; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .hypothesis
