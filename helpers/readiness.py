"""Is this machine ready for the course? (`make check`, scripts/check.py).

Small pieces the check puts together (available memory is
``pipeline.read_available_memory``'s): the versions, free disk, a
Devanagari font, one timed training step of each kind (03's feature extraction,
04's fine-tuning) and one validation step on MobileNetV2 as the notebooks build
it, and from those the minutes each training notebook will take here.

The prediction is arithmetic on the measured steps (``predict_seconds``): an
epoch is its training steps plus its validation steps, 03 also evaluates once
before training, and each ``fit`` pays its first step's extra time (tracing)
once. ``check_machine`` puts the pieces together and yields the report's
lines; nothing here prints: `make check` (scripts/check.py) and the notebook
00_check print them.
"""

from __future__ import annotations

import math
import os
import platform
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: What the course needs free on disk: the dataset (68 MB zip, 90 MB unpacked),
#: the weights (9 MB), the converted copies and the models each notebook saves.
NEEDED_DISK_BYTES = 1_000_000_000
#: Memory a 03 or 04 kernel used on the real data (about 2.5 GB resident), plus
#: JupyterLab and the browser.
NEEDED_MEMORY_BYTES = 4_000_000_000
#: Per notebook: (feature-extraction epochs, fine-tuning epochs), the notebooks'
#: defaults (INITIAL_EPOCHS, FINE_TUNE_EPOCHS).
TRAINING_EPOCHS = {"03": (10, 0), "04": (0, 10)}
#: The notebooks' defaults: 01's image size, batch size, test fraction and seed.
IMAGE_SIZE, BATCH_SIZE, TEST_FRACTION, SEED = (160, 160), 32, 0.2, 123
#: The first words of the check's last line when the machine is ready.
READY = "READY"


@dataclass(frozen=True)
class StepTimes:
    """Seconds of one step of each kind, steady, and the first step's extra."""

    feature_extraction: float
    fine_tuning: float
    validation: float
    first_step_extra: float
    batch_size: int


def measure_steps(weights, image_size=(160, 160), batch_size: int = 32,
                  fine_tune_at: int = 100, repeats: int = 5) -> StepTimes:
    """Time training steps as 03 and 04 take them, on random images.

    ``weights``: what ``MobileNetV2(weights=...)`` takes (a file, or ``None``
    for random weights: the time is the same). The model is 03's
    (``model_parts.build_classifier``), compiled as 03 compiles it; then
    unfrozen as 04 does (``fast.unfreeze_top``) and compiled again. Each kind
    is timed the way the notebooks run it, through ``fit`` (or ``evaluate``)
    on a ``tf.data`` dataset: one call of one step first (its tracing is
    ``first_step_extra``), then three calls of ``repeats`` steps each; a step
    takes the median call's seconds divided by ``repeats``.
    ``train_on_batch`` would add its own per-call cost to every step.
    """
    import numpy as np
    import tensorflow as tf

    from .fast import unfreeze_top
    from .model_parts import build_classifier, compile_for_logits

    base = tf.keras.applications.MobileNetV2(
        input_shape=(*image_size, 3), include_top=False, weights=weights)
    base.trainable = False
    model = build_classifier(base, 1)
    compile_for_logits(model, tf.keras.optimizers.Adam(1e-4))
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (batch_size, *image_size, 3)).astype("float32")
    y = rng.integers(0, 2, (batch_size, 1)).astype("float32")
    batches = tf.data.Dataset.from_tensors((x, y)).repeat()

    def per_step(run) -> tuple[float, float]:
        start = time.perf_counter()
        run(1)
        first = time.perf_counter() - start
        calls = []
        for _ in range(3):  # the median call: a passing hiccup does not count
            start = time.perf_counter()
            run(repeats)
            calls.append((time.perf_counter() - start) / repeats)
        steady = float(np.median(calls))
        return steady, max(first - steady, 0.0)

    def train(steps):
        model.fit(batches, steps_per_epoch=steps, epochs=1, verbose=0)

    def validate(steps):
        model.evaluate(batches, steps=steps, verbose=0)

    fe, extra_fe = per_step(train)
    validation, _ = per_step(validate)
    unfreeze_top(base, fine_tune_at)
    compile_for_logits(model, tf.keras.optimizers.RMSprop(1e-5))
    ft, extra_ft = per_step(train)
    return StepTimes(fe, ft, validation, max(extra_fe, extra_ft), batch_size)


def predict_seconds(steps: StepTimes, train_images: int, validation_images: int,
                    epochs: dict | None = None) -> dict[str, float]:
    """Seconds each training notebook's training will take here, by notebook.

    ``epochs``: ``{notebook: (feature-extraction epochs, fine-tuning epochs)}``
    (default ``TRAINING_EPOCHS``). 03 evaluates the validation set once before
    training; each stage's ``fit`` pays ``first_step_extra`` once.
    """
    train_steps = math.ceil(train_images / steps.batch_size)
    validation_steps = math.ceil(validation_images / steps.batch_size)
    validate = validation_steps * steps.validation
    predicted = {}
    for notebook, (fe_epochs, ft_epochs) in (epochs or TRAINING_EPOCHS).items():
        seconds = 0.0
        if fe_epochs:
            seconds += validate + steps.first_step_extra + fe_epochs * (
                train_steps * steps.feature_extraction + validate)
        if ft_epochs:
            seconds += steps.first_step_extra + ft_epochs * (
                train_steps * steps.fine_tuning + validate)
        predicted[notebook] = round(seconds, 1)
    return predicted


def measure_free_space(path: str | os.PathLike) -> int:
    """Free bytes on the disk that holds ``path`` (or its nearest parent)."""
    path = Path(path).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def find_devanagari_font() -> str | None:
    """The name of an installed font with Devanagari letters, or ``None``
    (Hindi notebooks and plots show boxes without one)."""
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if "devanagari" in font.name.lower() or "devanagari" in Path(
                font.fname).name.lower():
            return font.name
    return None


def judge_readiness(problems: list[str]) -> str:
    """The check's last line: ready, or the first thing to do."""
    if not problems:
        return f"{READY}: this machine can run the course."
    more = f" (and {len(problems) - 1} more above)" if len(problems) > 1 else ""
    return f"NOT READY: {problems[0]}{more}"


def format_gigabytes(n: int) -> str:
    return f"{n / 1e9:.1f} GB"


def check_machine(repeats: int = 5,
                  artifacts_dir: str | os.PathLike | None = None) -> Iterator[str]:
    """The readiness check, line by line, as it goes; the last line is the
    verdict (``judge_readiness``: it starts with ``READY`` or ``NOT READY``).

    Versions; the dataset and the weights, found and verified as the notebooks
    find them (``TL_DATA_DIR``, ``TL_WEIGHTS``, ``TL_MIRROR``, the Keras cache),
    the dataset checked as 01 checks it and remembered in the artifacts folder
    (01 is then quick); free disk and memory; a Devanagari font (a note only);
    one timed training step of each kind and the minutes 03 and 04 will train.
    ``artifacts_dir``: the notebook's ``ARTIFACTS_DIR`` (``TL_ARTIFACTS_DIR``
    wins, as in every notebook). Files are named, folders shown relative to the
    current folder where they are in the project (a stored output shows no
    machine's path). Offline, it takes under a minute on a 2-core
    laptop.
    """
    start = time.perf_counter()
    problems: list[str] = []

    import keras
    import tensorflow as tf

    from . import artifacts, assets, checks, pipeline, splits
    from .errors import COURSE_ERRORS

    yield (f"Python {platform.python_version()} | TensorFlow {tf.__version__} | "
           f"Keras {keras.__version__}")
    gpus = tf.config.list_physical_devices("GPU")
    yield (f"GPU: {len(gpus)} found" if gpus else "GPU: none (training runs on "
           f"the CPU, {os.cpu_count()} cores)")

    counts = None
    folder = artifacts.get_artifacts_dir(artifacts_dir)
    try:
        data_dir = assets.get_dataset_dir(progress=False)
        report = checks.check_dataset(data_dir, work_dir=folder, progress=False)
        split = splits.make_split(report, IMAGE_SIZE, TEST_FRACTION, SEED)
        counts = len(split.train), len(split.validation)
        yield (f"dataset: {data_dir.name} ({len(split.train)} training, "
               f"{len(split.validation)} validation, {len(split.test)} test images)")
    except COURSE_ERRORS as error:
        problems.append(f"the dataset: {error}")
    weights = None
    try:
        weights = assets.get_weights_path(progress=False)
        yield f"weights: {weights.name} (verified)"
    except COURSE_ERRORS as error:
        problems.append(f"the weights: {error}")

    free = measure_free_space(folder)
    yield (f"disk: {format_gigabytes(free)} free for "
           f"{artifacts.describe_path(folder)}")
    if free < NEEDED_DISK_BYTES:
        problems.append(
            f"free {format_gigabytes(NEEDED_DISK_BYTES - free)} more on the disk "
            f"of {artifacts.describe_path(folder)} (or set TL_ARTIFACTS_DIR to a "
            "folder on a disk with room)")
    memory = pipeline.read_available_memory()
    yield (f"memory: {format_gigabytes(memory)} available" if memory else
           "memory: unknown")
    if memory is not None and memory < NEEDED_MEMORY_BYTES:
        problems.append(f"about {format_gigabytes(NEEDED_MEMORY_BYTES)} of memory "
                        f"is needed, {format_gigabytes(memory)} is available: "
                        "close other programs")
    font = find_devanagari_font()
    yield (f"Devanagari font: {font}" if font else
           "Devanagari font: none (a note, not a problem: the Hindi edition shows "
           "boxes without one; Debian/Ubuntu: sudo apt install fonts-noto-core)")

    if counts is not None:  # without the dataset, nothing to predict
        steps = measure_steps(str(weights) if weights else None, IMAGE_SIZE,
                              BATCH_SIZE, repeats=repeats)
        yield (f"one step of {BATCH_SIZE} images: feature extraction "
               f"{steps.feature_extraction:.2f} s, fine-tuning "
               f"{steps.fine_tuning:.2f} s, validation {steps.validation:.2f} s")
        for notebook, seconds in predict_seconds(steps, *counts).items():
            yield (f"predicted training time of {notebook} here: "
                   f"{seconds / 60:.1f} minutes")
    yield f"(this check took {time.perf_counter() - start:.0f} s)"
    yield judge_readiness(problems)
