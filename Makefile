# onewindow — the two commands a new user needs:
#   make run    install, migrate, load the demo county, serve on http://127.0.0.1:8000 with the scheduler
#   make test   install dev tools, lint, check, run the whole suite on SQLite and PostgreSQL, smoke-run the benchmarks
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/onewindow
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run install install-dev debian debian-test migrate demo test lint checks test-sqlite test-postgres test-suites bench bench-smoke clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install -q --require-hashes -r requirements-dev.lock
	touch $@

debian:
	scripts/debian-packages.sh run

debian-test:
	scripts/debian-packages.sh test

install: debian $(VENV)/.installed
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(PY) manage.py collectstatic --noinput -v0

migrate: install
	ONEWINDOW_DEV_KEY_FILES=1 ONEWINDOW_CHAIN_KEY_FILE=1 $(PY) manage.py migrate --noinput -v1
	# Stored files written before files were sealed at rest: sealed in place (idempotent).
	ONEWINDOW_DEV_KEY_FILES=1 $(PY) manage.py encrypt_stored_files

demo: migrate
	ONEWINDOW_DEV_KEY_FILES=1 ONEWINDOW_CHAIN_KEY_FILE=1 $(PY) manage.py load_demo

run: demo
	# The demo has no SMS gateway: its login codes stay readable in the outbox (never in production).
	# Nor a key store: personal data is encrypted, and its history chain keyed, with key files
	# generated in var/ (production: ONEWINDOW_DATA_KEYS, ONEWINDOW_BLIND_INDEX_KEY, ONEWINDOW_CHAIN_KEY).
	ONEWINDOW_DEV_KEY_FILES=1 ONEWINDOW_CHAIN_KEY_FILE=1 ONEWINDOW_DEMO_SHOW_CODES=1 $(PY) manage.py serve --host $(HOST) --port $(PORT)

install-dev: debian-test $(VENV)/.dev-installed
	$(PY) manage.py compilemessages -v0 --ignore=.venv

lint: install-dev
	$(VENV)/bin/ruff check .

# Migrations are complete, and production settings pass Django's deployment checks.
checks: install-dev
	ONEWINDOW_VAR_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 ONEWINDOW_HTTPS=1 ALLOWED_HOSTS=zwfw.example.gov.cn ONEWINDOW_VAR_DIR=$$(mktemp -d) \
	  SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ONEWINDOW_DATA_KEYS=k1:$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
	  ONEWINDOW_BLIND_INDEX_KEY=$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
	  ONEWINDOW_CHAIN_KEY=$$($(PY) -c 'import secrets; print(secrets.token_hex(32))') \
	  $(PY) manage.py check --deploy --fail-level WARNING

test-sqlite: install-dev
	ONEWINDOW_TESTING=1 ONEWINDOW_VAR_DIR=$$(mktemp -d) $(VENV)/bin/pytest $(PYTEST_ARGS)
	@echo "== the case and supervision suites again with the compiled, batched path off (core/store.py)"
	ONEWINDOW_COMPILED_SQL=0 ONEWINDOW_TESTING=1 ONEWINDOW_VAR_DIR=$$(mktemp -d) $(VENV)/bin/pytest \
	  tests/cases tests/supervision tests/lifecycle $(PYTEST_ARGS)

# The PostgreSQL pass: skipped loudly when no server answers, except in CI where that fails.
test-postgres: install-dev
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
	  ONEWINDOW_TESTING=1 DATABASE_URL="$(PG_URL)" ONEWINDOW_VAR_DIR=$$(mktemp -d) $(VENV)/bin/pytest $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "ERROR: PostgreSQL is not reachable at $(PG_URL) and CI=true: the PostgreSQL pass is required."; exit 1; \
	else \
	  echo "######################################################################"; \
	  echo "# WARNING: PostgreSQL is not reachable at $(PG_URL)."; \
	  echo "# The PostgreSQL pass is SKIPPED. Only the SQLite pass has run."; \
	  echo "######################################################################"; \
	fi

# A quick run of every benchmark, so none of them rots; `make bench` judges the figures.
bench-smoke: install-dev
	@mkdir -p bench/results
	@for b in bench/*.py; do echo "== $$b --smoke"; $(PY) $$b --smoke || exit 1; done

# The SQLite and PostgreSQL passes run side by side (two cores, two independent databases and
# var dirs; the cache is each pass's own database), and the benchmarks' smoke runs follow the
# shorter SQLite pass on its core (their databases are their own too): each one's output is
# printed once everything is done.
test-suites: install-dev
	@mkdir -p var/test-logs
	@( $(MAKE) --no-print-directory test-sqlite > var/test-logs/sqlite.log 2>&1; echo $$? > var/test-logs/sqlite.rc; \
	   $(MAKE) --no-print-directory bench-smoke > var/test-logs/bench-smoke.log 2>&1; echo $$? > var/test-logs/bench-smoke.rc ) & \
	 ( $(MAKE) --no-print-directory test-postgres > var/test-logs/postgres.log 2>&1; echo $$? > var/test-logs/postgres.rc ) & \
	 wait; \
	 for pass in sqlite postgres bench-smoke; do echo "== the $$pass pass (exit $$(cat var/test-logs/$$pass.rc))"; \
	   cat var/test-logs/$$pass.log; done; \
	 [ "$$(cat var/test-logs/sqlite.rc)" = 0 ] && [ "$$(cat var/test-logs/postgres.rc)" = 0 ] && \
	 [ "$$(cat var/test-logs/bench-smoke.rc)" = 0 ]

test: lint checks test-suites

# Every benchmark runs and prints its figures; the ones that miss a target are listed at the end.
bench: install-dev
	@mkdir -p bench/results
	@missed=""; for b in bench/*.py; do echo "== $$b"; $(PY) $$b $(BENCH_ARGS) || missed="$$missed $$b"; done; \
	  if [ -n "$$missed" ]; then echo "targets missed by:$$missed"; exit 1; fi

clean:
	rm -rf $(VENV) var
