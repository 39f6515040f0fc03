"""Fixtures: small generated datasets and weights, and a clean environment; and
the lanes: each test is marked with the folder it lives in (static, unit,
notebooks, system), so `pytest -m "static or unit"` runs the fast lanes."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import nbrun
import pytest
import synthetic
from harness import serve_folder

from helpers import settings

#: Every course setting (``helpers.settings``), but not the tests' own.
ENV_VARS = tuple(s.name for s in settings.SETTINGS.values() if not s.for_tests)


LANES = ("static", "unit", "notebooks", "system")


def pytest_collection_modifyitems(config, items):
    for item in items:
        lane = next((p for p in item.path.parent.parts[::-1] if p in LANES), None)
        if lane is None and config.getoption("--strict-lanes", False):
            raise pytest.UsageError(
                f"{item.nodeid}: every test lives in a lane folder, one of "
                f"tests/{{{','.join(LANES)}}}/ (see tests/README.md)")
        if lane is not None:
            item.add_marker(lane)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No test sees the user's settings or writes to the real Keras cache."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))


@pytest.fixture
def server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/www: (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    with serve_folder(root) as url:
        yield root, url


@pytest.fixture
def small_dataset(tmp_path):
    """A dataset of 3 train and 2 validation images per class, to zip and serve."""
    return synthetic.make_dataset(tmp_path / "src", n_train=3, n_validation=2)


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory):
    return synthetic.make_dataset(tmp_path_factory.mktemp("ds") / "cats_and_dogs")


@pytest.fixture(scope="session")
def weights_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "random_mobilenet_v2_no_top.h5"
    return synthetic.write_weights(path)


@pytest.fixture
def base(weights_file):
    """A fresh MobileNetV2 base (random weights) per test: tests that unfreeze
    layers cannot leak into others."""
    import tensorflow as tf

    return tf.keras.applications.MobileNetV2(
        input_shape=(160, 160, 3), include_top=False, weights=str(weights_file)
    )


@pytest.fixture(scope="session")
def tiny_model(weights_file):
    """The notebooks' classifier on a random-weights base, briefly trained."""
    import numpy as np
    import tensorflow as tf

    from helpers import model_parts

    base = tf.keras.applications.MobileNetV2(
        input_shape=(160, 160, 3), include_top=False, weights=str(weights_file)
    )
    base.trainable = False
    inputs = tf.keras.Input((160, 160, 3))
    x = model_parts.make_augmentation(seed=1)(inputs)
    x = model_parts.make_rescaling()(x)
    x = base(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))
    # A head that separates the synthetic classes a little: weights not all zero.
    rng = np.random.default_rng(0)
    dense = model.layers[-1]
    dense.set_weights([rng.normal(0, 0.05, (1280, 1)).astype("float32"),
                       np.zeros(1, "float32")])
    return model


@pytest.fixture
def assets_here(monkeypatch, dataset_dir, weights_file, tmp_path):
    """The generated dataset and weights as TL_DATA_DIR and TL_WEIGHTS; returns
    a fresh folder."""
    monkeypatch.setenv("TL_DATA_DIR", str(dataset_dir))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    return tmp_path


ROOT = Path(__file__).resolve().parents[1]
SMOKE_DIR = ROOT / "build" / "smoke"


def smoke_is_current() -> bool:
    """Whether build/smoke holds a passing run of every notebook as it is now."""
    passed = nbrun.read_passed(SMOKE_DIR)
    return (SMOKE_DIR / "work" / "artifacts").is_dir() and all(
        passed.get(p.stem) == nbrun.hash_inputs(p) for p in nbrun.notebook_paths())


@pytest.fixture(scope="session")
def smoke_work() -> Path:
    """build/smoke/work: the generated data (``data/``) and what each notebook
    saved (``artifacts/``) in the smoke run, for the notebooks and system lanes
    (read, or copied; never changed). `make test` makes it first; run alone, a
    lane makes it here (`make smoke`, the notebooks not yet run), one pytest
    worker at a time."""
    SMOKE_DIR.mkdir(parents=True, exist_ok=True)
    with open(SMOKE_DIR / ".fixture.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not smoke_is_current():
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith("PYTEST_") and not k.startswith("TL_")}
            done = subprocess.run(["make", "-s", "-C", str(ROOT), "smoke",
                                   f"PY={sys.executable}"], env=env,
                                  capture_output=True, text=True, timeout=1800)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return SMOKE_DIR / "work"
