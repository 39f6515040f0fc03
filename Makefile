# Transfer learning and fine-tuning with TensorFlow/Keras: the course's commands.
#   make setup   create .venv and install everything (once)
#   make test    unit tests + every notebook in a smoke run (offline, ~9 min)
#   make lab     open the notebooks in JupyterLab
# Local copies for offline use: TL_DATA_DIR=... TL_WEIGHTS=... (see README).

VENV      ?= .venv
PY        ?= $(VENV)/bin/python
LAB_PORT  ?= 8888
LAB_TOKEN ?=
SMOKE_DIR ?= build/smoke

COLAB_VENV ?= .venv-colab

.PHONY: setup lab test unit smoke lint sync execute reproduce benchmark fetch mirror \
	clean badges colab-test

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

lab:
	$(PY) -m jupyterlab --no-browser --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) $(if $(LAB_TOKEN),--IdentityProvider.token=$(LAB_TOKEN)) \
	  --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root)

test: lint unit smoke

unit:
	$(PY) -m pytest -q tests

# Every notebook end to end on generated data, with the smoke parameters injected
# after its parameters cell (scripts/nbrun.py); nbval compares the tagged cells.
smoke:
	rm -rf $(SMOKE_DIR)
	$(PY) scripts/nbrun.py smoke --out $(SMOKE_DIR)
	$(PY) -m pytest -q --nbval-lax --nbval-cell-timeout=900 -p no:cacheprovider \
	  $(SMOKE_DIR)/*.ipynb

# The smoke notebooks again, on Google Colab's stock TensorFlow/Keras/numpy
# (requirements-colab.txt) in a second virtual environment.
colab-test: $(COLAB_VENV)/.installed
	$(MAKE) smoke PY=$(COLAB_VENV)/bin/python SMOKE_DIR=build/smoke-colab

$(COLAB_VENV)/.installed: requirements-colab.txt pyproject.toml
	python3 -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install --quiet -r requirements-colab.txt
	$(COLAB_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

lint:
	$(PY) -m ruff check .

sync:
	$(PY) -m jupytext --sync notebooks/*.ipynb

# After changing the repository URL or the version in pyproject.toml.
badges:
	$(PY) scripts/badges.py
	$(PY) -m jupytext --sync notebooks/*.py

execute reproduce:
	$(PY) scripts/reproduce.py

benchmark:
	$(PY) scripts/benchmark.py $(ARGS)

fetch:
	$(PY) scripts/fetch.py

mirror:
	$(PY) scripts/fetch.py --mirror mirror

clean:
	rm -rf artifacts build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
