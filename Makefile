# Two commands for a newcomer:  make run  (set up and serve with demo data)  and  make test.
# Everything installs into .venv/ and node_modules/ inside the checkout.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup check-system reset-demo test lint format frontend clamd bench clean audit-deps scan

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Everything before serving: dependencies, front-end build, database, demo data.
setup: check-system $(VENV)/.installed static/dist/.built
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

# WeasyPrint's system libraries and the PDF reports' font: names the apt packages missing.
check-system:
	@$(PYTHON) scripts/check_system.py

# The demo data from nothing: deletes the SQLite database (SQLITE_PATH, or db.sqlite3) and the
# demo's evidence files (var/evidence; a folder of your own in EVIDENCE_ROOT is left alone),
# then migrates and seeds again. Stop `make run` first. Not for PostgreSQL (DATABASE_URL):
# drop and create that database yourself, then `make setup`.
reset-demo: $(VENV)/.installed static/dist/.built
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "make reset-demo works on the SQLite database only. With DATABASE_URL set, drop and create that database, then run make setup." >&2; \
		exit 1; \
	fi
	rm -f "$${SQLITE_PATH:-db.sqlite3}"
	@if [ -z "$$EVIDENCE_ROOT" ]; then rm -rf var/evidence; fi
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/dist/.built: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run build
	touch $@

frontend: static/dist/.built

# Ruff, then the whole suite: SQLite by default, PostgreSQL when DATABASE_URL is set.
test: $(VENV)/.installed static/dist/.built
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# A private clamd (ClamAV) with only the EICAR test signature, in the foreground, for trying
# virus scanning by hand: it prints the CLAMD_SOCKET to give `make run`. The tests start their
# own; both need `apt-get install clamav-daemon`.
clamd: $(VENV)/.installed
	$(PY) -m tests.evidence.clamd $(CLAMD_DIR)

# Known vulnerabilities: pip-audit over the virtualenv, npm audit over package-lock.json. A
# check whose service this machine cannot reach says so and does not fail; a finding fails.
audit-deps: $(VENV)/.installed node_modules/.installed
	$(PY) scripts/audit_deps.py

# wapiti against the portal served by gunicorn with production settings and demo data in a
# throwaway SQLite database, signed out and signed in as a lead (about 10 minutes). Prints the
# findings; reports in var/scan/. Needs Debian's wapiti (apt-get install wapiti).
scan: $(VENV)/.installed static/dist/.built
	$(PY) scripts/scan.py

# The benchmarks in bench/: seeds the national dataset into PostgreSQL (once), loads the busy
# pages with wrk, times uploads and PDF reports, and writes bench/results.md. Needs wrk, psql,
# Chromium and a PostgreSQL server (bench/run.py says which is missing).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
bench: $(VENV)/.installed static/dist/.built
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3
