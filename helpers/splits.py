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
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .artifacts import load_json, save_json
from .checks import DatasetReport, ImageFiles
from .errors import DatasetError, SplitImagesMissingError, UnusableArtifactError
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


def split_class_files(
    files: ImageFiles, validation_fraction: float = 0.2,
    test_fraction: float = 0.2, seed: int = 123,
) -> tuple[ImageFiles, ImageFiles, ImageFiles]:
    """A flat folder's files (``my_photos/<class>/``) as (train, validation,
    test), once and for all (07_your_own_data).

    Class by class, the files are shuffled once with ``seed`` and cut:
    ``validation_fraction`` of each class is held out, and ``test_fraction`` of
    what is held out is the test set (as 01 carves its test set out of
    validation). So every part keeps each class's share, and the three are
    disjoint and the same on every run. Each class keeps at least one image in
    every part: fewer than three images in a class is ``DatasetError``.
    """
    labels = np.asarray(files.labels)
    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for label, name in enumerate(files.class_names):
        indices = np.flatnonzero(labels == label)
        if len(indices) < 3:
            raise DatasetError(
                f"The class {name!r} has {len(indices)} usable image(s): split by "
                "file, each class needs at least 3 (one each to train, validate "
                "and test), and a few dozen to learn from. Add photos to it."
            )
        indices = indices[rng.permutation(len(indices))]
        held = min(max(2, round(len(indices) * validation_fraction)),
                   len(indices) - 1)
        n_test = min(max(1, round(held * test_fraction)), held - 1)
        parts[0].extend(indices[held:])
        parts[1].extend(indices[n_test:held])
        parts[2].extend(indices[:n_test])
    return tuple(files.subset(sorted(part)) for part in parts)


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


def exclude_files(split: Split, marked: dict) -> Split:
    """``split`` without the training and validation files in ``marked``, a
    dict of path (as the split lists it, or relative to the dataset folder) to
    why it goes: a wrong label, no cat or dog in it (06's fix-the-labels).

    The result records them in its settings (``excluded``: relative path to
    why, and ``from_split``: the id of ``split``); its id, which follows the
    files, differs from ``split``'s once anything is marked, so every model
    trained on it names it. The test files stay:
    dropping test images because the model got them wrong flatters the test
    score. Raises ``DatasetError`` for a file the split's training and
    validation parts do not hold, or a reason that is empty.
    """
    def relative(files: ImageFiles) -> set[str]:
        return {_relative(p, split.data_dir) for p in files.paths}

    markable = relative(split.train) | relative(split.validation)
    excluded = {}
    for path, why in marked.items():
        rel = (_relative(str(path), split.data_dir) if os.path.isabs(path)
               else Path(path).as_posix())  # already relative to the dataset
        if rel not in markable:
            place = ("is a test file: the test set is not cleaned by the "
                     "model's mistakes" if rel in relative(split.test)
                     else "is not in this split")
            raise DatasetError(
                f"{path} {place}. Mark only training and validation files, by "
                "their number in the pictures above.")
        if not isinstance(why, str) or not why.strip():
            raise DatasetError(f"Say why {path} goes (a wrong label, no cat or "
                               f"dog in it), not {why!r}.")
        excluded[rel] = why.strip()
    gone = set(excluded)

    def keep(files: ImageFiles) -> ImageFiles:
        return files.subset([i for i, p in enumerate(files.paths)
                             if _relative(p, split.data_dir) not in gone])

    settings = {**split.settings, "from_split": split.id,
                "excluded": dict(sorted(excluded.items()))}
    return Split(keep(split.train), keep(split.validation), split.test,
                 split.image_size, settings, split.data_dir)


def save_split(split: Split, artifacts_dir: str | os.PathLike,
               stage: str = "split") -> Path:
    """Write ``split.json`` for the notebooks after 01_data (or, with ``stage``
    ``"cleaned_split"``, 06's split without the files a learner marked). Paths
    inside the dataset folder are stored relative to it."""
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
    }, Path(artifacts_dir) / get_stage(stage).results)


def _relative(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # Windows: another drive
        return path
    return path if rel.startswith("..") else Path(rel).as_posix()


#: An image side the course can use: a small positive number of pixels.
MAX_IMAGE_SIDE = 2048


class BadSplit(ValueError):
    """What is wrong with a saved split (``load_split`` reports it)."""


def load_split(artifacts_dir: str | os.PathLike, stage: str = "split") -> Split:
    """The split 01_data saved (02-06), or with ``stage`` ``"cleaned_split"``
    the one 06 saved without the marked files. Stops with "run 01_data again"
    (or 06) when it is missing, damaged or not a split this course could have
    made (see ``read_split``), or lists files that are gone."""
    path = Path(artifacts_dir) / get_stage(stage).results
    notebook = get_stage(stage).notebook
    saved = load_json(path, notebook)
    try:
        split = read_split(saved, Path(artifacts_dir))
    except (BadSplit, KeyError, TypeError) as e:
        why = str(e) if isinstance(e, BadSplit) else f"{type(e).__name__}: {e}"
        raise UnusableArtifactError(
            f"{path} is damaged or was edited ({why}). Run the notebook "
            f"{notebook} again: it writes this file."
        ) from e
    missing = [p for name in PARTS for p in getattr(split, name).paths
               if not os.path.exists(p)]
    if missing:
        raise SplitImagesMissingError(
            f"{path} lists {len(missing)} image files that do not exist here "
            f"(the first: {missing[0]}). The dataset moved or is not on this "
            f"machine: run the notebook {notebook} again, then this notebook."
        )
    return split


def read_split(saved, artifacts_dir: Path) -> Split:
    """The ``Split`` in a loaded ``split.json``, every field checked: paths
    inside the dataset folder (or 01's converted copies in ``artifacts_dir``),
    no file twice, labels within the classes, as many labels as paths, an
    image size of two small positive integers, the settings 01 records.
    Raises ``BadSplit`` saying what is wrong."""
    if not isinstance(saved, dict):
        raise BadSplit(f"it holds a {type(saved).__name__}, not a split")
    root = saved["data_dir"]
    if not isinstance(root, str) or not root:
        raise BadSplit("its data_dir is not a folder name")
    names = saved["class_names"]
    if (not isinstance(names, list) or len(names) < 2
            or not all(isinstance(n, str) and n for n in names)
            or len(set(names)) != len(names)):
        raise BadSplit(f"its class_names {names!r} are not two or more "
                       "different names")
    size = saved["image_size"]
    if not (isinstance(size, list) and len(size) == 2
            and all(type(v) is int and 0 < v <= MAX_IMAGE_SIDE for v in size)):
        raise BadSplit(f"its image_size {size!r} is not two whole numbers of "
                       f"pixels from 1 to {MAX_IMAGE_SIDE}")
    check_split_settings(saved["settings"])
    seen, parts = {}, {}
    converted = {os.path.abspath(artifacts_dir / "converted"),
                 os.path.realpath(artifacts_dir / "converted")}
    for part in PARTS:
        paths, labels = saved[part]["paths"], saved[part]["labels"]
        if not isinstance(paths, list) or not isinstance(labels, list):
            raise BadSplit(f"its {part} paths and labels are not lists")
        if len(paths) != len(labels):
            raise BadSplit(f"its {part} part has {len(paths)} paths and "
                           f"{len(labels)} labels")
        if not all(type(y) is int and 0 <= y < len(names) for y in labels):
            bad = next(y for y in labels
                       if not (type(y) is int and 0 <= y < len(names)))
            raise BadSplit(f"its {part} labels hold {bad!r}, not a class number "
                           f"from 0 to {len(names) - 1}")
        full = tuple(resolve_split_path(p, root, converted) for p in paths)
        for p in full:
            if p in seen:
                raise BadSplit(f"it lists {p} more than once (in {seen[p]} and "
                               f"{part}): a training or validation image would "
                               "be tested on")
            seen[p] = part
        parts[part] = ImageFiles(full, tuple(labels), tuple(names))
    return Split(**parts, image_size=tuple(size), settings=dict(saved["settings"]),
                 data_dir=root)


def resolve_split_path(path, root: str, converted: set) -> str:
    """``path`` of ``split.json`` as a path here: relative ones inside the
    dataset folder ``root``; others only under 01's ``converted`` folder (one
    of the spellings in ``converted``; an older split.json may give it
    relative to the notebook's folder). Raises ``BadSplit`` for any other."""
    if not isinstance(path, str) or not path:
        raise BadSplit(f"its paths hold {path!r}, not a file name")

    def is_converted(p):
        p = os.path.normpath(os.path.abspath(p))
        return any(p.startswith(c + os.sep) for c in converted)

    if os.path.isabs(path):
        if is_converted(path):
            return path
        raise BadSplit(f"it lists {path}, outside the dataset folder and the "
                       "converted copies")
    full = os.path.normpath(os.path.join(root, path))
    if full.startswith(os.path.normpath(root) + os.sep):
        return full
    if is_converted(path):
        return os.path.abspath(path)
    raise BadSplit(f"it lists {path}, outside the dataset folder {root}")


def check_split_settings(settings) -> None:
    """Raise ``BadSplit`` unless ``settings`` are the ones 01 records: a
    ``test_fraction`` from 0 to 1 and a whole, non-negative ``seed`` (what
    making the split again on another machine needs)."""
    if not isinstance(settings, dict):
        raise BadSplit(f"its settings {settings!r} are not a dict")
    fraction, seed = settings.get("test_fraction"), settings.get("seed")
    if not (type(fraction) in (int, float) and 0 <= fraction < 1):
        raise BadSplit(f"its settings' test_fraction {fraction!r} is not a "
                       "number from 0 to 1")
    if not (type(seed) is int and seed >= 0):
        raise BadSplit(f"its settings' seed {seed!r} is not a whole number of "
                       "0 or more")
    excluded = settings.get("excluded", {})  # 06's cleaned split records these
    if not (isinstance(excluded, dict) and all(
            isinstance(k, str) and k and isinstance(v, str) and v.strip()
            for k, v in excluded.items())):
        raise BadSplit(f"its settings' excluded {excluded!r} is not a list of "
                       "files, each with why it was left out")
    parent = settings.get("from_split", "")
    if not isinstance(parent, str):
        raise BadSplit(f"its settings' from_split {parent!r} is not a split id")
