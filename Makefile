# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test chromium lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Chromium discovery lives in one place (reconciler/connectors/chromium.py); make reuses it.
chromium: $(STAMP)
	$(PY) -m reconciler.connectors.chromium --ensure

demo: $(STAMP) chromium
	$(VENV)/bin/reconciler show --repo examples/access-repo
	$(VENV)/bin/reconciler demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: $(STAMP) chromium lint
	$(VENV)/bin/pytest

# Performance figures (benchmarks/results/latest.md); never part of `make test`'s pass or fail.
bench: $(STAMP) chromium
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
