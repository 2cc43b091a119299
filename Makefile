# pdsa-engine: two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install run test bench mutation planted postgres-server chromium axe clean

# Bytecode is written once here, so that every `pdsa` call starts from it even where PYTHONDONTWRITEBYTECODE is set.
install: $(INSTALLED)
	@$(BIN)/python -m compileall -q pdsa_engine

# Reinstalls only when pyproject.toml changes; the project itself is installed editable.
$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: install
	$(BIN)/pdsa run

# The tests start their own PostgreSQL server from Debian's binaries; install them when they are missing.
postgres-server:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing PostgreSQL from Debian's packages"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; \
	fi

# The browser tests render pages in Debian's Chromium (never a downloaded browser); install it when it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

# The accessibility scan of the browser tests injects axe-core, from the npm registry, into each page.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

test: install postgres-server chromium axe
	$(BIN)/ruff check pdsa_engine tests bench
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install postgres-server
	$(BIN)/python -m bench

# Mutation testing of the domain, the statistics and the audit: too slow for `make test`. Results of unchanged
# functions are kept in mutants/ between runs; `make clean` forgets them.
MUTATION_EXAMPLES_SHARE ?= 0.25
mutation: install
	PDSA_EXAMPLES_SHARE=$(MUTATION_EXAMPLES_SHARE) $(BIN)/mutmut run
	$(BIN)/python -m tests.support.mutation_score

# Bugs planted by hand (tests/planted/*.patch), one at a time in a throwaway copy of the tree: the fast layers
# must catch every one.
planted: install
	$(BIN)/python -m tests.support.planted_bugs

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis test-artifacts mutants
