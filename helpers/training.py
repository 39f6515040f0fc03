"""Training: resumable ``fit`` and its histories (03_feature_extraction,
04_fine_tuning).

``fit`` is always called in the notebook. These callbacks only make it survive an
interrupted run: ``make_backup`` restores the last completed epoch, and
``make_epoch_log`` (Keras' ``CSVLogger`` plus each epoch's seconds) keeps every
epoch's metrics on disk, so the history is complete even when training resumed
half-way.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path


def make_backup(backup_dir: str | os.PathLike):
    """``BackupAndRestore`` that saves each epoch and resumes from the last one.

    Re-running an interrupted ``fit`` with the same callback continues at the
    epoch after the last completed one; a finished ``fit`` deletes the backup.
    """
    import tensorflow as tf

    return tf.keras.callbacks.BackupAndRestore(
        backup_dir=str(backup_dir), delete_checkpoint=True, double_checkpoint=True
    )


def read_backup_epoch(backup_dir: str | os.PathLike) -> int | None:
    """The epoch an interrupted run will resume at, or ``None`` if none."""
    meta = Path(backup_dir) / "training_metadata.json"
    if not meta.exists():
        return None
    return int(json.loads(meta.read_text())["epoch"])


def make_epoch_log(path: str | os.PathLike, resume: bool) -> list:
    """Callbacks that append each epoch's metrics and seconds to a CSV file.

    ``CSVLogger`` writes one row per epoch and flushes it; the timer before it
    adds a ``seconds`` column. With ``resume=False`` the file starts afresh; with
    ``resume=True`` rows of the interrupted run are kept (``read_epoch_log``
    keeps the last row of an epoch that ran twice).
    """
    import tensorflow as tf

    class EpochTimer(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:  # the same dict reaches the CSVLogger next
                logs["seconds"] = round(time.perf_counter() - self._start, 3)

    path = Path(path)
    if not resume:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return [EpochTimer(), tf.keras.callbacks.CSVLogger(str(path), append=True)]


def read_epoch_log(path: str | os.PathLike) -> dict:
    """The epoch log as a history dict: ``{"epoch": [...], "loss": [...], ...}``.

    Rows are sorted by epoch; an epoch logged twice (run again after resuming)
    keeps its last row, and a row cut short by a crash is ignored.
    """
    rows = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if None in row.values() or None in row or not row.get("epoch"):
                continue  # a line cut short by a crash
            values = {}
            for key, text in row.items():
                try:
                    values[key] = float(text)
                except ValueError:
                    pass  # "NA": CSVLogger's mark for a metric not measured
            rows[int(values.pop("epoch"))] = values
    history = {"epoch": sorted(rows)}
    for key in sorted({k for values in rows.values() for k in values}):
        history[key] = [rows[e].get(key) for e in history["epoch"]]
    return history


def initial_epoch_after(history: dict) -> int:
    """The epoch to continue from after ``history`` (04_fine_tuning).

    The tutorial passed ``initial_epoch=history.epoch[-1]``, which runs the last
    epoch of feature extraction again (one epoch more); the next epoch index is
    ``len(history.epoch)``.
    """
    return len(history["epoch"])


def merge_histories(first: dict, second: dict) -> dict:
    """Concatenate two histories epoch by epoch (04_fine_tuning)."""
    keys = [k for k in first if k in second]
    return {k: list(first[k]) + list(second[k]) for k in keys}


def peak_memory_mib() -> float | None:
    """Peak resident memory of this process so far, in MiB; ``None`` where the
    operating system does not say (Windows has no ``resource`` module)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
