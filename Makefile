# Rõ việc: developer tasks. `make run` serves a demo on http://127.0.0.1:5000, `make test` is what CI runs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
TRANSLATIONS := tracker/translations
# Browser tests, PDF fonts, PDF checks, the PostgreSQL server for the second test pass, and
# cairo for the chart inside the DOCX. npm (for the browser tests' axe-core) comes with Node.js:
# Debian's nodejs and npm are installed only when no npm command is on the machine.
APT_PACKAGES := chromium fonts-liberation2 poppler-utils postgresql libcairo2

.PHONY: install system-packages run test lint security translations clean bench load intake-check

install: system-packages $(VENV)/.installed tests/browser/node_modules/.installed
	@if find $(TRANSLATIONS) -name '*.po' 2>/dev/null | grep -q .; then \
		$(BIN)/pybabel compile -d $(TRANSLATIONS); \
	fi

# Installs only what is missing; asks apt for fresh package lists only if the install fails without them.
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done; command -v npm >/dev/null || echo nodejs npm); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	missing=$$(echo $$missing); \
	if [ "$$(id -u)" -ne 0 ]; then \
		echo "*** Missing system packages: $$missing"; \
		echo "*** Install them with: sudo apt-get install --no-install-recommends $$missing"; \
		exit 0; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y --no-install-recommends $$missing \
		|| { apt-get update && apt-get install -y --no-install-recommends $$missing; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]'
	touch $@

# axe-core for the browser tests' accessibility checks: a test-only tool, never served by the app.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) seed seeds/directive_tasks.yaml
	$(FLASK) demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --access-logfile - "tracker:create_app()"

# The whole suite on SQLite, browser tests included, then again on a throwaway PostgreSQL; in
# parallel (pytest-xdist), one process per CPU unless TEST_WORKERS says otherwise. Tests marked
# with the same xdist_group run in one process (the demo installation is built once there).
# The browser tests run once, in the SQLite pass: they check what a browser shows and does
# (layout, scripts, accessibility, each role's journey), which the database does not change;
# every route and query is exercised on PostgreSQL by the rest of the suite. Bytecode is
# written so that each worker does not compile (and assert-rewrite) every module again.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup
test: export PYTHONDONTWRITEBYTECODE :=
test: install lint
	$(BIN)/bandit -c pyproject.toml -r tracker -q
	$(PYTEST)
	scripts/with-postgres.sh $(PYTEST) -m "not browser"

# ruff, then the layer order of the README's development section (imports point down, no circle).
lint: install
	$(BIN)/ruff check .
	$(BIN)/python scripts/check_layers.py

# Static security check of the application code (skips are justified in pyproject.toml).
security: install
	$(BIN)/bandit -c pyproject.toml -r tracker -q

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.*' \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

# Leaves the virtualenv and instance/ (the local database and secret key) alone.
clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache test-results
	find tracker tests -name __pycache__ -type d -prune -exec rm -rf {} +
	find $(TRANSLATIONS) -name '*.mo' -delete 2>/dev/null || true

# Prints render times and query counts of the busiest pages on 200 units, 5,000 tasks and
# 1,000,000 occurrences (SQLite). A figure for the README, not a pass/fail test.
bench: install
	$(BIN)/python scripts/bench.py

# gunicorn under 16 simulated users for 60 s, on SQLite (WAL) then on a throwaway PostgreSQL:
# throughput, p50/p95, errors, lost updates, the /healthz baseline, worker memory. Prints
# figures for the README; fails on any server error or lost update. LOAD_ARGS="--seconds 20".
load: install
	$(BIN)/python scripts/load.py $(LOAD_ARGS)
	$(BIN)/python scripts/load.py --postgres $(LOAD_ARGS)

# The intake reader against its check documents: share of fields right per document (>= 90 %).
intake-check: install
	$(BIN)/python scripts/intake_check.py --threshold 0.9
