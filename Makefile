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

.PHONY: help setup system-packages python-packages frontend messages demo test test-sqlite test-postgres postgres worker makemessages

help:
	@echo "make demo   - set up, load the demo region into SQLite, run the web server and the worker"
	@echo "make test   - set up, run the whole suite on SQLite and on PostgreSQL"

# System packages (Debian): Chromium for browser tests, gettext to compile translations. Only as root.
system-packages:
	@need=""; command -v chromium >/dev/null || need="$$need chromium"; command -v msgfmt >/dev/null || need="$$need gettext"; \
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
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py run_worker & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

worker: python-packages
	$(PY) manage.py run_worker

test-sqlite: setup
	env -u DATABASE_URL $(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-postgres: setup postgres
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) -q

test: test-sqlite test-postgres
