"""Is this machine ready for the course? Run it the evening before a workshop.

    make check        # = python scripts/check.py (offline, under a minute)

Versions; the dataset and the weights present and verified (the course's own
settings: TL_DATA_DIR, TL_WEIGHTS, TL_MIRROR, or the Keras cache, as the
notebooks find them); free disk and memory; a Devanagari font (a note: only
the Hindi edition needs one); one timed training step of each kind, and from
them the minutes 03 and 04 will train here. The last line says READY, or the
first thing to do.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: The notebooks' defaults: 01's image size, batch size and test fraction.
IMAGE_SIZE, BATCH_SIZE, TEST_FRACTION, SEED = (160, 160), 32, 0.2, 123


def gigabytes(n: int) -> str:
    return f"{n / 1e9:.1f} GB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed steps of each kind (median; default 3)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    problems: list[str] = []

    import keras
    import tensorflow as tf

    from helpers import artifacts, assets, checks, pipeline, readiness, splits
    from helpers.errors import COURSE_ERRORS

    print(f"Python {platform.python_version()} | TensorFlow {tf.__version__} | "
          f"Keras {keras.__version__}")
    gpus = tf.config.list_physical_devices("GPU")
    print(f"GPU: {len(gpus)} found" if gpus else "GPU: none (training runs on the "
          f"CPU, {os.cpu_count()} cores)")

    counts = None
    folder = artifacts.get_artifacts_dir()
    try:
        data_dir = assets.get_dataset_dir(progress=False)
        # checked as 01 checks it, remembered in the same place (01 is then quick)
        report = checks.check_dataset(data_dir, work_dir=folder, progress=False)
        split = splits.make_split(report, IMAGE_SIZE, TEST_FRACTION, SEED)
        counts = len(split.train), len(split.validation)
        print(f"dataset: {data_dir} ({len(split.train)} training, "
              f"{len(split.validation)} validation, {len(split.test)} test images)")
    except COURSE_ERRORS as error:
        problems.append(f"the dataset: {error}")
    weights = None
    try:
        weights = assets.get_weights_path(progress=False)
        print(f"weights: {weights} (verified)")
    except COURSE_ERRORS as error:
        problems.append(f"the weights: {error}")

    free = readiness.measure_free_space(folder)
    print(f"disk: {gigabytes(free)} free for {folder}")
    if free < readiness.NEEDED_DISK_BYTES:
        problems.append(f"free {gigabytes(readiness.NEEDED_DISK_BYTES - free)} more "
                        f"on the disk of {folder} (or set TL_ARTIFACTS_DIR "
                        "to a folder on a disk with room)")
    memory = pipeline.read_available_memory()
    print(f"memory: {gigabytes(memory)} available" if memory else
          "memory: unknown")
    if memory is not None and memory < readiness.NEEDED_MEMORY_BYTES:
        problems.append(f"about {gigabytes(readiness.NEEDED_MEMORY_BYTES)} of "
                        f"memory is needed, {gigabytes(memory)} is available: "
                        "close other programs")
    font = readiness.find_devanagari_font()
    print(f"Devanagari font: {font}" if font else
          "Devanagari font: none (a note, not a problem: the Hindi edition shows "
          "boxes without one; Debian/Ubuntu: sudo apt install fonts-noto-core)")

    if counts is not None:  # without the dataset, nothing to predict
        steps = readiness.measure_steps(str(weights) if weights else None,
                                        IMAGE_SIZE, BATCH_SIZE, repeats=args.repeats)
        print(f"one step of {BATCH_SIZE} images: feature extraction "
              f"{steps.feature_extraction:.2f} s, fine-tuning "
              f"{steps.fine_tuning:.2f} s, validation {steps.validation:.2f} s")
        for notebook, seconds in readiness.predict_seconds(steps, *counts).items():
            print(f"predicted training time of {notebook} here: "
                  f"{seconds / 60:.1f} minutes")
    print(f"(this check took {time.perf_counter() - start:.0f} s)")
    print(readiness.judge_readiness(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
