# Reform Portal: `make run` (set up and serve on the embedded default) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run setup test test-suite test-integration faults lint format worker beat bench loadtest messages clean-demo backup restore

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PIP) install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

setup: $(STAMP)
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo_data
	$(MANAGE) rebuild_analytics
	$(MANAGE) create_demo_accounts
	$(MANAGE) load_progress_demo

run: setup
	@echo "Reform Portal: http://127.0.0.1:8000  (Ctrl+C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000

test: test-suite test-integration

# The whole suite but the worker integration tests, on DATABASE_URL (SQLite when unset), as two
# sessions: every test that builds its own data, with no demo loaded, then the tests about the
# demo dataset (marked demo), for which the session loads it.
test-suite: $(STAMP)
	bash scripts/ensure_services.sh
	$(VENV)/bin/pytest -p no:cacheprovider -m "not demo and not integration" $(PYTEST_ARGS)
	$(VENV)/bin/pytest -p no:cacheprovider -m "demo and not integration" $(PYTEST_ARGS)

# Needs PostgreSQL and Redis: starts real Celery worker processes from the test fixtures.
test-integration: $(STAMP)
	bash scripts/ensure_services.sh
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reform_portal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	$(VENV)/bin/pytest -p no:cacheprovider -m "integration and not faults" tests/integration

# Fault scenarios on the real stack (gunicorn, a Celery worker with beat, PostgreSQL, Redis,
# chromium), each checked on the stored rows afterwards: a worker killed in a rebuild (default
# settings), the broker killed during an import, the cache killed while browsing, the database
# crashed during an import and during a report submission, two admins committing into one
# edition at once, the evidence folder full. Whatever a scenario stops is private, on its own
# port (scripts/faults.py: a PostgreSQL cluster on 55433 for the session; redis-server on 56380);
# the machine's PostgreSQL and Redis (DB 9 used) are never stopped. About 5 minutes.
faults: $(STAMP)
	bash scripts/ensure_services.sh
	$(PY) scripts/faults.py

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy units indices reports dashboards api briefings tabular reform_portal audit
	$(MANAGE) makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: $(STAMP)
	$(VENV)/bin/celery -A reform_portal worker -l info --concurrency=2

beat: $(STAMP)
	$(VENV)/bin/celery -A reform_portal beat -l info

bench: $(STAMP)
	bash scripts/ensure_services.sh
	$(PY) scripts/bench.py

# gunicorn, PostgreSQL, Redis and a real Celery worker under LOADTEST_USERS people (50) for
# LOADTEST_SECONDS (300) on the scratch database reform_portal_loadtest; exits 1 when a check
# fails. LOADTEST_REUSE_DB=1 keeps a database prepared by an earlier run.
loadtest: $(STAMP)
	bash scripts/ensure_services.sh
	$(PY) scripts/loadtest.py

messages: $(STAMP)
	$(MANAGE) makemessages -l en --no-obsolete
	$(MANAGE) compilemessages

clean-demo: $(STAMP)
	$(MANAGE) remove_demo_data

# The database and MEDIA_ROOT into a new timestamped folder under BACKUP_DIR (./backups).
backup: $(STAMP)
	PY=$(PY) bash scripts/backup.sh

# `make restore FROM=backups/<folder>`; CONFIRM=yes to replace a database or media that hold data.
restore: $(STAMP)
	PY=$(PY) bash scripts/restore.sh "$(FROM)"
