# ---
# jupyter:
#   accelerator: GPU
#   colab:
#     gpuType: T4
#   jupytext:
#     cell_metadata_filter: tags,jupyter,cellView,active,translates,-all
#     formats: ipynb,py//py:percent
#     notebook_metadata_filter: kernelspec,jupytext,accelerator,colab
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 0. Is this machine ready?

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/00_check.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEUAAADtcwr7rgD0cgP8rQD/
# +QD5rAD/AADpcQnpcQn6rQCvXwBEchvPAAAADHRSTlMA9vYLEQKiAaRgZANdnNQoAAABNklEQVR4
# 2rWOMUsCYQBA333f2V3Q0NGgVNhxNSZ8cEEEDmdWkBAehDQ0aEHNQkNDQ9ZUm4uQS4hIQ5M0NzU1
# REjQZmG0RBCJhCQiNRTRH/CNb3g86AMSMGLO5CN77dG16x/pAYsSkFkAUnrivIJyi0UlQSPQLecg
# XjHBCFHT8Nt1gHQeEM2eFkjeAvAOwATi6+I3iwE8GyIahcNTW9jmSQsGbgQ2YsO9Gr8LrkZsPhUz
# jpPxUTIrkYOWpUQN4k3uVwoR9ARkBFCGbrXrQRUQPqwPk0oZBTpZKOFtOlP6AijcWdOyZlFlx/FY
# 2jJHkAdWSGqBWB3duySd3+3kEfOa1ML/1vdLGn6r8SfM157k4SnZABF+A8aCL4Cvn21XYO7oWEkA
# AgqQOwAKNEDGhj6m8y45fZn+8A1nS0xnxi7yOwAAAABJRU5ErkJggg==">
#   Run in Google Colab</a></td>
#   <td><a target="_blank" href=
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/00_check.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEUjKC4FBwf5+fkkKS8kKTCb
# naBZXWIAAFwMWlpRUVF7foF/goVjbSp7AAAADHRSTlP7A/6fVf/+AgYG//8NrahyAAABK0lEQVR4
# 2lXRsWoUYRTF8d93ZzJGFJxBITaBJaBYWMyCvUlhHwQbC8kj5BG2TBnfIE/gMyz24hZWAWHKFC4b
# EYybZHYtZjJJbnf/93z3no+TKkNNJggUsp3FYqeeHCJViDkYN70i63rf6x68vlnyFakqrufD2lQK
# l9u3d6Jg6xkbJ1Dss/dZVbLxAt6PSM9z9ZT25dvfj6dYL1O1IEZg1VBF5l6NYn0fzOJOU0C0OOjA
# Wm/d+a0qu/ukHRT7/XQA0/5raLNHF/x4Aq7PSZFw1Sl2UUcLDeQnKEON1THZaef0sOnvJMilrfYX
# H9qZ/BTj3axYvzrz76zPYjkLGmqDkyDVvjQdKA9kD/lzIZVibvz3m8Cnp1aQNx+7bIvLmOPNTzdh
# s3lVvzt6sMR/BplK4/Ii/50AAAAASUVORK5CYII=">
#   View on GitHub</a></td>
#   <td><a href=
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/00_check.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEVeYGlfY2ddYWdiZmsAAH//
# //8AAABjZ21eYmdVVVV+fn5eYmcZtVHgAAAADHRSTlMUh1TZAgEA/fkDA7t8Tnn/AAABFklEQVR4
# 2rWRPUsDQRRFz0w2ClHICv6ANDaBQBoNaGHCipVF1FYhoKS1FKxS2NttsRaJqLUWlkK2CHbCgqB/
# wCoImWqRuHEtZvYDsfUVA+/A3HfffaILgOXiBgAIDbKy9Pt5Xy7WbQCpebyyZ7fJAdFa7pEHcaoh
# f2n+JwgBVA7MCSBIQcHx+nDmVQd6Wyt829V2+z0fCdGamkwgVmPH119eNsQSiPJtzWjMtu4AxvtB
# MmW0riAetswU7yZa3YSP12jqNZFMG93Cw46KZ0f+9WmnLqEtqRwOlVujSMU4jbaDr+MgS71RCi/P
# 3wedBHw/AU0eD6QBC1dm9fkTDRaT6wljTCXhxAosqJbSuMIL+69jOyprn/kB4LBNPyaK8vsAAAAA
# SUVORK5CYII=">
#   Download notebook</a></td>
# </table>

# %% [markdown]
# हिंदी में: [00_check](../notebooks-hi/00_check.ipynb)
#
# Run this notebook the evening before a workshop, or before you start: it takes
# about a minute, offline. It checks what the course needs and ends with one line,
# **READY**, or the first thing to do:
#
# - the versions of Python, TensorFlow and Keras, and whether there is a GPU;
# - the dataset and the pretrained weights, found and verified where the
#   notebooks will look for them (downloaded once, as 01 and 03 would, if they
#   are not there yet, and checked as 01 checks them);
# - free disk and memory;
# - one timed training step of each kind (03's feature extraction, 04's
#   fine-tuning), and from them the minutes 03 and 04 will train on *this*
#   machine;
# - whether a Devanagari font is installed (a note only: without one, the Hindi
#   edition shows boxes).
#
# `make check` in a terminal runs the same check. On Colab, pick a GPU first
# (*Runtime > Change runtime type*): the predicted minutes are then the GPU's.

# %% [markdown]
# *On Colab*, the next cell installs this course's `helpers` at this
# notebook's version; anywhere else it does nothing.

# %% tags=["course"] jupyter={"source_hidden": true} cellView="form" active="ipynb"
# # @title Colab: install this course's helpers (elsewhere this cell does nothing)
# import sys
#
# if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
#     %pip install --quiet --no-deps git+https://github.com/tl-course/transfer-learning-course@v1.1.0

# %% [markdown]
# ## Setup

# %%
from helpers import artifacts, readiness, session

# %% [markdown]
# The check's one setting:

# %% tags=["parameters"]
REPEATS = 5  # steps of each kind per timed call (three calls, the median)

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)

# %% [markdown]
# ## The check
# Each line appears as soon as it is known; the timed steps take most of the
# minute. `helpers/readiness.py` holds the check (`check_machine`) and the
# arithmetic of the prediction (`predict_seconds`): an epoch is its training
# steps plus its validation steps, and each `fit` pays its first step's extra
# time once.

# %%
for line in readiness.check_machine(REPEATS, ARTIFACTS_DIR):
    print(line)

# %% [markdown]
# The verdict, the check's last line. If it says NOT READY, do what it says and
# run this notebook again; the lines above say more.

# %% tags=["nbval-check-output"]
verdict = line
print(verdict)

# %% [markdown]
# ## What the prediction is worth
# The prediction times single steps on random images, so it leaves out reading
# and decoding the photos, and a laptop that heats up or runs other programs at
# the same time. Plan for a little more than it says; `docs/instructor.md` shows
# how it compared with real runs on the course's test machine.
