# Doorstep: `make demo` and `make test` each do all their own set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PORT ?= 8000
PYTEST_WORKERS ?= 2
PY_STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json | cut -c1-12)

.PHONY: help setup system-packages python-packages frontend messages demo test test-sqlite test-postgres test-operations production-check postgres worker makemessages \
	bench bench-system-packages bench-database

help:
	@echo "make demo   - set up, load the demo region into SQLite, run the web server and the worker"
	@echo "make test   - set up, run the whole suite on SQLite and on PostgreSQL"
	@echo "make bench  - generate the 100,000-family region in PostgreSQL (once) and measure (docs/performance.md)"

# System packages (Debian): Chromium for browser tests, gettext to compile translations, PgBouncer for the operations
# tests (issue 17), poppler-utils' pdftotext to read the PDFs in tests (issue 18). Only as root.
system-packages:
	@need=""; command -v chromium >/dev/null || need="$$need chromium"; command -v msgfmt >/dev/null || need="$$need gettext"; \
	command -v pdftotext >/dev/null || need="$$need poppler-utils"; \
	test -x /usr/sbin/pgbouncer || need="$$need pgbouncer"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing system packages:$$need"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  else echo "Missing system packages:$$need (run 'sudo apt-get install$$need')"; exit 1; fi; fi

$(PY_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*; touch $@

python-packages: $(PY_STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -f node_modules/.installed-*; touch $@

frontend: $(NODE_STAMP)
	node frontend/build.mjs

messages: python-packages system-packages
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

setup: system-packages python-packages frontend messages

makemessages: python-packages
	@for app in doorstep/*/; do (cd $$app && mkdir -p locale && ../../$(PY) ../../manage.py makemessages -l cy --no-obsolete -v0); done

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -1) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

demo: setup
	mkdir -p var
	$(PY) manage.py migrate -v0
	$(PY) manage.py load_demo --if-empty
	@echo ""
	@echo "Doorstep is running at http://127.0.0.1:$(PORT)/  (press Ctrl+C to stop the web server and the worker)"
	@echo "E-mails are caught by the demo's own mail server: see 'Demo mailbox' in the navigation."
	@trap 'kill 0' EXIT INT TERM; \
	export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$$($(PY) -m doorstep.core.demo_mail --free-port) EMAIL_USE_TLS=0 \
	  EMAIL_HOST_USER= EMAIL_HOST_PASSWORD= DOORSTEP_DEMO_MAILBOX=var/demo-mailbox; \
	$(PY) -m doorstep.core.demo_mail --port $$EMAIL_PORT --directory var/demo-mailbox & \
	$(PY) manage.py run_worker & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

worker: python-packages
	$(PY) manage.py run_worker

# Two calendars in every run (issue 12): the SQLite pass starts each test on today's real date, the PostgreSQL pass
# on a fixed date far from it, in British Summer Time. Set either with SQLITE_CLOCK / POSTGRES_CLOCK
# ("today" or "YYYY-MM-DD HH:MM", Europe/London).
SQLITE_CLOCK ?= today
POSTGRES_CLOCK ?= 2027-07-15 14:00

test-sqlite: setup
	@echo "== SQLite pass, clock: $(SQLITE_CLOCK)"
	env -u DATABASE_URL DOORSTEP_TEST_CLOCK="$(SQLITE_CLOCK)" $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

test-postgres: setup postgres
	@echo "== PostgreSQL pass, clock: $(POSTGRES_CLOCK)"
	DATABASE_URL=$(PG_URL) DOORSTEP_TEST_CLOCK="$(POSTGRES_CLOCK)" $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q \
	  -m "not operations and not one_pass"

# Issue 17: the README's production section, run exactly as written, on a fresh PostgreSQL database, then tried over
# HTTP through gunicorn (doorstep/core/production_check.py).
PRODUCTION_CHECK_SERVER ?= postgres://postgres@127.0.0.1:5432
PRODUCTION_CHECK_DB ?= test_production_check
PRODUCTION_CHECK_PORT ?= 8097

production-check: setup postgres
	@echo "== Production check (README: Running in production)"
	psql "$(PRODUCTION_CHECK_SERVER)/postgres" -qc 'DROP DATABASE IF EXISTS "$(PRODUCTION_CHECK_DB)" WITH (FORCE)' \
	  -c 'CREATE DATABASE "$(PRODUCTION_CHECK_DB)"'
	export DOORSTEP_ENV=production SECRET_KEY="production-check-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	  DATABASE_URL="$(PRODUCTION_CHECK_SERVER)/$(PRODUCTION_CHECK_DB)" ALLOWED_HOSTS=127.0.0.1 \
	  CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$(PRODUCTION_CHECK_PORT) DOORSTEP_SITE_URL=https://127.0.0.1:$(PRODUCTION_CHECK_PORT) \
	  DOORSTEP_METRICS_TOKEN=production-check-metrics EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend; \
	$(PY) manage.py check --deploy --fail-level WARNING && \
	$(PY) manage.py migrate -v0 && \
	$(PY) manage.py collectstatic --noinput -v0 && \
	$(PY) -m doorstep.core.production_check --port $(PRODUCTION_CHECK_PORT)
	psql "$(PRODUCTION_CHECK_SERVER)/postgres" -qc 'DROP DATABASE IF EXISTS "$(PRODUCTION_CHECK_DB)" WITH (FORCE)'

# Issue 17: backup and restore, a streaming read replica and PgBouncer, each on private PostgreSQL servers that the
# tests start on free ports (doorstep/core/tests/test_operations.py); once, not in each pass.
test-operations: setup
	@echo "== Operations: backup and restore, read replica, PgBouncer"
	env -u DATABASE_URL $(PY) -m pytest -p no:xdist -q -m operations doorstep/core/tests/test_operations.py

# The operations tests and the production check run one after the other: side by side they saved about 40 s, but the
# replica scenario measures replication lag in real time, and another process's load is what made it fail in CI.
test: test-sqlite test-postgres test-operations production-check

# The benchmark (issue 9, docs/performance.md): its own PostgreSQL database, generated once, then measured.
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= doorstep_bench
BENCH_URL := $(BENCH_SERVER)/$(BENCH_DB)
BENCH_FAMILIES ?= 100000
BENCH_SEED ?= 1
BENCH_PORT ?= 8099
BENCH_ARGS ?=

# wrk (Debian) drives the HTTP load. Only as root.
bench-system-packages:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing system packages: wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "Missing system package: wrk (run 'sudo apt-get install wrk')"; exit 1; fi; }

bench-database: python-packages postgres
	@psql "$(BENCH_SERVER)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 || \
	  psql "$(BENCH_SERVER)/postgres" -qc 'CREATE DATABASE "$(BENCH_DB)"'
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py migrate -v0
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py generate_region --if-empty --families $(BENCH_FAMILIES) --seed $(BENCH_SEED) -v2

bench: bench-system-packages bench-database
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py bench --port $(BENCH_PORT) --json var/bench.json $(BENCH_ARGS)
