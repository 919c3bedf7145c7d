# AdStudio: `make run` sets everything up and serves the portal; `make test` lints and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?= -n auto

.PHONY: run test lint format install migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(INSTALLED)

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runstack

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
