# Two entry points: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   ?= demo-archive

.PHONY: demo test lint docs bench install clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

demo: install
	$(BIN)/sviedka demo $(DEMO) --replace

lint: install
	$(BIN)/ruff check src tests tools $(wildcard bench)
	$(BIN)/ruff format --check src tests tools $(wildcard bench)
	$(BIN)/mypy

docs: install
	$(BIN)/cog -r docs/cli.md docs/data-model.md

# Debian tools the tests use for real: `age` proves vault blobs decrypt without our code.
system-deps:
	@command -v age >/dev/null || { apt-get update -qq && apt-get install -y -qq age >/dev/null; }

test: lint system-deps
	$(BIN)/cog --check docs/cli.md docs/data-model.md
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/bench_writes.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
