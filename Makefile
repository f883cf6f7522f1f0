# Klient: `make run` starts it with demo data, `make test` runs the whole suite.
# Both create or refresh the virtual environment in .venv first.

PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS="-n 0 tests/x"` runs a part serially.
PYTEST_ARGS ?= -n auto

.PHONY: run test lint venv clean messages

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Klient needs Python 3.11 or newer"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Compiled translations (.mo) are built from the .po files, never committed.
messages: $(STAMP)
	$(BIN)/python -m klient.core.compile_messages

run: messages
	$(BIN)/klient migrate
	$(BIN)/klient demo
	$(BIN)/klient serve

test: messages
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache
	KLIENT_DATA_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var
