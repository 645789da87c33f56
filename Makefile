# ogi-extract — `make help` lists the targets.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
SEED    ?= ../shared/seeds/004_6bdcad6606f9a5c6.txt

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/ogi-extract: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(BIN)/ogi-extract ## create .venv and install the package with its dev tools

run: install ## extract one document (SEED=path, default a seed report) and print its record
	$(BIN)/ogi-extract extract $(SEED)

up: install ## API + a worker + Redis locally (SQLite by default; see docs/service.md)
	$(BIN)/ogi-extract serve

test: install ## start PostgreSQL/Redis if they are down (+ Chromium for the browser test), run all tests
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest -q

lint: install ## ruff (lint + format check) and mypy (strict)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## extraction speed/memory, LLM token use and overhead (service load: bench-service)
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_tables.py
	$(BIN)/python bench/bench_calibration.py
	$(BIN)/python bench/bench_llm.py

bench-service: install ## end-to-end docs/s with 2 workers and API latency at 50 clients (loopback)
	bash scripts/ensure-services.sh
	$(BIN)/python bench/bench_service.py

bench-review: install ## the review page and queue API with 1,000 pending items (target < 300 ms)
	bash scripts/ensure-services.sh
	bash scripts/ensure-browser.sh
	$(BIN)/python bench/bench_review.py

.PHONY: help install run up test bench bench-service bench-review lint fmt
