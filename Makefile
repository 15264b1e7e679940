# Nytte: the two commands a municipal IT person needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501
# The address the app listens on: this machine only, unless you say otherwise
# (ADDRESS=0.0.0.0 serves the network; the demo mode has no login, so only behind login).
ADDRESS ?= 127.0.0.1
# Host names and addresses the app answers to (server.allowedHosts, DNS-rebinding
# protection): this machine's; set ALLOWED_HOSTS="nytte.kommune.dk" behind a proxy.
ALLOWED_HOSTS ?= localhost 127.0.0.1 $(shell hostname 2>/dev/null) $(shell hostname -I 2>/dev/null)

.PHONY: run migrate test lint typecheck audit browser-deps proxy-deps bench bench-screening \
	bench-attendance bench-council bench-import bench-at-risk bench-load evaluate-attendance clean \
	attack-national

$(STAMP): requirements.txt
	@echo "==> Python environment in $(VENV) (first run: a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "==> Upgrading pip"
	@$(PIP) install --quiet --upgrade pip
	@echo "==> Installing the pinned requirements (requirements.txt)"
	@$(PIP) install --quiet -r requirements.txt
	@touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, fill the demo data if the database is empty, serve on
## http://localhost:8501 (PORT=… for another port, ADDRESS=… to listen elsewhere)
run: $(STAMP) migrate
	@echo "==> Demo data (only if the database is empty)"
	$(PY) -m nytte demo --scale demo --seed 1 --if-empty
	@echo "==> Nytte on http://$(if $(filter 127.0.0.1,$(ADDRESS)),localhost,$(ADDRESS)):$(PORT) (Ctrl+C stops it)"
	STREAMLIT_SERVER_ALLOWED_HOSTS="$(ALLOWED_HOSTS)" \
	  $(PY) serve.py --server.port=$(PORT) --server.address=$(ADDRESS)

migrate: $(STAMP)
	@echo "==> Database schema and reference data (migrations)"
	$(PY) -m nytte migrate

## browser-deps: Debian's Chromium for the browser tests (Playwright drives it), and
## axe-core (accessibility checks) pinned in tests/js/package-lock.json
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)
	@test -f tests/js/node_modules/axe-core/axe.min.js || { \
	  command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null); \
	  echo "==> axe-core for the accessibility checks (npm ci in tests/js)"; \
	  npm ci --prefix tests/js --no-audit --no-fund --silent; }

## proxy-deps: Debian's nginx for the reverse-proxy test (docs/deploy/nginx.conf). The
## package is unpacked into .cache/nginx, not installed: installing it would start a
## system nginx listening on every address.
NGINX_DIR := .cache/nginx
proxy-deps:
	@test -x /usr/sbin/nginx || test -x $(NGINX_DIR)/usr/sbin/nginx || ( \
	  mkdir -p $(NGINX_DIR) && cd $(NGINX_DIR) && \
	  (apt-get download -qq nginx 2>/dev/null || (apt-get update -qq && apt-get download -qq nginx)) && \
	  dpkg -x nginx_*.deb . && rm -f nginx_*.deb)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check nytte pages app.py serve.py tests scripts bench

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy nytte pages app.py serve.py tests bench

## audit: known vulnerabilities in the pinned dependencies (pip-audit). Fails on a known
## vulnerability, and also when any package could not be checked (pip-audit itself would
## call that a pass); NYTTE_AUDIT_ALLOW_UNCHECKED=1 turns the latter into a warning.
audit: $(DEV_STAMP)
	$(PY) scripts/audit_dependencies.py requirements.txt

## test: the whole suite: lint, types, unit, data layer on SQLite and PostgreSQL, browser;
## pytest runs in TEST_WORKERS processes (pytest-xdist), each test file whole in one of them
TEST_WORKERS ?= 2
# Within `make test` an advisory service that cannot be reached (this project's machines
# reach the package index only) is a loud warning, not a failure; known vulnerabilities fail.
test: export NYTTE_AUDIT_ALLOW_UNCHECKED ?= 1
test: $(DEV_STAMP) browser-deps proxy-deps lint typecheck audit
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

## bench: every benchmark, each in its own process (python -m bench all); each prints
## its figures beside a naive baseline
bench: $(DEV_STAMP)
	$(PY) -m bench all

## bench-<area>: one area: screening (one task against 10.000 decisions; 1.000 tasks from
## the CLI), attendance (a 50-person roll save and each page), council (regional table
## raw vs summary, yearly evaluation, pages; on the configured database), import,
## at-risk (the risk list's features: the first Python loop against the vectorised)
bench-screening bench-attendance bench-council bench-import bench-at-risk: bench-%: $(DEV_STAMP)
	$(PY) -m bench $*

## bench-load: many users at once over Streamlit's websocket (10/20/30 sessions, 1 s and
## 5 s think time; per page p50/p95/max, re-runs/s, server CPU per re-run and RSS).
## LOAD_ARGS="--db URL --processes 2 ..." for more; not part of `make bench` (minutes)
bench-load: $(DEV_STAMP)
	$(PY) -m bench load $(LOAD_ARGS)

## evaluate-attendance: the at-risk evaluation and the forecast backtest, written to docs/
evaluate-attendance: $(STAMP)
	$(PY) -m nytte attendance evaluate all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## attack-national: the LP attack on a national-scale database (built once under /tmp)
NATIONAL_DB ?= /tmp/council_national.db
attack-national: $(DEV_STAMP)
	test -f $(NATIONAL_DB) || (NYTTE_DATABASE_URL=sqlite:///$(NATIONAL_DB) $(PY) -m nytte migrate \
	  && NYTTE_DATABASE_URL=sqlite:///$(NATIONAL_DB) $(PY) -m nytte demo --scale national --seed 1)
	NYTTE_NATIONAL_DB=$(NATIONAL_DB) $(PY) -m pytest -q -s tests/test_council_attack.py -k national
