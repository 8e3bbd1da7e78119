# Two entry points: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   ?= demo-archive

.PHONY: demo test lint docs bench install clean system-deps mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python system-deps
	$(BIN)/pip install --quiet -e '.[test]'

# The demo archive, then the server on it: the tour printed first names the demo logins.
demo: install
	$(BIN)/sviedka demo $(DEMO) --replace
	@echo "Serving the demo archive at http://127.0.0.1:8000 (API: /api/v1/docs); Ctrl-C stops it."
	SVIEDKA_CUSTODIAN=demo SVIEDKA_PASSPHRASE='sviedka demo passphrase' \
	  $(BIN)/sviedka --archive $(DEMO) serve --host 127.0.0.1 --port 8000 --unlock

lint: install
	$(BIN)/ruff check src tests tools $(wildcard bench)
	$(BIN)/ruff format --check src tests tools $(wildcard bench)
	$(BIN)/mypy

docs: install
	$(BIN)/cog -r docs/cli.md docs/data-model.md

# Debian packages: `age` proves vault blobs decrypt without our code; Chromium (driven by
# Playwright, never downloaded) runs the web UI tests; DejaVu renders Cyrillic in screenshots and
# charts; libicu-dev and pkg-config build PyICU, which `rigour` (name matching) needs.
SYSTEM_PACKAGES := age chromium fonts-dejavu-core libicu-dev pkg-config
system-deps:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

# The suite runs on every core (pytest-xdist), one test file per worker at a time, so that what a
# module makes once (an archive, a server) is made once; `make test PYTEST_WORKERS=0` runs it in
# one process. The flags live here, not in pyproject's addopts: mutmut runs pytest itself.
PYTEST_WORKERS ?= auto
test: lint system-deps
	$(BIN)/cog --check docs/cli.md docs/data-model.md
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

# Mutation testing, not part of `make test` (a few minutes): mutmut mutates the policy and the
# partial dates (`[tool.mutmut]` in pyproject.toml) and runs their own fast tests against every
# mutant; at least 90 % must be killed. `mutmut results` lists the survivors,
# `mutmut show NAME` shows one.
mutation: install
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python -c 'import json; s = json.load(open("mutants/mutmut-cicd-stats.json")); \
	  score = s["killed"] / s["total"]; print("mutation score: %.1f %% (%d of %d killed)" \
	  % (100 * score, s["killed"], s["total"])); raise SystemExit(score < 0.9)'

bench: install
	$(BIN)/python bench/bench_writes.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache mutants
