# The two commands of the README: `make run` and `make test`. Everything else is a step they use.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test install install-dev migrate load lint format messages bench clean

run: export DEBUG ?= true
# Links in emails point where this server listens (a wildcard HOST means this machine), unless set.
run: export SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: install migrate load
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

$(PY):
	@py=$$(bin/find-python) && echo "Creating $(VENV) with $$py" && "$$py" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs exactly the pinned versions (hashes checked), so two installs a month apart agree.
$(VENV)/.installed: requirements.lock | $(PY)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(PY)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: export DEBUG ?= true
migrate: install
	$(PY) manage.py migrate --no-input

# Loads the 2019 cohort, then ICE's current list (idempotent: a second run changes nothing; the
# 2026 list costs a few seconds of CPU under SQLite, the first time as again). The sample petition
# first: the import renders every new campaign's petition from it. The 2019 file before the 2026
# list: an agreement on both is "renewed" on the record.
load: export DEBUG ?= true
load: install
	$(PY) manage.py seed_content
	$(PY) manage.py import_contracts fixtures/287g_agreements_2019.csv --verbosity 1
	$(PY) manage.py import_contracts fixtures/287g_agreements_2026-05.csv --verbosity 1

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: export DEBUG ?= true
messages: install
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# PostgreSQL from DATABASE_URL (default postgres://end287g:end287g@127.0.0.1:5432/end287g, as CI
# creates it): the bench creates and drops its own database end287g_bench on that server.
bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

# Regenerates the locks from pyproject.toml (needs network); commit both files.
lock: install-dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.12 --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --group dev --python-version 3.12 --generate-hashes -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles
