# Expenditure Statistics — developer entry points.
#   make run    install runtime requirements, init the database, load demo data
#               if empty, serve on http://127.0.0.1:8050
#   make test   install dev requirements, lint with ruff (findings fail it), ensure
#               PostgreSQL/Redis/Chromium, run pytest, then list the 10 slowest tests
#               (extra arguments: make test PYTEST_ARGS="-k foo"; see docs/TESTING.md)

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PYTHON := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask

PYTEST_ARGS ?=
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15

.PHONY: help venv install install-dev run test

help:
	@echo "make run     - install runtime deps, init db, load demo data, serve on 127.0.0.1:8050"
	@echo "make test    - install dev deps, ruff check, ensure services, run pytest (PYTEST_ARGS=...)"
	@echo "make install / install-dev - only (re)install requirements into $(VENV)"
	@echo "make messages - extract the messages into translations/messages.pot and update the .po files"

# The virtualenv itself; created only if missing.
$(PYTHON):
	python3 -m venv $(VENV)

venv: $(PYTHON)

# Stamp files: reinstall only when a requirements file is newer than the stamp.
$(VENV)/.installed-install: requirements.txt | $(PYTHON)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-install-dev: requirements-dev.txt requirements.txt | $(PYTHON)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed-install

install-dev: $(VENV)/.installed-install-dev

run: install
	$(FLASK) --app app db init
	$(FLASK) --app app demo load --if-empty
	$(FLASK) --app app run --host 127.0.0.1 --port 8050

# Under CI (CI set non-empty) PostgreSQL tests must fail rather than skip.
test: export TEST_DATABASE_URL := $(TEST_DATABASE_URL)
test: export REDIS_URL_TEST := $(REDIS_URL_TEST)
ifneq ($(strip $(CI)),)
test: export REQUIRE_POSTGRES := 1
endif
test: install-dev
	$(VENV)/bin/ruff check .
	bash scripts/ensure_services.sh
	$(PYTHON) -m pytest -q -p no:cacheprovider -n 2 --durations=10 $(PYTEST_ARGS)

# The catalogs (docs/TRANSLATING.md): extract the messages of the code into messages.pot and
# merge them into each language's .po, where new ones wait for their translation (the test
# tests/test_i18n.py fails until every one has it). The app reads the .po files themselves.
MESSAGE_DIRS := answers auth callbacks dashboard data_access exports i18n
# i18n's functions, and the Messages and errors data_access and the exports say their words with.
MESSAGE_KEYWORDS := -k N_ -k Message -k in_context:1c,2 -k QueryError -k ExportRefused -k Refusal
.PHONY: messages
messages:
	$(VENV)/bin/pybabel extract -F babel.cfg $(MESSAGE_KEYWORDS) --no-wrap --sort-by-file \
	  -o translations/messages.pot $(MESSAGE_DIRS)
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete
