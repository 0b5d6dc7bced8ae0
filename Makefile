# Two commands matter: `make run` (set up and start everything) and `make test` (set up and run every test).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
SPACY_MODEL := var/spacy/en_mediation
MODEL       := models/mediation.tar.gz
TRAIN_INPUTS := config.yml endpoints.yml $(wildcard domain/*.yml) $(shell find data -name "*.yml" 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install spacy train migrate run shell lint format test test-fast validate bench crossval node chromium clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/' | expand -t 12

$(VENV)/.installed: requirements.lock pyproject.toml
	@py=$$(scripts/find-python310.sh) || exit 1; \
	 echo "Using $$py"; \
	 [ -x $(PY) ] || $$py -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(VENV)/.installed  ## Create the Python 3.10 virtual environment from the lock file

$(SPACY_MODEL)/meta.json: $(VENV)/.installed $(wildcard bot/nlp/*.py)
	$(PY) -m bot.nlp.build_spacy $(SPACY_MODEL)
	@touch $@

spacy: $(SPACY_MODEL)/meta.json  ## Build the local spaCy pipeline (no download)

$(MODEL): $(VENV)/.installed $(SPACY_MODEL)/meta.json $(TRAIN_INPUTS)
	$(RASA) train --domain domain --fixed-model-name mediation --out models --num-threads 2
	@touch $@

train: $(MODEL)  ## Train the model, only when data, config or domain changed

migrate: install  ## Apply database migrations (DATABASE_URL, default var/data/mediation.db)
	$(VENV)/bin/mediation-admin migrate

run: install spacy train migrate node  ## Set up and start Rasa, the action server and the staff app
	$(PY) scripts/run_all.py

shell: install spacy train  ## Chat with the assistant in the terminal
	$(PY) scripts/run_all.py --shell

node: $(if $(wildcard package-lock.json),node_modules/.package-lock.json,)
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium:  ## Install Debian's Chromium for the browser tests when possible
	@scripts/ensure-chromium.sh

lint: install  ## Lint (ruff), format check (ruff format) and type check (mypy on bot/)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install  ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

validate: install  ## Check the training data and domain
	$(RASA) data validate --domain domain --fail-on-warnings

test: install spacy train node chromium  ## Set up, then run every test
	$(PY) scripts/check_nlu_overlap.py
	$(RASA) data validate --domain domain --fail-on-warnings
	$(PY) -m pytest -ra

test-fast: install  ## Unit and database tests only (no Rasa server, no browser)
	$(PY) -m pytest -ra -m "not e2e and not browser and not rasa"

bench: install spacy train  ## Latency/throughput: this bot vs a vanilla `rasa init` bot
	$(PY) scripts/bench.py

crossval: install spacy  ## Cross-validate both NLU pipelines (slow; writes var/crossval/latest.json, see docs/nlu.md)
	$(PY) scripts/crossval.py

clean:  ## Remove trained models and build outputs (keeps the virtual environment)
	rm -rf models/*.tar.gz var/spacy results .pytest_cache test-artifacts
