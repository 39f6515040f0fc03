"""scripts/reproduce.py on the notebooks lane's smoke run: what it collects, and
that running it never touches the learner's stored outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbrun
import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(script, args, env):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_reproduce_collects_what_the_smoke_run_saved(tmp_path, smoke_work):
    """`make reproduce` collects the numbers the notebooks saved: here from the
    smoke run of every notebook (the notebooks lane's one run), without running
    them again. 07 runs only on a folder of the learner's own classes
    (TL_OWN_DATA_DIR, unset here): reproduce says it skipped it."""
    data = smoke_work / "data"
    env = {**os.environ, "TL_ARTIFACTS_DIR": str(smoke_work / "artifacts"),
           "TL_DATA_DIR": str(data / "cats_and_dogs"),
           "TL_WEIGHTS": str(data / "random_mobilenet_v2_no_top.h5")}
    env.pop("TL_OWN_DATA_DIR", None)
    stored = {p.name: p.read_bytes() for p in nbrun.notebook_paths()}
    out = run("reproduce.py", ["--collect-only", "--output",
                               str(tmp_path / "r.json")], env)
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["command"] == "make reproduce"
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
    seeds = r["fast_path"]["seed_study"]  # 06's experiments, NOISE_SEEDS = 2
    assert seeds["seeds"] == [123, 124] and seeds["test_accuracy"]["n"] == 2
    assert len(seeds["validation_confusion_matrices"]) == 2
    unfrozen = r["fast_path"]["batch_norm_two_epochs"]
    assert unfrozen["frozen"]["moving_mean_drift_in_std"] == 0
    assert unfrozen["not frozen"]["moving_mean_drift_in_std"] > 0
    fixed = r["fast_path"]["label_fix"]  # 06's fix-the-labels: one file marked
    assert len(fixed["excluded"]) == 1 and all(fixed["excluded"].values())
    assert 0 <= fixed["validation"] <= 1 and 0 <= fixed["validation_left"] <= 1
    assert r["environment"]["dataset_counts"] == {
        "train/cats": 40, "train/dogs": 40, "validation/cats": 40,
        "validation/dogs": 40}
    assert "test accuracy" in out
    # the learner's stored outputs are never replaced
    assert {p.name: p.read_bytes() for p in nbrun.notebook_paths()} == stored


def test_reproduce_smoke_runs_the_notebooks_and_keeps_stored_outputs(
        tmp_path, dataset_dir, weights_file):
    """Running (not only collecting): 01 alone in the smoke configuration, its
    seconds recorded, the learner's stored outputs left as they are."""
    env = {**os.environ, "TL_DATA_DIR": str(dataset_dir),
           "TL_WEIGHTS": str(weights_file),
           "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
           "KERAS_HOME": str(tmp_path / "keras"), "MPLBACKEND": "Agg"}
    stored = {p.name: p.read_bytes() for p in nbrun.notebook_paths()}
    run("reproduce.py", ["--smoke", "--only", "01", "--output",
                         str(tmp_path / "r.json")], env)
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["command"] == "make reproduce (smoke)"
    assert set(r["notebook_seconds"]) == {"01_data"}
    assert r["split"]["train"] == 80
    assert {p.name: p.read_bytes() for p in nbrun.notebook_paths()} == stored




def test_benchmark_compares_the_smoke_runs_default_and_fast_paths(tmp_path,
                                                                  smoke_work):
    """`make benchmark` compares 03+04 (the default path) with 06 (the fast path)
    from what they saved: here the smoke run's, copied (the script checks the
    dataset into the artifacts folder). Catching up is timed by a full run only;
    tests/unit/test_catchup.py makes both stages that way."""
    import shutil

    work = shutil.copytree(smoke_work / "artifacts", tmp_path / "artifacts")
    env = {**os.environ, "TL_ARTIFACTS_DIR": str(work),
           "TL_DATA_DIR": str(smoke_work / "data" / "cats_and_dogs"),
           "TL_WEIGHTS": str(smoke_work / "data" / "random_mobilenet_v2_no_top.h5"),
           "KERAS_HOME": str(tmp_path / "keras"), "MPLBACKEND": "Agg"}
    out = run("benchmark.py", ["--collect-only", "--output",
                               str(tmp_path / "b.json")], env)
    b = json.loads((tmp_path / "b.json").read_text())
    assert b["command"] == "make benchmark --collect-only"
    for path in ("default_path", "fast_path"):
        assert {"feature_extraction_seconds", "fine_tuning_seconds", "total_seconds",
                "val_accuracy", "test_accuracy", "peak_memory_mib"} <= set(b[path])
        assert 0 <= b[path]["test_accuracy"] <= 1
    assert b["ratio_fast_over_default_seconds"] == pytest.approx(
        b["fast_path"]["total_seconds"] / b["default_path"]["total_seconds"],
        rel=0.01)
    assert b["pipeline_images_per_second"]["images"] == 80
    assert b["catch_up_03_04"] is None
    assert "fast / default training time" in out


def run_here(script, args, env, monkeypatch, capsys):
    """A script's ``main`` in this process (TensorFlow is imported once per
    worker, not once per script): its exit status 0, and what it printed."""
    import importlib

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert importlib.import_module(script).main(args) == 0
    return capsys.readouterr().out


def test_from_scratch_trains_the_network_with_random_weights_beside_03_and_04(
        tmp_path, smoke_work, monkeypatch, capsys):
    """scripts/from_scratch.py (the baseline in results/from_scratch.json): one
    epoch on the smoke run's split, every layer trained, with 03's and 04's
    curves read from what they saved, and the plot of the three."""
    from helpers import stages

    env = {"TL_ARTIFACTS_DIR": str(smoke_work / "artifacts"),
           "TL_DATA_DIR": str(smoke_work / "data" / "cats_and_dogs"),
           "TL_WEIGHTS": str(smoke_work / "data" / "random_mobilenet_v2_no_top.h5"),
           "KERAS_HOME": str(tmp_path / "keras")}
    out = run_here("from_scratch", ["--epochs", "1", "--output",
                                    str(tmp_path / "s.json")], env, monkeypatch, capsys)
    r = json.loads((tmp_path / "s.json").read_text())
    assert r["command"] == "python scripts/from_scratch.py --epochs 1"
    scratch = r["from_scratch"]
    assert len(scratch["history"]["val_accuracy"]) == len(
        scratch["history"]["seconds"]) == 1
    assert scratch["trainable_parameters"] > 2_200_000  # all of MobileNetV2 trains
    assert 0 <= scratch["test_accuracy"] <= 1
    saved = json.loads(stages.results_path(smoke_work / "artifacts", "fine_tuning")
                       .read_text())
    assert r["transfer"]["fine_tuning_val_accuracy"] == saved["history"][
        "val_accuracy"]
    assert (tmp_path / "s.png").stat().st_size > 10_000
    assert "from scratch (random weights)" in out and "then fine-tuning (04)" in out
    (tmp_path / "s.png").unlink()  # --replot draws it again from the JSON alone
    run_here("from_scratch", ["--replot", "--output", str(tmp_path / "s.json")], env,
             monkeypatch, capsys)
    assert (tmp_path / "s.png").stat().st_size > 10_000


def test_dog_lean_counts_both_errors_with_and_without_augmentation(
        tmp_path, smoke_work, monkeypatch, capsys):
    """scripts/dog_lean.py (results/dog_lean.json): the quick path once as 06
    runs it and once on two augmented copies of each image, one epoch per stage
    on the smoke run's split, beside 04's saved model."""
    env = {"TL_ARTIFACTS_DIR": str(smoke_work / "artifacts"),
           "TL_DATA_DIR": str(smoke_work / "data" / "cats_and_dogs"),
           "TL_WEIGHTS": str(smoke_work / "data" / "random_mobilenet_v2_no_top.h5"),
           "KERAS_HOME": str(tmp_path / "keras")}
    out = run_here("dog_lean", ["--passes", "2", "--epochs", "1", "1", "--output",
                                str(tmp_path / "lean.json")], env, monkeypatch, capsys)
    r = json.loads((tmp_path / "lean.json").read_text())
    assert r["command"] == "python scripts/dog_lean.py --passes 2 --epochs 1 1 " \
        f"--output {tmp_path / 'lean.json'}"
    assert [run["augmented_passes"] for run in r["runs"]] == [1, 2]
    for counted in (*r["runs"], r["fine_tuning_04"]):
        assert counted["images"] == r["validation_images"]
        assert 0 <= counted["class_0_called_1"] + counted["class_1_called_0"] <= (
            counted["images"])
    assert "quick path, seed 123, 2 augmented copies" in out
