"""scripts/: reproduce and benchmark end to end in the smoke configuration, on
generated data, and the JSON they write has the documented shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import nbrun
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def smoke_env(tmp_path, dataset_dir, weights_file):
    return {**os.environ, "TL_DATA_DIR": str(dataset_dir),
            "TL_WEIGHTS": str(weights_file),
            "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
            "KERAS_HOME": str(tmp_path / "keras"), "MPLBACKEND": "Agg",
            "TF_CPP_MIN_LOG_LEVEL": "3"}


def run(script, args, env):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_reproduce_runs_every_notebook_and_writes_its_json(tmp_path, smoke_env):
    # Every notebook but 07, which runs only on a folder of the learner's own
    # classes (TL_OWN_DATA_DIR, unset here): make reproduce says it skipped it.
    stored = {p.name: p.read_bytes() for p in nbrun.notebook_paths()}
    out = run("reproduce.py", ["--smoke", "--output", str(tmp_path / "r.json")],
              smoke_env)
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["command"] == "make reproduce (smoke)"
    assert set(r["notebook_seconds"]) == {
        p.stem for p in nbrun.notebook_paths() if p.stem != "07_your_own_data"}
    assert "07_your_own_data skipped: set TL_OWN_DATA_DIR" in out
    assert r["split"]["train"] == 80 and r["split"]["validation"] + r["split"][
        "test"] == 80
    fe, ft = r["feature_extraction"], r["fine_tuning"]
    assert len(fe["val_accuracy_per_epoch"]) == len(fe["seconds_per_epoch"]) == 1
    assert ft["epochs"] == [1]  # continues after the one smoke epoch of 03
    assert 0 <= r["test"]["accuracy"] <= 1
    assert sum(map(sum, r["test"]["confusion_matrix"])) == r["split"]["test"]
    assert set(r["export"]) == {"Keras (.keras)", "TFLite float32",
                                "TFLite dynamic-range"}
    assert {"val_accuracy", "test_accuracy", "stage_seconds"} <= set(r["fast_path"])
    assert r["environment"]["dataset_counts"] == {
        "train/cats": 40, "train/dogs": 40, "validation/cats": 40,
        "validation/dogs": 40}
    assert "test accuracy" in out
    # the learner's stored outputs are never replaced by a smoke run
    assert {p.name: p.read_bytes() for p in nbrun.notebook_paths()} == stored


def test_benchmark_compares_both_paths_and_writes_its_json(tmp_path, smoke_env):
    out = run("benchmark.py", ["--smoke", "--work", str(tmp_path / "work"),
                               "--output", str(tmp_path / "b.json")], smoke_env)
    b = json.loads((tmp_path / "b.json").read_text())
    assert b["command"] == "make benchmark (smoke)"
    for path in ("default_path", "fast_path"):
        assert {"feature_extraction_seconds", "fine_tuning_seconds", "total_seconds",
                "val_accuracy", "test_accuracy", "peak_memory_mib"} <= set(b[path])
    assert b["ratio_fast_over_default_seconds"] == pytest.approx(
        b["fast_path"]["total_seconds"] / b["default_path"]["total_seconds"],
        rel=0.01)
    assert b["pipeline_images_per_second"]["images"] == 80
    catch_up = b["catch_up_03_04"]
    assert catch_up["seconds"] > 0 and 0 <= catch_up["val_accuracy"] <= 1
    assert "trained both stages now the quick way" in catch_up["message"]
    assert "fast / default training time" in out


def test_injected_parameters_follow_the_parameters_cell():
    nb = nbformat.read(ROOT / "notebooks" / "03_feature_extraction.ipynb", 4)
    nbrun.inject_parameters(nb, {"INITIAL_EPOCHS": 2})
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    at = max(i for i, t in enumerate(tags) if "parameters" in t or "switches" in t)
    assert tags[at + 1] == [nbrun.INJECTED]
    assert nb.cells[at + 1].source.endswith("INITIAL_EPOCHS = 2")
    with pytest.raises(KeyError, match="TYPO"):
        nbrun.inject_parameters(nb, {"TYPO": 1})
    assert sum(nbrun.INJECTED in t for t in
               (c.metadata.get("tags", []) for c in nb.cells)) == 1
    nbrun.remove_injected(nb)
    assert not any(nbrun.INJECTED in c.metadata.get("tags", []) for c in nb.cells)
