# cryptodesk: two commands on a fresh machine.
#   make demo  - install into .venv, migrate SQLite under ./var/, load demo data, serve on :8000
#   make test  - install, then ruff, mypy, makemigrations --check, pytest on SQLite and PostgreSQL

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?= -n 2

.PHONY: install demo test lint typecheck migrations-check pytest-sqlite pytest-postgres system-deps messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/cryptodesk demo

# Debian's Chromium for the browser tests (never a browser download) and Debian's Dovecot for
# the IMAP tests (they start their own throwaway instance; the system service is not used).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will skip (or fail under CI)"; }
	@command -v dovecot >/dev/null 2>&1 || test -x /usr/sbin/dovecot || { \
	  echo "Installing Debian's dovecot-imapd for the IMAP tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null \
	   && (systemctl disable --now dovecot >/dev/null 2>&1 || service dovecot stop >/dev/null 2>&1 || true)) \
	  || echo "warning: could not install dovecot-imapd; IMAP tests will skip (or fail under CI)"; }

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy

migrations-check: install
	CRYPTODESK_VAR_DIR=$(CURDIR)/var/check $(BIN)/cryptodesk makemigrations --check --dry-run

pytest-sqlite: install system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# Runs when PostgreSQL answers; with CRYPTODESK_REQUIRE_SERVICES=1 it must answer.
pytest-postgres: install system-deps
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$$CRYPTODESK_REQUIRE_SERVICES" = "1" ]; then \
	  echo "PostgreSQL is required but not reachable at $(PG_URL)"; exit 1; \
	else echo "PostgreSQL not reachable: skipping the PostgreSQL run"; fi

test: lint typecheck migrations-check pytest-sqlite pytest-postgres

# Regenerate and compile the translation catalogs after changing UI strings.
messages: install
	cd src/cryptodesk && CRYPTODESK_VAR_DIR=$(CURDIR)/var/messages ../../$(BIN)/django-admin makemessages -l zh_Hans -l zh_Hant --no-obsolete --settings=cryptodesk.settings
	cd src/cryptodesk && CRYPTODESK_VAR_DIR=$(CURDIR)/var/messages ../../$(BIN)/django-admin compilemessages --settings=cryptodesk.settings
