"""Interrupted runs resume; saved artifacts are never half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import artifacts, errors, training

SCRIPT = Path(__file__).with_name("resumable_fit.py")


def fit(work, initial_epoch, epochs, kill_after=None):
    args = [sys.executable, str(SCRIPT), str(work), str(initial_epoch), str(epochs)]
    if kill_after is not None:
        args.append(str(kill_after))
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("initial_epoch, epochs, kill_after",
                         [(0, 5, 1), (3, 7, 4)], ids=["from-zero", "fine-tuning"])
def test_killed_run_resumes_after_last_completed_epoch(tmp_path, initial_epoch,
                                                       epochs, kill_after):
    reference = fit(tmp_path / "reference", initial_epoch, epochs)
    assert reference.returncode == 0, reference.stderr
    assert json.loads(reference.stdout)["ran"] == list(range(initial_epoch, epochs))

    killed = fit(tmp_path / "run", initial_epoch, epochs, kill_after)
    assert killed.returncode == -9  # SIGKILL: nothing got to clean up
    assert training.read_backup_epoch(tmp_path / "run" / "backup") == kill_after + 1

    resumed = fit(tmp_path / "run", initial_epoch, epochs)
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert out["resumed"] is True
    assert out["message"] == (
        f"Resuming an interrupted run after epoch {kill_after + 1}.")
    assert out["ran"] == list(range(kill_after + 1, epochs))  # continues, no restart
    assert training.read_backup_epoch(tmp_path / "run" / "backup") is None

    full = training.read_epoch_log(tmp_path / "run" / "log.csv")
    ref = training.read_epoch_log(tmp_path / "reference" / "log.csv")
    assert all(s > 0 for s in full["seconds"])
    assert full["epoch"] == ref["epoch"] == list(range(initial_epoch, epochs))
    np.testing.assert_allclose(full["loss"], ref["loss"], rtol=1e-5)


class Boom(RuntimeError):
    pass


def test_crash_while_saving_json_keeps_the_previous_file(tmp_path):
    path = tmp_path / "history.json"
    artifacts.save_json({"epoch": [0, 1]}, path)

    def crash(tmp):
        Path(tmp).write_text('{"epoch": [0, 1, 2')  # half written
        raise Boom

    with pytest.raises(Boom):
        artifacts.write_atomically(path, crash)
    assert json.loads(path.read_text()) == {"epoch": [0, 1]}
    assert [p.name for p in tmp_path.iterdir()] == ["history.json"]


def test_crash_while_saving_a_model_keeps_the_previous_model(tmp_path, monkeypatch):
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    path = tmp_path / "models" / "model.keras"
    artifacts.save_model(model, path)
    before = path.read_bytes()
    original = tf.keras.Model.save

    def crash_after_partial_write(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)
        Path(filepath).write_bytes(Path(filepath).read_bytes()[:100])
        raise Boom

    monkeypatch.setattr(tf.keras.Model, "save", crash_after_partial_write)
    with pytest.raises(Boom):
        artifacts.save_model(model, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["model.keras"]
    monkeypatch.undo()
    assert artifacts.load_model(path, "03").count_params() == 4


def test_missing_artifact_names_the_notebook_to_run(tmp_path):
    with pytest.raises(errors.MissingArtifactError,
                       match="Run the notebook 03_feature_extraction first"):
        artifacts.load_model(tmp_path / "model.keras", "03_feature_extraction")
    with pytest.raises(errors.MissingArtifactError, match="04_fine_tuning"):
        artifacts.load_json(tmp_path / "x.json", "04_fine_tuning")


def test_model_file_name_must_end_in_keras(tmp_path):
    with pytest.raises(ValueError, match=".keras"):
        artifacts.save_model(object(), tmp_path / "model.h5")


def test_epoch_numbering_and_histories():
    first = {"epoch": [0, 1], "loss": [0.5, 0.4], "val_accuracy": [0.8, 0.9]}
    second = {"epoch": [2, 3], "loss": [0.3, 0.2], "val_accuracy": [0.95, 0.96],
              "seconds": [1.0, 1.0]}
    assert training.initial_epoch_after(first) == 2  # the tutorial's [-1] gives 1
    merged = training.merge_histories(first, second)
    assert merged == {"epoch": [0, 1, 2, 3], "loss": [0.5, 0.4, 0.3, 0.2],
                      "val_accuracy": [0.8, 0.9, 0.95, 0.96]}
    assert training.initial_epoch_after({"epoch": []}) == 0


def test_artifacts_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_ARTIFACTS_DIR", str(tmp_path / "mine"))
    assert artifacts.get_artifacts_dir("../artifacts") == tmp_path / "mine"
    assert (tmp_path / "mine").is_dir()


def test_epoch_log_keeps_the_last_row_of_an_epoch_and_skips_a_torn_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,accuracy,loss,seconds\n"
                    "0,0.5,0.9,1.0\n1,0.6,0.8,1.1\n"
                    "1,0.65,0.75,1.2\n"  # epoch 1 again, after resuming
                    "2,0.7")  # cut short by a kill
    history = training.read_epoch_log(path)
    assert history == {"epoch": [0, 1], "accuracy": [0.5, 0.65],
                       "loss": [0.9, 0.75], "seconds": [1.0, 1.2]}
