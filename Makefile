# The developer loop is exactly what CI runs: `make test` (lint + the whole suite).
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint pytest eval bench clean

setup: $(STAMP)

# Install the pinned, proven dependency set (constraints.txt) into a local venv.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Set up and run the pipeline on the bundled samples (DuckDB file + Prefect's ephemeral local API).
run: setup
	$(BIN)/gonghui run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python tools/typecheck.py

pytest: setup
	$(BIN)/python -m pytest -q

test: lint pytest

# The quality gate (bench/eval.py): every corpus with a truth, floors pinned in bench/eval_baseline.json.
# CI runs it too (tests/test_eval_gate.py). Raise floors: `make eval ARGS=--update`.
eval: setup
	$(BIN)/python bench/eval.py $(ARGS)

bench: setup
	$(BIN)/python bench/bench_clean.py

clean:
	rm -rf $(VENV) reports warehouse/gonghui.duckdb .pytest_cache .mypy_cache .ruff_cache
