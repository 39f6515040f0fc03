"""Small generated data for the tests: never the real dataset or weights.

Images, datasets and their zips, random weights, a tiny model, and files that are
not regular files: what several test files make.
"""

from __future__ import annotations

import os
import threading
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES = ("cats", "dogs")
#: Mean colour of each class: the tiny smoke models can tell them apart.
COLOURS = {"cats": (200, 90, 60), "dogs": (60, 110, 200)}


def write_image(path: Path, cls: str, rng, size=None, fmt="JPEG", mode="RGB",
                colour=None):
    w, h = size or (int(rng.integers(170, 260)), int(rng.integers(170, 260)))
    base = np.array(colour or COLOURS[cls], dtype=np.float32)
    pixels = base + rng.normal(0, 40, size=(h, w, 3))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype("uint8"), "RGB")
    if mode != "RGB":
        image = image.convert(mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt)
    return path


def make_dataset(root: Path, n_train: int = 40, n_validation: int = 40,
                 seed: int = 0) -> Path:
    """A folder in the tutorial's layout with ``n`` JPEGs per class and split."""
    rng = np.random.default_rng(seed)
    start = 0
    for split, n in (("train", n_train), ("validation", n_validation)):
        for cls in CLASSES:
            for i in range(start, start + n):
                write_image(root / split / cls / f"{cls[:-1]}.{i}.jpg", cls, rng)
        start += n
    return root


#: Three classes for notebook 07 and tests/unit/test_multiclass.py, imbalanced 4:2:1
#: in train so that class weights matter (0.583, 1.167 and 2.333).
MULTICLASS_COUNTS = {
    "train": {"hats": 24, "pants": 12, "shoes": 6},
    "validation": {"hats": 8, "pants": 6, "shoes": 4},
    "test": {"hats": 4, "pants": 4, "shoes": 4},
}
#: A mean colour per class of a generated multi-class folder, in class order.
PALETTE = ((200, 90, 60), (60, 110, 200), (80, 180, 90), (220, 200, 60),
           (150, 70, 170), (70, 190, 200))


def make_multiclass_dataset(root: Path, counts: dict | None = None,
                            seed: int = 0, flat: bool = False) -> Path:
    """A folder in the tutorial's layout with any number of classes and splits:
    ``counts[split][class]`` JPEGs each (default ``MULTICLASS_COUNTS``, with a
    ``test/`` split). Each class has its own mean colour. ``flat``: the same
    images in one folder per class (``root/<class>/``), as a learner's photos
    come (07_your_own_data splits them)."""
    counts = MULTICLASS_COUNTS if counts is None else counts
    rng = np.random.default_rng(seed)
    classes = sorted({c for per_class in counts.values() for c in per_class})
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(classes)}
    number = 0
    for split, per_class in counts.items():
        for cls, n in per_class.items():
            for _ in range(n):
                folder = root / cls if flat else root / split / cls
                write_image(folder / f"{cls}.{number}.jpg", cls, rng,
                            colour=colour[cls])
                number += 1
    return root


def zip_folder(folder: Path, zip_path: Path, prefix: str | None = None) -> Path:
    """``folder``'s files zipped under ``prefix/`` (default: the published
    dataset's top folder, as in its zip)."""
    if prefix is None:
        from helpers import assets

        prefix = assets.DATASET_NAME
    with zipfile.ZipFile(zip_path, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{prefix}/{path.relative_to(folder)}")
    return zip_path


def random_images(n: int = 4, seed: int = 0) -> np.ndarray:
    """``n`` images of 160x160 RGB, values uniform in [0, 255), float32."""
    return np.random.default_rng(seed).uniform(0, 255, (n, 160, 160, 3)).astype(
        "float32")


def write_weights(path: Path, alpha: float = 1.0, size: int = 160) -> Path:
    """Randomly initialised MobileNetV2 no_top weights, in the same legacy HDF5
    layout as Keras' downloadable ``..._no_top.h5`` files."""
    import h5py
    import tensorflow as tf
    from keras.src.legacy.saving import legacy_h5_format

    model = tf.keras.applications.MobileNetV2(
        input_shape=(size, size, 3), include_top=False, weights=None, alpha=alpha
    )
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return path


def make_small_model(units: int):
    """A compiled model of two Dense layers on 4 inputs, the same every call:
    for tests of saving, loading and resuming, where any model will do."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(units),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  run_eagerly=True)  # no tracing: faster for 32 samples
    return model


def cut_file(path: Path) -> None:
    """Keep the first half of a file: what a killed write leaves."""
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def add_irregular_files(folder: Path) -> Path:
    """A named pipe, a broken and a looping symbolic link in ``folder``; returns
    the pipe (skips the test where there are no named pipes)."""
    if not hasattr(os, "mkfifo"):
        import pytest

        pytest.skip("no named pipes here (Windows)")
    fifo = folder / "pipe.jpg"
    os.mkfifo(fifo)
    (folder / "broken.jpg").symlink_to(folder / "gone.jpg")
    (folder / "loop.jpg").symlink_to(folder / "loop.jpg")
    return fifo


class PipeWatch:
    """Notices if anyone opens ``fifo`` for reading (and lets them go)."""

    def __init__(self, fifo: Path):
        self.fifo, self.opened, self.done = fifo, False, threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        while not self.done.wait(0.05):
            try:  # succeeds only while a reader waits on the other end
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue
            self.opened = True
            os.close(fd)  # the reader sees end of file instead of waiting

    def stop(self):
        self.done.set()
        self.thread.join(5)
