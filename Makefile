# Two commands do all set-up on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Runtime packages only (what `make run` needs), then the test and lint tools on top.
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
# The DfE census validator pins pandas 1.5 (numpy 1.x): its own virtual environment.
CIN_VENV := .venv-cin
CIN_PY := $(CIN_VENV)/bin/python
CIN_PACKAGES := csc-validator-be-cin==0.1.13 numpy==1.26.4
# The demo's settings: SQLite unless DATABASE_URL says otherwise, no secret needed.
DEMO := DEBUG=true DEMO_MODE=true
PORT ?= 8000
# A worker and beat need a broker; the demo's web process runs tasks itself.
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test smoke lint venv runtime cin-validator seed census annex-a worker beat clean

$(RUNTIME_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

runtime: $(RUNTIME_STAMP)
venv: $(STAMP)

# Made when missing (an import of the rules is the check), so no census test is skipped.
cin-validator:
	@$(CIN_PY) -c "import cin_validator.rules.cin2025_26" 2>/dev/null || { \
	  echo "Installing the DfE census validator into $(CIN_VENV)"; \
	  test -x $(CIN_PY) || $(PYTHON) -m venv $(CIN_VENV); \
	  $(CIN_PY) -m pip install -q $(CIN_PACKAGES) && \
	  $(CIN_PY) -c "import cin_validator.rules.cin2025_26"; }

# The demo data: migrate, then the six demo children and (once) a 300-child synthetic authority.
seed: runtime
	$(DEMO) $(PY) manage.py migrate --noinput
	$(DEMO) $(PY) manage.py seed_demo --authority 300

# The demo: SQLite, eager Celery tasks, synthetic data, on http://127.0.0.1:$(PORT)
run: seed
	$(DEMO) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests run against whatever DATABASE_URL says (SQLite by default; PostgreSQL in CI), in
# parallel: one worker per core (pytest-xdist), each with its own test database.
TEST_WORKERS ?= auto
test: venv cin-validator
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The production shape without Docker (smoke/run_smoke.py): gunicorn with DEBUG off and the
# hashed static files, a Celery worker and beat, PostgreSQL and Redis, a local SMTP server;
# sign in with a password and a TOTP code, record a referral, see the worker's alert, receive
# the digest. Drops and makes SMOKE_DATABASE_URL's database; empties SMOKE_REDIS_URL's.
SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wirral_smoke_ci
SMOKE_REDIS_URL ?= redis://127.0.0.1:6379/1
smoke: venv
	SMOKE_DATABASE_URL=$(SMOKE_DATABASE_URL) SMOKE_REDIS_URL=$(SMOKE_REDIS_URL) \
	  $(PY) smoke/run_smoke.py

# The statutory returns from the demo's data (after `make run`): the CIN census for the latest
# census year that has ended (YEAR=2027 for another), through the DfE validation gate, and
# Ofsted's Annex A as of today (AS_OF=2026-11-26 for another day).
census: runtime cin-validator
	$(DEMO) $(PY) manage.py export_cin_census $(if $(YEAR),--year $(YEAR)) --out cin_census$(if $(YEAR),_$(YEAR)).xml
annex-a: runtime
	$(DEMO) $(PY) manage.py export_annex_a $(if $(AS_OF),--as-of $(AS_OF)) --out annex_a.xlsx

# A Celery worker and beat (the schedule in wirral_cp/celery.py) for the demo's database,
# through Redis at REDIS_URL. Beat keeps its schedule file outside the tree (settings).
worker: runtime
	$(DEMO) REDIS_URL=$(REDIS_URL) $(VENV)/bin/celery -A wirral_cp worker -l INFO
beat: runtime
	$(DEMO) REDIS_URL=$(REDIS_URL) $(VENV)/bin/celery -A wirral_cp beat -l INFO

# mypy loads the settings (django-stubs): the demo's flags let them load without a secret.
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(DEMO) $(PY) -m mypy

clean:
	rm -rf $(VENV) $(CIN_VENV) staticfiles db.sqlite3
