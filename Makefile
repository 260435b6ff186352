# SIKD — two commands for a fresh machine with Python 3.11:  make run  |  make test
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format bench clean-var

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 tidak ditemukan (PYTHON=$(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel
	$(BIN)/pip install --quiet -e '.[embedded,test]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, start the embedded default (or the configured services), migrate, sync
## tenants, seed demo data on an empty embedded database, serve web + worker + scheduler.
run: install
	$(BIN)/sikd serve

## make test: install, reuse PostgreSQL/Redis on 127.0.0.1 or start embedded ones, ruff, pytest.
test: install
	bash infra/ensure-test-deps.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench [SCALE=1]: upload memory, then page times at national scale (seeds
## sikd_bench_<scale> once, then reuses it; SCALE=0.1 by default, 1 = 100,000 KS).
SCALE ?= 0.1
bench: install
	-$(BIN)/python scripts/bench_upload.py  # prints its figures; a missed target does not stop the page bench
	$(BIN)/python scripts/bench/run.py --scale $(SCALE)

clean-var:
	rm -rf var
