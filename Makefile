# Nytte: the two commands a municipal IT person needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501
# Host names and addresses the app answers to (server.allowedHosts, DNS-rebinding
# protection): this machine's; set ALLOWED_HOSTS="nytte.kommune.dk" behind a proxy.
ALLOWED_HOSTS ?= localhost 127.0.0.1 $(shell hostname 2>/dev/null) $(shell hostname -I 2>/dev/null)

.PHONY: run migrate test lint typecheck audit browser-deps bench bench-screening \
	bench-attendance bench-council evaluate-attendance clean attack-national bench-attendance evaluate-attendance bench-screening

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, fill the demo data if the database is empty, serve on :8501
run: $(STAMP) migrate
	$(PY) -m nytte demo --scale demo --seed 1 --if-empty
	STREAMLIT_SERVER_ALLOWED_HOSTS="$(ALLOWED_HOSTS)" \
	  $(PY) -m streamlit run app.py --server.port=$(PORT) --server.address=0.0.0.0

migrate: $(STAMP)
	$(PY) -m nytte migrate

## browser-deps: Debian's Chromium for the browser tests (Playwright drives it)
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check nytte pages app.py tests scripts

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy nytte

## audit: known vulnerabilities in the pinned dependencies (pip-audit). Fails on a known
## vulnerability, and also when any package could not be checked (pip-audit itself would
## call that a pass); NYTTE_AUDIT_ALLOW_UNCHECKED=1 turns the latter into a warning.
audit: $(DEV_STAMP)
	$(PY) scripts/audit_dependencies.py requirements.txt

## test: the whole suite: lint, types, unit, data layer on SQLite and PostgreSQL, browser
# Within `make test` an advisory service that cannot be reached (this project's machines
# reach the package index only) is a loud warning, not a failure; known vulnerabilities fail.
test: export NYTTE_AUDIT_ALLOW_UNCHECKED ?= 1
test: $(DEV_STAMP) browser-deps lint typecheck audit
	$(PY) -m pytest -q

## bench: every benchmark (each prints its figures beside a naive baseline)
bench: bench-screening bench-attendance bench-council

## bench-screening: screening one task against 10.000 decisions; 1.000 tasks from the CLI
bench-screening: $(DEV_STAMP)
	$(PY) -m nytte bench-screening

## bench-attendance: a 50-person roll save and each attendance page (AppTest, warm cache)
bench-attendance: $(DEV_STAMP)
	$(PY) -m nytte attendance bench

## evaluate-attendance: the at-risk evaluation and the forecast backtest, written to docs/
evaluate-attendance: $(STAMP)
	$(PY) -m nytte attendance evaluate all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## bench-council: regional comparison raw vs summary, yearly evaluation, pages (prints figures)
bench-council: $(DEV_STAMP)
	$(PY) -m nytte council bench

## attack-national: the LP attack on a national-scale database (built once under /tmp)
NATIONAL_DB ?= /tmp/council_national.db
attack-national: $(DEV_STAMP)
	test -f $(NATIONAL_DB) || (NYTTE_DATABASE_URL=sqlite:///$(NATIONAL_DB) $(PY) -m nytte migrate \
	  && NYTTE_DATABASE_URL=sqlite:///$(NATIONAL_DB) $(PY) -m nytte demo --scale national --seed 1)
	NYTTE_NATIONAL_DB=$(NATIONAL_DB) $(PY) -m pytest -q -s tests/test_council_attack.py -k national
