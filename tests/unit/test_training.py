"""helpers/training.py: resumable ``fit`` and its histories. A killed run
resumes after its last completed epoch (in a subprocess killed with SIGKILL); a
backup resumes only the run that made it (any other, or a damaged one, is set
aside, renamed, never deleted); the epoch log and the epoch numbering of merged
histories."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import numpy as np
import pytest
from harness import run_fit
from synthetic import cut_file, make_small_model

from helpers import errors, training

# -- stale or damaged backups ------------------------------------------------

def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def replace_with_file(path: Path):
    import shutil

    shutil.rmtree(path)
    path.write_text("not a backup")


def cut_both(backup: Path, name: str) -> None:
    """Damage a backup file and Keras' copy of the epoch before (``.bkp``)."""
    cut_file(backup / name)
    cut_file(backup / f"{name}.bkp")


STALE = [
    # id, second run's arguments, what to do to the backup in between, message
    ("fewer-epochs", {"epochs": 2}, None,
     r"made by another run \(epochs 5, now 2\)"),
    ("other-model", {"units": 3}, None, r"made by another run \(model\.parameters"),
    ("other-split", {"split_id": "s2"}, None, "split_id s1, now s2"),
    ("damaged-metadata", {}, lambda b: cut_both(b, "training_metadata.json"),
     "its training_metadata.json is damaged or missing"),
    ("damaged-weights", {}, lambda b: cut_both(b, "latest.weights.h5"),
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
    a, b = make_small_model(2), make_small_model(2)
    b.layers[0].kernel.assign(np.ones((4, 2), "float32"))
    assert training.describe_run(a, "s", 3) == training.describe_run(b, "s", 3)
    a.layers[0].trainable = False
    assert training.describe_run(a, "s", 3) != training.describe_run(b, "s", 3)


# -- histories and the epoch log ---------------------------------------------

def test_epoch_numbering_and_histories():
    first = {"epoch": [0, 1], "loss": [0.5, 0.4], "val_accuracy": [0.8, 0.9]}
    second = {"epoch": [2, 3], "loss": [0.3, 0.2], "val_accuracy": [0.95, 0.96],
              "seconds": [1.0, 1.0]}
    assert training.initial_epoch_after(first) == 2  # the tutorial's [-1] gives 1
    merged = training.merge_histories(first, second)
    assert merged == {"epoch": [0, 1, 2, 3], "loss": [0.5, 0.4, 0.3, 0.2],
                      "val_accuracy": [0.8, 0.9, 0.95, 0.96]}
    assert training.initial_epoch_after({"epoch": []}) == 0


def test_epoch_log_keeps_the_last_row_of_an_epoch_and_skips_a_torn_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,accuracy,loss,seconds\n"
                    "0,0.5,0.9,1.0\n1,0.6,0.8,1.1\n"
                    "1,0.65,0.75,1.2\n"  # epoch 1 again, after resuming
                    "2,0.7")  # cut short by a kill
    history = training.read_epoch_log(path)
    assert history == {"epoch": [0, 1], "accuracy": [0.5, 0.65],
                       "loss": [0.9, 0.75], "seconds": [1.0, 1.2]}


# -- issue 20: two kernels training into one artifacts folder ----------------

HOLD_LOCK = """
import sys, time
sys.path.insert(0, sys.argv[2])
from helpers import errors, training
training.lock_artifacts(sys.argv[1], sys.argv[3])
print("locked", flush=True)
time.sleep(60)
"""


@contextlib.contextmanager
def other_kernel(folder: Path, name: str = "feature_extraction"):
    """Another Python process holding run ``name``'s lock in ``folder``; killed
    (SIGKILL, as a crashed kernel) when the block ends, whatever happens."""
    import subprocess
    import sys

    root = Path(training.__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder),
                             str(root), name], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


def make_run(folder: Path, name: str = "feature_extraction"):
    return training.ResumableRun(folder, name, make_small_model(2), "s1",
                                 epochs=2, verbose=0)


@pytest.mark.parametrize("name", ["feature_extraction", "fine_tuning", "own"])
def test_training_into_a_folder_another_process_uses_stops_at_once(tmp_path,
                                                                    name):
    folder = tmp_path / "artifacts"
    folder.mkdir()
    (folder / f"{name}_log.csv").write_text("epoch,loss\n0,0.5\n")  # theirs
    before = snapshot(folder)
    with other_kernel(folder, name) as proc:
        with pytest.raises(errors.ArtifactsInUseError) as err:
            make_run(folder, name)
        message = str(err.value)
        assert str(folder) in message and f"process {proc.pid}" in message
        assert "TL_ARTIFACTS_DIR" in message
        # nothing of the other run touched: its log, no backup of ours
        assert {k: v for k, v in snapshot(folder).items()
                if not k.endswith(".training.lock")} == before
    # killed: the lock goes with it, and training here can start
    run = make_run(folder, name)
    assert run.backup_dir.parent == folder


def test_one_kernel_may_run_its_cell_again(tmp_path):
    make_run(tmp_path)
    make_run(tmp_path)  # the same process: no conflict with itself
    make_run(tmp_path, "fine_tuning")


def test_a_lock_file_left_by_a_dead_process_is_no_obstacle(tmp_path):
    training.find_lock_path(tmp_path, "feature_extraction").write_text("9999999\n")
    make_run(tmp_path)


def test_other_runs_may_train_into_the_same_folder(tmp_path):
    """03 and 07 (or 08) side by side, as make smoke runs them: their files
    differ, so their locks do."""
    with other_kernel(tmp_path, "own_data_feature_extraction"):
        make_run(tmp_path, "feature_extraction")


def test_another_folder_is_not_locked(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with other_kernel(tmp_path / "a"):
        make_run(tmp_path / "b")


def test_the_lock_is_released_when_fit_ends(tmp_path):
    x = np.zeros((8, 4), "float32")
    model = make_small_model(2)
    run = training.ResumableRun(tmp_path, "fe", model, "s1", epochs=1, verbose=0)
    model.fit(x, np.zeros(8, "float32"), epochs=1, verbose=0,
              callbacks=run.callbacks)
    assert not training.is_locked_here(tmp_path, "fe")



def test_tensorboard_logs_both_stages_on_one_epoch_axis(tmp_path):
    """03 then 04 as the notebooks call them: each stage is a TensorBoard run of
    its own, and fine-tuning's epochs continue feature extraction's. A stage
    trained again from the start replaces its logs (no epoch drawn twice)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = make_small_model(2)
    for name, first, last in (("feature_extraction", 0, 2), ("fine_tuning", 2, 4),
                              ("feature_extraction", 0, 2)):
        run = training.ResumableRun(tmp_path, name, model, "s1", epochs=last,
                                    initial_epoch=first, verbose=0)
        model.fit(x, y, validation_data=(x, y), epochs=last, initial_epoch=first,
                  verbose=0, callbacks=run.callbacks)
    assert run.tensorboard_dir == training.find_tensorboard_dir(
        tmp_path, "feature_extraction")
    steps = {}
    for name in ("feature_extraction", "fine_tuning"):
        logs = training.read_tensorboard_scalars(
            training.find_tensorboard_dir(tmp_path, name))
        assert set(logs) == {"train", "validation"}
        assert set(logs["train"]["epoch_loss"]) == set(logs["validation"][
            "epoch_loss"])
        assert "epoch_seconds" in logs["train"]  # the epoch log's timer
        steps[name] = sorted(logs["train"]["epoch_loss"])
        events = list(training.find_tensorboard_dir(tmp_path, name).glob(
            "train/events.out.tfevents.*"))
        assert len(events) == 1, events  # the first feature extraction's: gone
    assert steps == {"feature_extraction": [0, 1], "fine_tuning": [2, 3]}
    history = run.history()
    logs = training.read_tensorboard_scalars(run.tensorboard_dir)
    assert [logs["train"]["epoch_loss"][e] for e in history["epoch"]] == \
        pytest.approx(history["loss"], rel=1e-5)


def test_no_tensorboard_logs_when_switched_off(tmp_path):
    run = training.ResumableRun(tmp_path, "fe", make_small_model(2), "s1",
                                epochs=1, verbose=0, tensorboard=False)
    assert not any(type(c).__name__ == "TensorBoard" for c in run.callbacks)
    assert not training.find_tensorboard_dir(tmp_path).exists()
