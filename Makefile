# Rakwon: two commands. `make demo` runs the demo expo; `make test` runs the test suite.
# Needs only Python 3.11+, a C compiler and make; everything else goes into .venv.

PYTHON ?= python3
VENV ?= .venv
VAR_DIR ?= $(or $(RAKWON_VAR_DIR),var)
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2
DEMO_ARGS ?=

BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SECRET_KEY_FILE := $(VAR_DIR)/secret_key

.PHONY: demo test lint venv

demo: $(INSTALLED) $(SECRET_KEY_FILE)
	RAKWON_VAR_DIR=$(abspath $(VAR_DIR)) SECRET_KEY=$$(cat $(SECRET_KEY_FILE)) DEBUG=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost $(BIN)/python manage.py rundemo $(DEMO_ARGS)

# The browser tests run in their own pytest process: Playwright's event loop must not share a
# process with the asyncio socket tests.
test: $(INSTALLED)
ifeq ($(strip $(PYTEST_ARGS)),)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --ignore=tests/e2e
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/e2e
else
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
endif

lint: $(BIN)/ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

venv: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the dependencies (pyproject.toml) change.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

$(BIN)/ruff: | $(INSTALLED)
	$(BIN)/python -m pip install 'ruff>=0.8'

# Made once, kept private: a new key would log everybody out of the demo.
$(SECRET_KEY_FILE):
	mkdir -p $(VAR_DIR)
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@.tmp
	mv $@.tmp $@
