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

test: $(STAMP)
	$(BIN)/ruff check engine hallmark api tests
	$(BIN)/hallmark standards lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check engine hallmark api tests
	$(BIN)/ruff format --check engine hallmark api tests

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
