# Two commands set everything up on a fresh machine (README):
#   make demo   — create .venv, install, check the bundled Shijiazhuang centers
#   make test   — install the test extras, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench bench-check bench-api clean install chromium postgresql

$(BIN)/python:
	@command -v gcc >/dev/null 2>&1 || { echo "gcc is needed to build durable_rules; installing"; \
	  (apt-get update -qq && apt-get install -y -qq gcc python3-dev) >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# durable_rules 2.0.28 calls PyEval_CallObject, removed in Python 3.13; its setup.py overwrites
# CFLAGS, so the alias goes in CPPFLAGS (harmless on 3.11/3.12). See docs/decisions.md.
export CPPFLAGS := $(CPPFLAGS) -DPyEval_CallObject=PyObject_CallObject

$(STAMP): $(BIN)/python pyproject.toml
	@$(BIN)/python -m pip install -q -e '.[test]' > $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/hallmark demo

# Headless Chromium (and CJK fonts for its screenshots) for the HTML report tests
# (tests/unit/outputs/test_fmt_html.py, tests/unit/test_matrix.py), and Debian's chromedriver
# (chromium-driver) for the workbench's end-to-end tests (tests/ui). Tolerant: without apt-get
# or root it says so, and those tests skip with a message.
chromium:
	@{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
	  && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "installing chromium, chromium-driver and fonts-noto-cjk for the headless-browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk) \
	    >/dev/null 2>&1 || echo "could not install chromium (no apt-get or not root): browser tests will skip"; }

# PostgreSQL for the API suite's second storage backend (tests/api start a throwaway server on
# loopback). Tolerant: without apt-get or root it says so, and the PostgreSQL half of tests/api skips.
postgresql:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing postgresql for the API storage tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) \
	    >/dev/null 2>&1 || echo "could not install postgresql (no apt-get or not root): its API tests will skip"; }

test: $(STAMP) chromium postgresql
	$(BIN)/ruff check engine hallmark api tests
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/hallmark standards lint
	$(BIN)/hallmark standards coverage --summary
	$(BIN)/python -m pytest -q

# Benchmarks (not part of `make test`). `make bench`: both below. `make bench-check SIZES=10k,100k,641k`:
# `hallmark check` on a seeded national-mix data set (bench/check_bench.py, bench/NOTES.md): end to end
# and per stage, peak RSS, the reference evaluator's ratio and verdict disagreements; sizes 1k 10k 100k 641k.
# `make bench-api`: load test of the compliance API: starts `hallmark serve` on loopback,
# prints requests/s and p50/p95/p99 for single-center checks, writes bench/results/api_load-*.json.
SIZES ?= 10k,100k
bench: bench-check bench-api

bench-check: $(STAMP)
	$(BIN)/python bench/check_bench.py --sizes $(SIZES)

bench-api: $(STAMP)
	$(BIN)/python bench/api_load.py

lint: $(STAMP)
	$(BIN)/ruff check engine hallmark api tests
	$(BIN)/ruff format --check engine hallmark api tests

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
