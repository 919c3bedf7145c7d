# AdStudio: `make run` sets everything up and serves the portal; `make test` lints and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?= -n auto
# `make run PORT=9000 SANDBOX_PORT=9001` when 8000/8001 are taken.
PORT ?= 8000
SANDBOX_PORT ?= 8001
# `make token USER=alice`; the shell's own $$USER (your login name) does not count.
TOKEN_USER := $(if $(filter command line,$(origin USER)),$(USER),demo)
DEBUG_DEFAULT := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run token test lint format install migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Written once (debug on, a generated secret key) so plain `manage.py` commands work too.
.env:
	$(PYTHON) -m adstudio.envfile $@

install: $(INSTALLED)

migrate: install | .env
	$(DEBUG_DEFAULT) $(BIN)/python manage.py migrate --noinput

run: install | .env
	$(DEBUG_DEFAULT) $(BIN)/python manage.py runstack --port $(PORT) --sandbox-port $(SANDBOX_PORT)

# A DRF API token for TOKEN_USER (the demo staff user unless USER=… is given).
token: install | .env
	@$(DEBUG_DEFAULT) $(BIN)/python manage.py migrate --noinput --verbosity 0
ifeq ($(TOKEN_USER),demo)
	@$(DEBUG_DEFAULT) $(BIN)/python manage.py ensure_demo_user
endif
	@$(DEBUG_DEFAULT) $(BIN)/python manage.py drf_create_token $(TOKEN_USER)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=adstudio.test_settings
	$(BIN)/pytest $(PYTEST_ARGS) -m "not serial"
	$(BIN)/pytest -m serial

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# --- Benchmarks (bench/, docs/benchmarks.md): minutes, against the sandbox, gunicorn and the
# PostgreSQL at 127.0.0.1:5432 (BENCH_PG_URL=… for another). Never part of `make test`, which
# only runs each script's smoke mode. `make bench BENCH_ARGS="--only 1,4"` runs some.
.PHONY: bench
bench: install
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)
