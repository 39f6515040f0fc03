"""Training stage: resumable training and histories (03_feature_extraction,
04_fine_tuning).

``fit`` is always called in the notebook. These callbacks only make it survive an
interrupted run: ``make_backup`` restores the last completed epoch, and
``EpochLog`` keeps every epoch's metrics and seconds on disk, so the history is
complete even when training resumed half-way.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

from .artifacts import save_json


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


def empty_history() -> dict:
    return {"epoch": [], "seconds": []}


def make_epoch_log(path: str | os.PathLike, resume: bool):
    """A callback that writes the history to ``path`` after every epoch.

    With ``resume=True`` it starts from what ``path`` already holds (epochs of an
    interrupted run); otherwise from nothing. ``callback.history`` is a dict like
    Keras' ``History.history`` plus ``"epoch"`` (indices) and ``"seconds"``.
    """
    import tensorflow as tf

    class _EpochLog(tf.keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.path = Path(path)
            self.history = empty_history()
            if resume and self.path.exists():
                self.history = json.loads(self.path.read_text())
            self._start = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = time.perf_counter() - self._start
            if epoch in self.history["epoch"]:  # an epoch re-run after resuming
                cut = self.history["epoch"].index(epoch)
                self.history = {k: v[:cut] for k, v in self.history.items()}
            self.history["epoch"].append(int(epoch))
            self.history["seconds"].append(round(seconds, 3))
            for key, value in (logs or {}).items():
                self.history.setdefault(key, []).append(float(value))
            save_json(self.history, self.path)

    return _EpochLog()


def merge_histories(first: dict, second: dict) -> dict:
    """Concatenate two histories epoch by epoch (04_fine_tuning)."""
    keys = [k for k in first if k in second]
    return {k: list(first[k]) + list(second[k]) for k in keys}


def history_from_keras(history) -> dict:
    """A Keras ``History`` as a plain dict with an ``"epoch"`` list."""
    out = {"epoch": [int(e) for e in history.epoch]}
    out.update({k: [float(x) for x in v] for k, v in history.history.items()})
    return out


def count_params(variables) -> int:
    """Total number of values in a list of variables (03, 04)."""
    return int(sum(math.prod(v.shape) for v in variables))


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far, in MiB (06_going_faster)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
