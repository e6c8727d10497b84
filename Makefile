# OMS: `make run` sets everything up and serves the demo; `make test` runs everything CI checks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OMS := $(BIN)/oms
STAMP := $(VENV)/.installed

.PHONY: run serve install assets migrate demo test lint test-sqlite test-postgres test-browser bench bench-small clean

run: install assets migrate demo serve

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

build/static/.built: package.json package-lock.json scripts/build-assets.mjs src/oms/web/assets/frontend.scss
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/build-assets.mjs
	touch build/static/.built

assets: build/static/.built

migrate: install
	$(OMS) migrate --no-input

demo: migrate
	OMS_DEMO_MODE=1 $(OMS) demo --if-empty --people 2000

serve:
	OMS_DEMO_MODE=1 $(OMS) demo_logins
	OMS_DEMO_MODE=1 $(OMS) runserver 127.0.0.1:8000

# ---- checks -------------------------------------------------------------------------------------
lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports
	OMS_VAR_DIR=$$(mktemp -d) $(OMS) makemigrations --check --dry-run

# Two workers: the machines here have two cores. The SQLite pass ignores OMS_TEST_DATABASE_URL.
test-sqlite: install assets
	@echo "== pytest on SQLite"
	env -u OMS_TEST_DATABASE_URL $(BIN)/pytest -q -n 2 -m "not browser"

test-postgres: install
	@if [ -n "$$OMS_TEST_DATABASE_URL" ]; then \
	  echo "== pytest on PostgreSQL ($$OMS_TEST_DATABASE_URL)"; \
	  $(BIN)/pytest -q -n 2 -m "not browser"; \
	else echo "== OMS_TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test-browser: install assets
	$(BIN)/pytest -q -m browser

# The small benchmark tier runs on its own temporary database; its figures land in var/bench-small.json.
bench-small: install
	env -u OMS_BENCH_DATABASE_URL $(OMS) bench --tier small --output var/bench-small.json

test: lint test-sqlite test-postgres test-browser bench-small

bench: install
	$(OMS) bench --tier small --output var/bench-small.json

clean:
	rm -rf $(VENV) build node_modules var
