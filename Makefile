# Two commands set everything up on a fresh machine (README):
#   make demo   — create .venv, install, check the bundled Shijiazhuang centers
#   make test   — install the test extras, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean install

$(BIN)/python:
	@command -v gcc >/dev/null 2>&1 || { echo "gcc is needed to build durable_rules; installing"; \
	  (apt-get update -qq && apt-get install -y -qq gcc python3-dev) >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/hallmark demo

test: $(STAMP)
	$(BIN)/ruff check engine hallmark api tests
	$(BIN)/hallmark standards lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check engine hallmark api tests
	$(BIN)/ruff format --check engine hallmark api tests

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
