# Two commands do all set-up on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint venv migrate clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip >/dev/null
	$(PY) -m pip install -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# The demo: SQLite, eager Celery tasks, synthetic data, on http://127.0.0.1:8000
run: venv
	DEBUG=true DEMO_MODE=true $(PY) manage.py migrate --noinput
	DEBUG=true DEMO_MODE=true $(PY) manage.py seed_demo --authority 300
	DEBUG=true DEMO_MODE=true $(PY) manage.py runserver 127.0.0.1:8000

# Tests run against whatever DATABASE_URL says (SQLite by default; PostgreSQL in CI), in
# parallel: one worker per core (pytest-xdist), each with its own test database.
TEST_WORKERS ?= auto
test: venv
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# mypy loads the settings (django-stubs): the demo's flags let them load without a secret.
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=true DEMO_MODE=true $(PY) -m mypy

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
