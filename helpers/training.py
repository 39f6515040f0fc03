"""Training: resumable ``fit`` and its histories (03_feature_extraction,
04_fine_tuning).

``fit`` is always called in the notebook. These callbacks only make it survive an
interrupted run: ``make_backup`` restores the last completed epoch, and
``make_epoch_log`` (Keras' ``CSVLogger`` plus each epoch's seconds) keeps every
epoch's metrics on disk, so the history is complete even when training resumed
half-way.

A backup is resumed only by the run that made it: ``prepare_backup`` keeps a
record of the run (``describe_run``: split, model, epochs, settings) beside it,
and sets aside, renamed and never deleted, a backup of another run, one without
a record, or one that a kill left damaged.

TensorBoard (``make_tensorboard``): each run also writes its epochs' metrics
as TensorBoard logs in ``tensorboard/<name>/`` of the artifacts folder, on the
epoch axis ``fit`` numbers (fine-tuning continues where feature extraction
ended), so ``%tensorboard --logdir <artifacts>/tensorboard`` shows both stages
on one chart while they train.

What 07_your_own_data decides before ``fit``: class weights from the counts
(``compute_class_weights``). Whether the decoded images fit in memory is the
pipeline's decision (``pipeline.decide_cache``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from .artifacts import read_json, save_json
from .errors import ArtifactsInUseError

#: The record of the run a backup belongs to, written beside Keras' files.
RUN_INFO = "run_info.json"
#: The lock a training run holds in its artifacts folder (``lock_artifacts``):
#: one per run name, so 03 and 07 may train side by side into one folder.
LOCK_FILE = ".{name}.training.lock"
#: The locks this process holds: lock file -> its open file descriptor.
_HELD_LOCKS: dict = {}


def find_lock_path(folder: str | os.PathLike, name: str) -> Path:
    """The lock file of run ``name`` (``backup_<name>/``, ``<name>_log.csv``)."""
    return Path(folder) / LOCK_FILE.format(name=name)


def lock_artifacts(folder: str | os.PathLike, name: str) -> Path:
    """Hold the lock of run ``name`` in ``folder``, or stop at once naming the
    process that holds it (03, 04, 07 through ``ResumableRun``).

    Two kernels training the same run into one folder (the notebook open
    twice, two learners sharing a home) would remove each other's epoch log
    and fight over the backup. The lock is the operating system's (``flock``;
    ``msvcrt.locking`` on Windows) on ``LOCK_FILE``: every process sees it, and
    it goes when its process ends, killed or not. This process may take its own
    lock again (a cell run twice). Returns the lock file.
    """
    path = find_lock_path(folder, name)
    key = os.path.abspath(path)
    if key in _HELD_LOCKS:
        return path
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        take_file_lock(fd)
    except OSError:
        owner = read_lock_owner(fd)
        os.close(fd)
        raise ArtifactsInUseError(
            f"The artifacts folder {Path(folder)} is in use by another training "
            f"run of {name!r} ({owner}: a second kernel, the notebook open twice, "
            "or another learner): training here too would overwrite its backup "
            "and epoch log. Stop the other kernel (Kernel > Shut Down Kernel) "
            "or wait for its training to end, or set TL_ARTIFACTS_DIR to a "
            "folder of your own, then run this cell again.") from None
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n".encode())
    _HELD_LOCKS[key] = fd
    return path


def unlock_artifacts(folder: str | os.PathLike, name: str) -> None:
    """Give back run ``name``'s lock in ``folder``, if this process holds it."""
    fd = _HELD_LOCKS.pop(os.path.abspath(find_lock_path(folder, name)), None)
    if fd is not None:
        os.close(fd)  # closing the file releases the lock


def is_locked_here(folder: str | os.PathLike, name: str) -> bool:
    """Whether this process holds run ``name``'s lock in ``folder``."""
    return os.path.abspath(find_lock_path(folder, name)) in _HELD_LOCKS


def take_file_lock(fd: int) -> None:
    """Lock the open file ``fd`` without waiting; ``OSError`` if another
    process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_lock_owner(fd: int) -> str:
    """``"process <pid>"`` as the lock file says, or ``"another process"``."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid = os.read(fd, 32).decode().strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"process {pid}" if pid.isdigit() else "another process"


def make_backup(backup_dir: str | os.PathLike):
    """``BackupAndRestore`` that saves each epoch and resumes from the last one.

    Re-running an interrupted ``fit`` with the same callback continues at the
    epoch after the last completed one; a finished ``fit`` deletes the backup.
    Call ``prepare_backup`` first: Keras itself resumes any backup it finds.
    """
    import tensorflow as tf

    return tf.keras.callbacks.BackupAndRestore(
        backup_dir=str(backup_dir), delete_checkpoint=True, double_checkpoint=True
    )


def read_backup_epoch(backup_dir: str | os.PathLike) -> int | None:
    """The epoch an interrupted run will resume at, or ``None`` if none (or if
    the backup's ``training_metadata.json`` is damaged)."""
    return read_epoch(Path(backup_dir) / "training_metadata.json")


def read_epoch(path: Path) -> int | None:
    """The ``epoch`` of a ``training_metadata.json`` (or of its ``.bkp``)."""
    meta = read_json_or_none(path)
    epoch = meta.get("epoch") if isinstance(meta, dict) else None
    return epoch if type(epoch) is int else None


def read_json_or_none(path: Path):
    """The JSON in ``path``, or ``None`` if it is missing, unreadable or cut."""
    try:
        return read_json(path)
    except (OSError, ValueError):
        return None


def describe_run(model, split_id: str, epochs: int, initial_epoch: int = 0,
                 **settings) -> dict:
    """What makes a training run the same run (03_feature_extraction, 04).

    The split, the epochs, ``settings`` (batch size, seed, ...), the optimizer
    and its learning rate, and the model's shape: the number and shapes of its
    weights and which of them train (not their values, which training changes).
    """
    shapes = [[list(w.shape) for w in ws]
              for ws in (model.weights, model.trainable_weights)]
    optimizer = getattr(model, "optimizer", None)
    return {
        "split_id": split_id, "initial_epoch": int(initial_epoch),
        "epochs": int(epochs), "settings": settings,
        "optimizer": type(optimizer).__name__ if optimizer else None,
        "learning_rate": read_learning_rate(optimizer),
        "model": {"weights": len(shapes[0]), "trainable": len(shapes[1]),
                  "parameters": int(model.count_params()),
                  "shapes": hashlib.sha256(
                      json.dumps(shapes).encode()).hexdigest()[:12]},
    }


def read_learning_rate(optimizer) -> float | None:
    """The optimizer's learning rate as a number (``None``: no optimizer, or a
    schedule, which has no single rate)."""
    try:
        return round(float(optimizer.learning_rate), 10)
    except (AttributeError, TypeError, ValueError):
        return None


def prepare_backup(backup_dir: str | os.PathLike,
                   run_info: dict) -> tuple[int | None, str | None]:
    """Make ``backup_dir`` ready for ``fit`` with ``make_backup`` (03, 04).

    Returns ``(resume_at, message)``: the epoch the interrupted run resumes
    after (``None``: from the start) and what to tell the learner (``None``:
    nothing happened). A backup made by another run (``run_info`` differs), one
    without a record or a damaged one is set aside, renamed beside it; then
    ``run_info`` is recorded in ``backup_dir`` for the next time.
    """
    backup_dir = Path(backup_dir)
    info = json.loads(json.dumps(run_info, sort_keys=True, default=str))
    message = None
    if backup_dir.exists() or backup_dir.is_symlink():
        restored = restore_epoch_before(backup_dir, info)
        resume_at, problem = judge_backup(backup_dir, info)
        if problem is None and resume_at is not None:
            return resume_at, (
                f"Resuming an interrupted run after epoch {resume_at}"
                + (" (from the copy of the epoch before: the last save was cut "
                   "short)." if restored else "."))
        if problem is not None:
            aside = set_aside(backup_dir)
            message = (
                f"Not resuming the backup in {backup_dir}: {problem}. It was "
                f"moved to {aside.name} (delete it if you do not need it); "
                f"training starts at epoch {info['initial_epoch']}.")
    save_json(info, backup_dir / RUN_INFO)
    return None, message


def restore_epoch_before(backup_dir: Path, info: dict) -> bool:
    """Put Keras' copy of the epoch before (``*.bkp``, ``double_checkpoint``)
    in place of a last save that a kill cut short, when that copy is sound and
    the backup is this run's. Returns whether it did."""
    if not backup_dir.is_dir() or read_json_or_none(backup_dir / RUN_INFO) != info:
        return False
    weights = backup_dir / "latest.weights.h5"
    meta = backup_dir / "training_metadata.json"

    def sound(weights_path, meta_path):
        epoch = read_epoch(meta_path)
        return (epoch is not None and info["initial_epoch"] < epoch <= info["epochs"]
                and is_readable_hdf5(weights_path))

    bkp = (Path(f"{weights}.bkp"), Path(f"{meta}.bkp"))
    if sound(weights, meta) or not sound(*bkp):
        return False
    shutil.copyfile(bkp[0], weights)
    shutil.copyfile(bkp[1], meta)
    return True


def judge_backup(backup_dir: Path, info: dict) -> tuple[int | None, str | None]:
    """``(epoch, None)`` for a backup of this run, ``(None, None)`` when there is
    nothing to resume, ``(None, why)`` for one to set aside."""
    if not backup_dir.is_dir():
        return None, "it is not a folder"
    names = {p.name for p in backup_dir.iterdir()}
    if names <= {RUN_INFO}:
        return None, None  # interrupted before its first epoch ended
    saved = read_json_or_none(backup_dir / RUN_INFO)
    if not isinstance(saved, dict):
        return None, f"it has no readable record of the run that made it ({RUN_INFO})"
    if saved != info:
        return None, f"it was made by another run ({describe_changes(saved, info)})"
    epoch = read_backup_epoch(backup_dir)
    if epoch is None or not info["initial_epoch"] < epoch <= info["epochs"]:
        return None, ("its training_metadata.json is damaged or missing (the run "
                      "was probably killed while saving)")
    if not is_readable_hdf5(backup_dir / "latest.weights.h5"):
        return None, "its latest.weights.h5 is damaged or missing"
    return epoch, None


def describe_changes(old: dict, new: dict, prefix: str = "") -> str:
    """``"epochs 5, now 2; ..."``: what differs between two run records."""
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changes.append(describe_changes(a, b, f"{prefix}{key}."))
        elif a != b:
            changes.append(f"{prefix}{key} {a}, now {b}")
    return "; ".join(c for c in changes if c)


def is_readable_hdf5(path: Path) -> bool:
    """Whether ``path`` opens as an HDF5 file (a cut-short one does not)."""
    import h5py

    try:
        with h5py.File(path, "r"):
            return True
    except (OSError, ValueError):
        return False


def set_aside(path: Path) -> Path:
    """Rename ``path`` to a free ``<name>.set-aside-<time>`` beside it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        suffix = f"-{n}" if n else ""
        aside = path.with_name(f"{path.name}.set-aside-{stamp}{suffix}")
        if not (aside.exists() or aside.is_symlink()):
            return path.rename(aside)
    raise FileExistsError(f"no free name to set {path} aside")


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


#: Where ``ResumableRun`` writes TensorBoard logs in its folder: one run (a
#: subfolder, ``<name>``) per training stage.
TENSORBOARD_DIR = "tensorboard"


def find_tensorboard_dir(folder: str | os.PathLike, name: str | None = None) -> Path:
    """The TensorBoard logs of ``folder`` (``--logdir``), or of run ``name``."""
    logs = Path(folder) / TENSORBOARD_DIR
    return logs / name if name else logs


def make_tensorboard(log_dir: str | os.PathLike, resume: bool):
    """Keras' ``TensorBoard`` callback writing each epoch's metrics (and the
    epoch log's seconds) into ``log_dir`` (``train/``, ``validation/``), or
    ``None`` when the ``tensorboard`` package is not installed.

    Epoch metrics only, no graph, histograms or profile: writing a few scalars
    after each epoch costs milliseconds (``make benchmark ARGS='--parts
    tensorboard'``). With ``resume=False`` the run's earlier logs are removed,
    so a run made again does not draw its epochs twice.
    """
    import importlib.util

    if importlib.util.find_spec("tensorboard") is None:
        return None
    import tensorflow as tf

    log_dir = Path(log_dir)
    if not resume and log_dir.is_dir():
        shutil.rmtree(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    return tf.keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False,
                                          update_freq="epoch", profile_batch=0)


def read_tensorboard_scalars(log_dir: str | os.PathLike) -> dict:
    """The scalars of one TensorBoard run (``find_tensorboard_dir(folder,
    name)``): ``{"train": {"epoch_loss": {epoch: value, ...}, ...},
    "validation": {...}}``, read from its event files (a later event of the
    same step wins)."""
    import numpy as np
    import tensorflow as tf

    scalars: dict = {}
    for events in sorted(Path(log_dir).glob("*/events.out.tfevents.*")):
        tags = scalars.setdefault(events.parent.name, {})
        for record in tf.data.TFRecordDataset(str(events)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                number = (value.simple_value if value.HasField("simple_value")
                          else float(np.asarray(tf.make_ndarray(value.tensor))))
                tags.setdefault(value.tag, {})[int(event.step)] = number
    return scalars


class ResumableRun:
    """Everything ``fit`` needs to survive an interruption, as one object (03, 04,
    07): ``model.fit(..., callbacks=run.callbacks)``, then ``run.history()``.

    It replaces the tutorial's bare ``fit`` with three things a course needs:
    a backup after every epoch (``make_backup``; re-running the cell resumes
    after the last completed epoch, and a backup of another run is set aside,
    ``prepare_backup``), an epoch log with each epoch's seconds
    (``make_epoch_log``), so that ``history()`` holds every epoch even when
    training resumed half-way, and Keras' progress display at ``verbose``
    (1: a bar per epoch, 2: one line per epoch, 0: nothing). With
    ``backup=False`` nothing is saved during training (faster, not resumable).
    Each epoch's metrics also go to TensorBoard (``make_tensorboard``;
    ``tensorboard=False``: not).

    ``name`` names its files in ``folder``: ``backup_<name>/``,
    ``<name>_log.csv`` and ``tensorboard/<name>/``. ``message`` says what
    happened to an earlier backup (resumed, or set aside), or else what will
    run.
    """

    def __init__(self, folder: str | os.PathLike, name: str, model, split_id: str,
                 epochs: int, initial_epoch: int = 0, verbose: int = 1,
                 backup: bool = True, tensorboard: bool = True, **settings):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        lock_artifacts(folder, name)  # before anything of another run is touched
        self.backup_dir = folder / f"backup_{name}"
        self.log_path = folder / f"{name}_log.csv"
        self.epochs, self.initial_epoch = int(epochs), int(initial_epoch)
        self.resume_at, self.message = None, None
        callbacks = []
        if backup:
            info = describe_run(model, split_id, epochs=epochs,
                                initial_epoch=initial_epoch, **settings)
            self.resume_at, self.message = prepare_backup(self.backup_dir, info)
            callbacks.append(make_backup(self.backup_dir))
        self.message = self.message or (
            f"Training epochs {self.initial_epoch + 1} to {self.epochs}; "
            + (f"a backup after each epoch in {self.backup_dir.name}/."
               if backup else "no backup (not resumable)."))
        resume = self.resume_at is not None
        callbacks += make_epoch_log(self.log_path, resume=resume)
        self.tensorboard_dir = find_tensorboard_dir(folder, name)
        board = make_tensorboard(self.tensorboard_dir, resume) if tensorboard else None
        if board is not None:  # after the timer: its seconds are logged too
            callbacks.append(board)
        callbacks.append(make_progress(verbose))
        callbacks.append(make_lock_keeper(folder, name))
        self.callbacks = callbacks

    def history(self) -> dict:
        """Every epoch of this run, from the log: ``{"epoch": [...], ...}``
        (``history.history`` holds only the epochs the last ``fit`` ran)."""
        return read_epoch_log(self.log_path)

    def seconds(self) -> float:
        """Training seconds, summed over the logged epochs."""
        return round(sum(self.history().get("seconds", [])), 3)


def make_lock_keeper(folder: Path, name: str):
    """A callback that holds run ``name``'s lock while ``fit`` runs and
    gives it back when ``fit`` ends (an interrupted ``fit`` keeps it: this
    kernel resumes there)."""
    import keras

    class LockKeeper(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            lock_artifacts(folder, name)

        def on_train_end(self, logs=None):
            unlock_artifacts(folder, name)

    return LockKeeper()


def make_progress(verbose: int):
    """Keras' own ``ProgbarLogger`` at ``verbose``, whatever ``fit`` is given
    (``fit`` uses a ``ProgbarLogger`` found among its callbacks instead of adding
    one, and ``set_params`` is how it learns ``fit``'s verbosity)."""
    import keras

    class Progress(keras.callbacks.ProgbarLogger):
        def set_params(self, params):
            super().set_params({**params, "verbose": verbose})

    return Progress()


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


def compute_class_weights(labels, n_classes: int) -> dict[int, float]:
    """``{class index: n_samples / (n_classes * count)}`` for ``fit(class_weight=)``
    (07_your_own_data).

    Each class then weighs as much in the loss as if all classes had the same
    number of images: a class with half the average count gets weight 2. A
    class without any image has no weight to give: ``ValueError``.
    """
    from collections import Counter

    labels = [int(y) for y in labels]
    counts = Counter(labels)
    empty = [i for i in range(n_classes) if not counts[i]]
    if empty or set(counts) - set(range(n_classes)):
        raise ValueError(
            f"class weights need at least one image of each of the {n_classes} "
            f"classes (0 to {n_classes - 1}); found counts "
            f"{dict(sorted(counts.items()))}"
        )
    return {i: len(labels) / (n_classes * counts[i]) for i in range(n_classes)}
