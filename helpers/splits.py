"""The split: which files train, validate and test, decided once (01_data).

01_data checks the dataset, carves a test set out of the validation files and
saves the result as ``split.json`` in the artifacts folder. Every later notebook
loads that file instead of splitting again, so no setting in a later notebook
(a different ``BATCH_SIZE``, say) can move an image between validation and test.
Each model a notebook saves records the split's ``id``, and the notebooks that
load a model check it (``stages.check_same_split``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .artifacts import load_json, save_json
from .checks import DatasetReport, ImageFiles
from .errors import SplitImagesMissingError, UnusableArtifactError
from .stages import get_stage

#: The file 01_data saves, and 01_data itself: ``stages`` names both.
SPLIT_FILE = get_stage("split").results
NOTEBOOK = get_stage("split").notebook

#: The tutorial cuts its test set in batches of 32 (``take(val_batches // 5)``);
#: the test set has as many images, whatever batch size training uses later.
TEST_BATCH = 32
PARTS = ("train", "validation", "test")


@dataclass(frozen=True)
class Split:
    """The three file lists, the class names, the image size, and the settings
    that made them (``test_fraction``, ``seed``)."""

    train: ImageFiles
    validation: ImageFiles
    test: ImageFiles
    image_size: tuple[int, int]
    settings: dict
    data_dir: str

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.train.class_names

    @property
    def id(self) -> str:
        """A short fingerprint of which file is in which part, with which label."""
        h = hashlib.sha256()
        for part in PARTS:
            files = getattr(self, part)
            for path, label in zip(files.paths, files.labels):
                rel = _relative(path, self.data_dir)
                h.update(f"{part}\0{rel}\0{label}\n".encode())
        h.update(repr(tuple(self.image_size)).encode())
        return h.hexdigest()[:12]


def carve_test_files(
    files: ImageFiles, fraction: float = 0.2, seed: int = 123
) -> tuple[ImageFiles, ImageFiles]:
    """Split validation files into (validation, test), once and for all (01_data).

    As many test images as the tutorial's: ``fraction`` of the validation
    batches of ``TEST_BATCH`` images (192 of 1,000 on the real data). But the
    files are shuffled once with a fixed seed and split by file, so the two sets
    are disjoint and stay the same on every pass, whatever the batch size.
    """
    n_batches = math.ceil(len(files) / TEST_BATCH)
    # At least one test batch, and at least one validation image, on small data.
    n_test_batches = max(1, int(n_batches * fraction)) if fraction > 0 else 0
    n_test = min(n_test_batches * TEST_BATCH, len(files) - 1)
    order = np.random.default_rng(seed).permutation(len(files))
    return files.subset(order[n_test:]), files.subset(order[:n_test])


def make_split(report: DatasetReport, image_size, test_fraction: float,
               seed: int) -> Split:
    """The checked files of ``report`` as train, validation and test (01_data)."""
    validation, test = carve_test_files(
        report.splits["validation"], test_fraction, seed
    )
    return Split(
        report.splits["train"], validation, test, tuple(image_size),
        {"test_fraction": test_fraction, "seed": seed}, str(report.data_dir),
    )


def save_split(split: Split, artifacts_dir: str | os.PathLike) -> Path:
    """Write ``split.json`` for the notebooks after 01_data. Paths inside the
    dataset folder are stored relative to it."""
    def part(files: ImageFiles) -> dict:
        return {"paths": [_relative(p, split.data_dir) for p in files.paths],
                "labels": list(files.labels)}

    return save_json({
        "format": 1,
        "id": split.id,
        "data_dir": split.data_dir,
        "class_names": list(split.class_names),
        "image_size": list(split.image_size),
        "settings": split.settings,
        **{name: part(getattr(split, name)) for name in PARTS},
    }, Path(artifacts_dir) / SPLIT_FILE)


def _relative(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # Windows: another drive
        return path
    return path if rel.startswith("..") else Path(rel).as_posix()


def load_split(artifacts_dir: str | os.PathLike) -> Split:
    """The split 01_data saved (02-06). Stops with "run 01_data first" when it is
    missing, damaged, or lists files that are gone."""
    path = Path(artifacts_dir) / SPLIT_FILE
    try:
        saved = load_json(path, NOTEBOOK)
        root = saved["data_dir"]
        names = tuple(saved["class_names"])
        parts = {
            name: ImageFiles(
                tuple(os.path.join(root, p) for p in saved[name]["paths"]),
                tuple(int(x) for x in saved[name]["labels"]), names)
            for name in PARTS
        }
        split = Split(**parts, image_size=tuple(saved["image_size"]),
                      settings=dict(saved["settings"]), data_dir=root)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise UnusableArtifactError(
            f"{path} is damaged ({type(e).__name__}: {e}). Run the notebook "
            f"{NOTEBOOK} again: it writes this file."
        ) from e
    missing = [p for name in PARTS for p in getattr(split, name).paths
               if not os.path.exists(p)]
    if missing:
        raise SplitImagesMissingError(
            f"{path} lists {len(missing)} image files that do not exist here "
            f"(the first: {missing[0]}). The dataset moved or is not on this "
            f"machine: run the notebook {NOTEBOOK} again, then this notebook."
        )
    return split
