# csc-dash — every target creates and uses the project's own virtual environment (.venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
PUBLIC_DATA ?= data/public

.PHONY: run test lint bench load serve-replicas sample-data check-sample-data councils check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "csc-dash needs Python 3.11 or newer; found " + sys.version.split()[0])'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.run-installed $@

## make run: start the dashboard on http://localhost:$(PORT) on the bundled sample data
run: $(VENV)/.run-installed
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

## make test: every test (unit, AppTest, PostgreSQL store tests when reachable, browser journeys when Chromium is present)
test: $(VENV)/.dev-installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -n auto --ignore=tests/browser $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/python -m ruff check .

## make bench: speed and memory figures (see BENCHMARKS.md)
bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks

## make load: 40 participants at once against one app server
load: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks.load --sessions 40

## make serve-replicas N=2: N app replicas behind nginx on http://127.0.0.1:$(PROXY_PORT), one PostgreSQL (DATABASE_URL; default the local server, database csc_dash)
N ?= 2
PROXY_PORT ?= 8080
FIRST_PORT ?= 8501
serve-replicas: $(VENV)/.run-installed
	$(BIN)/python -m deploy.replicas --replicas $(N) --port $(PROXY_PORT) --first-port $(FIRST_PORT)

## make sample-data: regenerate sample_data/ (synthetic cohorts, fitted models, council table from data/public)
sample-data: $(VENV)/.run-installed
	$(BIN)/python scripts/make_sample_data.py
	$(BIN)/python scripts/build_councils.py $(PUBLIC_DATA)

## make check-sample-data: regenerate under several OpenBLAS kernels and thread counts and compare
## (data byte for byte, fitted models to 12 significant digits; see scripts/check_sample_data.py)
check-sample-data: $(VENV)/.run-installed
	$(BIN)/python scripts/check_sample_data.py --variants

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
