# Transfer learning and fine-tuning with TensorFlow/Keras: the course's commands.
#   make setup   create .venv and install everything (once)
#   make check   is this machine ready? (offline, under a minute; the evening before)
#   make check-fast  the static and unit lanes (about a minute)
#   make test    every lane: static, unit, each notebook once, system (offline)
#   make lab     open the notebooks in JupyterLab
# Local copies for offline use: TL_DATA_DIR=... TL_WEIGHTS=... (see README).

VENV      ?= .venv
PY        ?= $(VENV)/bin/python
LAB_PORT  ?= 8888
LAB_TOKEN ?=
LAB_ROOT  ?= $(CURDIR)
SMOKE_DIR ?= build/smoke

COLAB_VENV ?= .venv-colab

.PHONY: setup check lab test check-fast lanes unit smoke lint sync execute reproduce reproduce-hi benchmark \
	benchmark-accelerator fetch mirror wheelhouse clean badges colab-test

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements-dev.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

# Versions, the dataset and weights verified, disk, memory, a Devanagari font, and
# the minutes 03 and 04 will train here, from one timed step of each kind.
check: $(VENV)/.installed
	$(PY) scripts/check.py

# The kernel: jupyter/kernels/python3, which JUPYTER_PATH puts before every other
# python3 kernel. It is ipykernel's own, but leaves what C++ libraries write to the
# process's stderr (TensorFlow's start-up log lines) in this terminal instead of
# showing it in the notebook as a red block, as Colab does (README: "Log lines").
lab:
	JUPYTER_PATH="$(CURDIR)/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))" \
	$(PY) -m jupyterlab --no-browser --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) $(if $(LAB_TOKEN),--IdentityProvider.token=$(LAB_TOKEN)) \
	  --ServerApp.root_dir=$(LAB_ROOT) $(if $(filter 0,$(shell id -u)),--allow-root)

# The lanes (tests/README.md): static and unit first (seconds), then every
# notebook once (smoke), then the notebook-lane tests that read what the smoke
# run saved, and the system tests (scripts, two learners, the browser).
test: check-fast smoke lanes

# Two pytest workers (pytest-xdist) in check-fast and lanes: most tests keep one
# core busy or wait on kernels, servers and a browser. JOBS=1: one after the other.
JOBS ?= 2
check-fast: lint
	$(PY) -m pytest -q -n $(JOBS) --durations=10 --strict-lanes -m "static or unit" tests

lanes:
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal --durations=15 --strict-lanes \
	  -m "notebooks or system" tests

# A real browser (headless Chromium) runs 01, and 05 on the catch-up path, through
# `make lab` and fails on any stderr block: tests/system/test_browser.py (needs chromium
# and requirements-browser.txt; `make test` runs it too).
.PHONY: browser-test
browser-test:
	$(PY) -m pytest -q -s tests/system/test_browser.py

unit:
	$(PY) -m pytest -q -m unit tests

# Every English notebook end to end, once, on generated data, with the smoke
# parameters injected after its parameters and switches cells (scripts/nbrun.py);
# nbval compares the tagged cells. Outside CI, a notebook whose inputs (its
# source, helpers/, the smoke settings) are those of its last passing run here is
# not run again (nbrun.py --changed-only). The Hindi notebooks have the same code
# (scripts/editions.py --check) and are not run again; `make reproduce-hi` runs them.
smoke:
	$(PY) scripts/nbrun.py smoke --out $(SMOKE_DIR) $(if $(CI),,--changed-only) $(SMOKE_FLAGS)
	$(PY) scripts/nbrun.py check --out $(SMOKE_DIR)

# The smoke notebooks again, on Google Colab's stock TensorFlow/Keras/numpy
# (requirements-colab.txt) in a second virtual environment: the lessons, what
# "Run all" runs; the exercises' solutions (the same code) ran in make smoke.
colab-test: $(COLAB_VENV)/.installed
	$(MAKE) smoke PY=$(COLAB_VENV)/bin/python SMOKE_DIR=build/smoke-colab \
	  SMOKE_FLAGS=--no-solutions
	$(COLAB_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/unit/test_compat.py

$(COLAB_VENV)/.installed: requirements-colab.txt pyproject.toml
	python3 -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install --quiet -r requirements-colab.txt
	$(COLAB_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

lint:
	$(PY) -m ruff check .
	$(PY) scripts/settings_table.py --check

# How much of each notebook is the course's own plumbing (cells tagged course);
# fails where a lesson has too much, or a plumbing call sits in a tutorial cell.
.PHONY: plumbing
plumbing:
	$(PY) scripts/plumbing.py --edition all --check

sync:
	$(PY) -m jupytext --sync notebooks/*.ipynb notebooks-hi/*.ipynb

# After changing the repository URL or the version in pyproject.toml.
# Refuses a placeholder address, or one that is not this checkout's git remote
# origin (README: "Publishing for Colab"); UNPUBLISHED=1 writes the cells anyway.
badges:
	$(PY) scripts/badges.py $(if $(UNPUBLISHED),--unpublished)

# The Hindi notebooks' code cells from the English ones; stale translations
# reported (scripts/editions.py; --adopt NN_name after translating).
.PHONY: editions
editions:
	$(PY) scripts/editions.py

execute reproduce:
	$(PY) scripts/reproduce.py

# The Hindi notebooks' stored outputs: the same code, run for real (after
# `make reproduce`, with the same settings).
reproduce-hi:
	$(PY) scripts/reproduce.py --edition hi --output results/reproduce-hi.json

benchmark:
	$(PY) scripts/benchmark.py $(ARGS)

# 04's fine-tuned model behind a small web page (Gradio; helpers/app.py) on
# http://127.0.0.1:7860, offline; ARGS="--host 0.0.0.0" for the classroom's
# network, "--stage own_data" for 07's model, "--share" for a public link.
.PHONY: demo
demo:
	$(PY) scripts/demo.py $(ARGS)

# The whole course the quick way, as a learner who catches up runs it: 01, 02,
# 03's and 04's models made by the catch-up (06's recipe), 05; its seconds and
# accuracy into results/benchmark.json (scripts/benchmark.py --quick).
.PHONY: quick
quick:
	$(PY) scripts/benchmark.py --quick $(ARGS)

# On a machine with a GPU or TPU (notebook 08's strategies, mixed precision, XLA,
# cached features): results/benchmark_accelerator.json. --smoke: a quick CPU check.
benchmark-accelerator:
	$(PY) scripts/benchmark_accelerator.py $(ARGS)

fetch:
	$(PY) scripts/fetch.py

# Learners without internet install from the mirror too (docs/offline-install.md):
# make wheelhouse, or make mirror WHEELS=1 for the dataset, weights and wheels.
WHEELS          ?=
WHEEL_PLATFORMS ?= linux-x86_64 macos-arm64 windows-x86_64
WHEEL_PYTHONS   ?= 3.11

mirror:
	$(PY) scripts/fetch.py --mirror mirror
	$(if $(filter 1 yes true,$(WHEELS)),$(MAKE) wheelhouse)

wheelhouse:
	$(PY) scripts/wheelhouse.py --out mirror/wheels --platform $(WHEEL_PLATFORMS) \
	  --python $(WHEEL_PYTHONS) $(ARGS)

clean:
	rm -rf artifacts build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
