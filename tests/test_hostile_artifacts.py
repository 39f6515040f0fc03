"""Stale or damaged training backups and damaged artifacts: a backup resumes
only the run that made it (any other is set aside, renamed, never deleted), and
every damaged artifact names itself, the notebook that makes it and the fix."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from helpers import artifacts, errors, training

# --- interrupted training ------------------------------------------------------


class Interrupt(Exception):
    """Stands for a kernel interrupt or a crash in the middle of ``fit``."""


def make_model(units: int):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(units),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  run_eagerly=True)  # no tracing: faster for 32 samples
    return model


def run_fit(work: Path, epochs: int, units: int = 2, split_id: str = "s1",
            stop_after: int | None = None):
    """The notebooks' cell in small: prepare the backup, then ``fit``.
    Returns (resume_at, message, the epochs this fit ran or None if stopped)."""
    import tensorflow as tf

    class StopAfter(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == stop_after:
                raise Interrupt

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = make_model(units)
    info = training.describe_run(model, split_id, epochs, batch_size=32)
    resume_at, message = training.prepare_backup(work / "backup", info)
    try:
        history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0,
                            shuffle=False, callbacks=[
                                training.make_backup(work / "backup"), StopAfter()])
    except Interrupt:
        return resume_at, message, None
    return resume_at, message, history.epoch


def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def cut_file(path: Path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def replace_with_file(path: Path):
    import shutil

    shutil.rmtree(path)
    path.write_text("not a backup")


STALE = [
    # id, second run's arguments, what to do to the backup in between, message
    ("fewer-epochs", {"epochs": 2}, None,
     r"made by another run \(epochs 5, now 2\)"),
    ("other-model", {"units": 3}, None, r"made by another run \(model\.parameters"),
    ("other-split", {"split_id": "s2"}, None, "split_id s1, now s2"),
    ("damaged-metadata", {}, lambda b: cut_file(b / "training_metadata.json"),
     "its training_metadata.json is damaged or missing"),
    ("damaged-weights", {}, lambda b: cut_file(b / "latest.weights.h5"),
     "its latest.weights.h5 is damaged or missing"),
    ("no-record", {}, lambda b: (b / training.RUN_INFO).unlink(),
     "it has no readable record of the run that made it"),
    ("damaged-record", {}, lambda b: cut_file(b / training.RUN_INFO),
     "it has no readable record"),
    ("not-a-folder", {}, replace_with_file, "it is not a folder"),
]


@pytest.mark.parametrize("second, damage, message", [c[1:] for c in STALE],
                         ids=[c[0] for c in STALE])
def test_a_backup_of_another_run_is_set_aside_not_resumed(tmp_path, second, damage,
                                                          message):
    """Interrupted after epoch 2 of 5, then run again otherwise: the backup is
    moved aside intact, the new run trains all its epochs from the start."""
    work = tmp_path / "work"  # (Keras puts its config in tmp_path/keras_home)
    assert run_fit(work, 5, stop_after=2) == (None, None, None)
    backup = work / "backup"
    if damage:
        damage(backup)
    before = snapshot(backup) if backup.is_dir() else backup.read_bytes()
    epochs = second.get("epochs", 5)
    resume_at, said, ran = run_fit(work, **{"epochs": 5, **second})
    assert resume_at is None and ran == list(range(epochs))
    assert said.startswith(f"Not resuming the backup in {backup}: ")
    assert re.search(message, said), said
    assert "training starts at epoch 0" in said
    # The finished run deleted its own backup; the old one is kept, renamed.
    (aside,) = work.iterdir()
    assert aside.name.startswith("backup.set-aside-") and aside.name in said
    assert (snapshot(aside) if aside.is_dir() else aside.read_bytes()) == before


def test_the_same_run_resumes_and_says_so(tmp_path):
    work = tmp_path / "work"
    run_fit(work, 5, stop_after=2)
    resume_at, said, ran = run_fit(work, 5)
    assert (resume_at, ran) == (3, [3, 4])
    assert said == "Resuming an interrupted run after epoch 3."
    assert list(work.iterdir()) == []  # the finished run removed its backup


def test_a_run_killed_before_its_first_epoch_ended_starts_quietly(tmp_path):
    """Only the record, even a damaged one: nothing to resume, nothing to keep."""
    work = tmp_path / "work"
    (work / "backup").mkdir(parents=True)
    (work / "backup" / training.RUN_INFO).write_text("{\"cut")
    assert run_fit(work, 2, units=3) == (None, None, [0, 1])
    assert list(work.iterdir()) == []


def test_describe_run_ignores_weight_values_but_not_shapes():
    a, b = make_model(2), make_model(2)
    b.layers[0].kernel.assign(np.ones((4, 2), "float32"))
    assert training.describe_run(a, "s", 3) == training.describe_run(b, "s", 3)
    a.layers[0].trainable = False
    assert training.describe_run(a, "s", 3) != training.describe_run(b, "s", 3)


# --- damaged artifacts -----------------------------------------------------------

def keras_zip_without_config(path: Path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", "{}")


def flip_a_byte_inside(path: Path):
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("model.weights.h5")
    raw[info.header_offset + 200] ^= 0xFF
    path.write_bytes(bytes(raw))


BAD_MODELS = [
    ("cut-short", cut_file, "not a complete .keras file"),
    ("text", lambda p: p.write_text("hello"), "not a complete .keras file"),
    ("empty", lambda p: p.write_bytes(b""), "not a complete .keras file"),
    ("no-config", keras_zip_without_config, "does not load as a Keras model"),
    ("bad-crc", flip_a_byte_inside, "does not load as a Keras model .BadZipFile"),
    ("a-folder", lambda p: (p.unlink(), p.mkdir()), "it is not a file"),
]


@pytest.fixture(scope="module")
def saved_model_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.keras"
    artifacts.save_model(make_model(2), path)
    return path.read_bytes()


@pytest.mark.parametrize("damage, message", [c[1:] for c in BAD_MODELS],
                         ids=[c[0] for c in BAD_MODELS])
def test_a_damaged_model_names_itself_its_notebook_and_the_fix(
        tmp_path, saved_model_bytes, damage, message):
    path = tmp_path / "model.keras"
    path.write_bytes(saved_model_bytes)
    damage(path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(errors.UnusableArtifactError) as err:
        artifacts.load_model(path, "03_feature_extraction")
    text = str(err.value)
    assert re.search(message, text), text
    assert str(path) in text and "File not found" not in text
    assert "Run the notebook 03_feature_extraction again" in text
    assert isinstance(err.value, errors.MissingArtifactError)  # as 02-06 expect
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing added


def in_the_way(tmp_path):
    (tmp_path / "artifacts").write_text("a file, not a folder")
    return tmp_path / "artifacts"


def under_a_file(tmp_path):
    (tmp_path / "notes").write_text("a file")
    return tmp_path / "notes" / "artifacts"


def read_only(tmp_path):
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    (tmp_path / "artifacts").mkdir(mode=0o500)
    return tmp_path / "artifacts"


@pytest.mark.parametrize("make", [in_the_way, under_a_file, read_only],
                         ids=["a-file", "under-a-file", "read-only"])
def test_an_artifacts_folder_that_cannot_be_used_says_so(tmp_path, monkeypatch,
                                                         make):
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setenv("TL_ARTIFACTS_DIR", str(path))
    with pytest.raises(errors.UnusableArtifactError) as err:
        artifacts.get_artifacts_dir()
    text = str(err.value)
    assert f"The artifacts folder {path} cannot be used" in text
    assert "Set TL_ARTIFACTS_DIR to a folder you can write to" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_the_notebook_shows_the_new_error_as_its_message_alone(tmp_path,
                                                              monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    from helpers import session

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    shell = InteractiveShell.instance(history_length=0)
    try:
        session.setup_notebook()
        shell.run_cell("from helpers import errors\n"
                       "raise errors.UnusableArtifactError('x.keras cannot be "
                       "used: ... Run the notebook 03 again')")
    finally:
        InteractiveShell.clear_instance()
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "UnusableArtifactError: x.keras cannot be used" in shown
    assert "Traceback" not in shown and "raise" not in shown
