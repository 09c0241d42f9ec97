# Two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
REPLIES ?= 2000

.PHONY: install run serve test lint format bench db-start db-stop db-status

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
	@echo "答复库已启动：http://$(HOST):$(PORT)/ ，后台：http://$(HOST):$(PORT)/admin/"
	@echo "首次使用请先创建超级用户：$(BIN)/python manage.py createsuperuser"
	@echo "再在后台“用户”中为工作人员勾选“职员状态”并加入“录入”（导入、编辑草稿）或“审核”（发布、撤回、合并、词表）组。"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like, on this machine: DEBUG off, hashed static files, gunicorn with workers from
# the CPU count (config/gunicorn.py), the embedded database unless DATABASE_URL is set. Plain
# HTTP on loopback, so no redirect to HTTPS here (docs/deploy.md puts a proxy in front).
DATA_DIR := $(or $(ARCHIVE_DATA_DIR),var)
serve: export DEBUG ?= false
serve: export SECURE_SSL_REDIRECT ?= false
serve: export SECRET_KEY_FILE ?= $(abspath $(DATA_DIR))/secret_key
serve: export HOST := $(HOST)
serve: export PORT := $(PORT)
serve: install
	@test -n "$$SECRET_KEY" || test -s "$$SECRET_KEY_FILE" || (mkdir -p "$$(dirname "$$SECRET_KEY_FILE")" \
		&& umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > "$$SECRET_KEY_FILE")
	@test -n "$$DATABASE_URL" || $(BIN)/python manage.py db start
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "答复库（生产模式）：http://$(HOST):$(PORT)/"
	exec $(BIN)/gunicorn config.wsgi -c config/gunicorn.py

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
