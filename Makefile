# groengezond — set-up is two commands: `make demo` and `make test`.
# Every target installs what it needs into .venv first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
BENCH_INHABITANTS ?= 1500000

.PHONY: demo test lint typecheck pytest bench install clean web e2e \
        demo-utrecht demo-utrecht-build check-shared-data web-types web-check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

WEB_SRC  := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
            web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json \
            src/groengezond/message_words.json
WEB_DIST := src/groengezond/web_dist/index.html

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_DIST): web/node_modules/.installed $(WEB_SRC)
	cd web && npm run build

## web: build the front end (npm ci, tsc, vite) into src/groengezond/web_dist/
web: $(WEB_DIST)

# The typed API contract (docs/web.md): web/openapi.json is written from the app by
# scripts/openapi.py, web/src/api-schema.d.ts generated from it by openapi-typescript.
OPENAPI_TS := web/node_modules/.bin/openapi-typescript

## web-types: regenerate web/openapi.json and web/src/api-schema.d.ts from the API's models
web-types: $(VENV)/.installed web/node_modules/.installed
	$(PY) scripts/openapi.py --out web/openapi.json
	$(OPENAPI_TS) web/openapi.json --output web/src/api-schema.d.ts

## web-check: tsc, the front end's unit tests (vitest) and a drift check of the generated types
web-check: $(VENV)/.installed web/node_modules/.installed
	cd web && ./node_modules/.bin/tsc --noEmit
	cd web && ./node_modules/.bin/vitest run
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PY) scripts/openapi.py --out "$$tmp/openapi.json" && \
	$(OPENAPI_TS) "$$tmp/openapi.json" --output "$$tmp/api-schema.d.ts" >/dev/null && \
	if diff -u web/openapi.json "$$tmp/openapi.json" && \
	   diff -u web/src/api-schema.d.ts "$$tmp/api-schema.d.ts"; then \
		echo "web-check: web/openapi.json and web/src/api-schema.d.ts match the API"; \
	else \
		echo "web-check: the API's schema and the generated front-end types differ (above): run \
	make web-types and commit web/openapi.json and web/src/api-schema.d.ts" >&2; exit 1; fi

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
/usr/bin/chromium:
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# Debian's Pango, HarfBuzz and DejaVu fonts for WeasyPrint (the PDF reports; no browser, no LaTeX).
PANGO_LIB := /usr/lib/$(shell uname -m)-linux-gnu/libpangoft2-1.0.so.0
$(PANGO_LIB):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libpango-1.0-0 \
		libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

## e2e: browser tests only
e2e: $(VENV)/.installed-test $(WEB_DIST) /usr/bin/chromium
	$(VENV)/bin/pytest -q tests/e2e

## demo: install, generate the synthetic demo region if missing, compute its baseline, serve
demo: $(VENV)/.installed $(WEB_DIST) $(PANGO_LIB)
	$(VENV)/bin/groengezond demo

# The real Gemeente Utrecht from the open data in ../shared/data (see its SOURCES.md); the
# paths are those of examples/utrecht-sources.yaml. GROENGEZOND and UTRECHT_DEPS let a test run
# the build with another interpreter without installing anything.
SHARED_DATA  ?= ../shared/data
UTRECHT_DIR  ?= data/utrecht
GROENGEZOND  ?= $(VENV)/bin/groengezond
UTRECHT_DEPS ?= $(VENV)/.installed

check-shared-data:
	@if [ ! -d "$(SHARED_DATA)" ]; then \
		echo "demo-utrecht: $(SHARED_DATA) not found: the real Utrecht data (SOURCES.md items 1-15) must lie next to the repository, as ../shared/data" >&2; \
		exit 2; fi

## demo-utrecht-build: build the real Gemeente Utrecht region into data/utrecht
demo-utrecht-build: check-shared-data $(UTRECHT_DEPS)
	$(GROENGEZOND) build --config examples/utrecht-sources.yaml --out $(UTRECHT_DIR)

## demo-utrecht: build the real Gemeente Utrecht region from ../shared/data and serve it
demo-utrecht: demo-utrecht-build $(WEB_DIST)
	$(GROENGEZOND) serve $(UTRECHT_DIR)

## test: lint (ruff), type-check the core (mypy --strict), check the front end's contract and
## unit tests (web-check) and run the whole test suite
test: lint typecheck web-check pytest

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(VENV)/bin/mypy

# The participation tests run against SQLite and a real PostgreSQL server, which
# scripts/postgres.sh installs (Debian's package) and starts on 127.0.0.1:55432.
pytest: $(VENV)/.installed-test $(WEB_DIST) /usr/bin/chromium $(PANGO_LIB)
	GG_TEST_POSTGRES_URL="$${GG_TEST_POSTGRES_URL:-$$(scripts/postgres.sh start)}" \
		$(VENV)/bin/pytest -q

## bench: run every benchmarks/bench_*.py; results go to benchmarks/results/*.json
bench: $(VENV)/.installed-bench $(WEB_DIST) /usr/bin/chromium $(PANGO_LIB)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache web/node_modules src/groengezond/web_dist
