# Two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
REPLIES ?= 2000

.PHONY: install run test lint format bench db-start db-stop db-status

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Development: DEBUG on (technical error pages, static/ served as is).
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py db start
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_samples
	@echo "答复库已启动：http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/run.py --replies $(REPLIES)

db-start: install
	$(BIN)/python manage.py db start

db-status: install
	$(BIN)/python manage.py db status

db-stop: install
	$(BIN)/python manage.py db stop
