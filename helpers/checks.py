"""Dataset checks: find every usable image of a dataset folder (01_data).

The folder layout is the tutorial's::

    <data_dir>/train/<class>/*.jpg
    <data_dir>/validation/<class>/*.jpg

Class names are the sorted sub-folder names and labels their index, exactly as
``tf.keras.utils.image_dataset_from_directory`` assigns them. Each file is decoded
once by the decoder the input pipeline uses, so no epoch can stop on a bad file;
the result is remembered in the artifacts folder.

(Longer than the other modules on purpose: the policy for every kind of bad
file, and each message that names its fix, is kept in one place.)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .artifacts import save_json, write_atomically

SPLITS = ("train", "validation")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
#: Images with a side longer than this are downscaled into a converted copy.
MAX_SIDE = 4096


class DatasetError(ValueError):
    """The dataset folder cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class ImageFiles:
    """Paths and integer labels of one split, with the class names."""

    paths: tuple[str, ...]
    labels: tuple[int, ...]
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.paths)

    def subset(self, indices) -> ImageFiles:
        return ImageFiles(
            tuple(self.paths[i] for i in indices),
            tuple(self.labels[i] for i in indices),
            self.class_names,
        )


@dataclass
class DatasetReport:
    """What ``check_dataset`` found: usable files per split and what it did."""

    data_dir: Path
    splits: dict[str, ImageFiles]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    converted: Counter = field(default_factory=Counter)
    decoder_handles: Counter = field(default_factory=Counter)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.splits["train"].class_names

    def summary(self) -> str:
        """A readable summary for the learner (shown in 01_data)."""
        lines = [f"Dataset: {self.data_dir.name}"]
        for split, files in self.splits.items():
            counts = Counter(files.labels)
            per_class = ", ".join(
                f"{name} {counts[i]}" for i, name in enumerate(files.class_names)
            )
            lines.append(f"  {split:<10} {len(files):>5} images ({per_class})")
        for kind, n in sorted(self.decoder_handles.items()):
            lines.append(f"  read as RGB by the decoder: {n} {kind}")
        for kind, n in sorted(self.converted.items()):
            lines.append(f"  converted to an RGB JPEG copy: {n} {kind}")
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)} unusable files:")
            lines.extend(f"    {path}: {reason}" for path, reason in self.skipped)
        else:
            lines.append("  every file is a usable image")
        return "\n".join(lines)


def find_class_dirs(split_dir: Path) -> list[Path]:
    """The class sub-folders of one split, sorted by name."""
    return sorted(
        (p for p in split_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def list_image_files(split_dir: str | os.PathLike) -> ImageFiles:
    """Every file of one split with its label, in a stable order.

    No file is opened: ``check_dataset`` keeps only the images that decode.
    Hidden files and folders (``.DS_Store``, ``.git/``) are not listed.
    """
    class_dirs = find_class_dirs(Path(split_dir))
    paths, labels = [], []
    for label, class_dir in enumerate(class_dirs):
        for path in sorted(class_dir.rglob("*")):
            hidden = any(part.startswith(".")
                         for part in path.relative_to(class_dir).parts)
            if path.is_file() and not hidden:
                paths.append(str(path))
                labels.append(label)
    return ImageFiles(tuple(paths), tuple(labels), tuple(d.name for d in class_dirs))


def check_layout(data_dir: str | os.PathLike) -> tuple[str, ...]:
    """Check the folder structure and return the class names (01_data).

    Raises ``DatasetError`` naming the fix for: a missing ``train`` or
    ``validation`` folder, fewer than two classes, classes that differ between the
    splits, or an empty class folder.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DatasetError(
            f"{data_dir} is not a folder. Point TL_DATA_DIR at the folder that "
            "holds train/ and validation/ (or unset it to download the dataset)."
        )
    classes = {}
    for split in SPLITS:
        split_dir = data_dir / split
        if not split_dir.is_dir():
            found = sorted(p.name for p in data_dir.iterdir() if p.is_dir())
            raise DatasetError(
                f"{data_dir} has no '{split}' folder (it has: {found or 'nothing'}). "
                "Expected <data_dir>/train/<class>/... and "
                "<data_dir>/validation/<class>/...: move your images into that "
                "layout."
            )
        names = [d.name for d in find_class_dirs(split_dir)]
        if len(names) < 2:
            raise DatasetError(
                f"{split_dir} has {len(names)} class folder(s) {names}: a classifier "
                "needs at least two. Add one sub-folder per class, each holding "
                "that class's images."
            )
        for name in names:
            class_dir = split_dir / name
            if not any(p.is_file() for p in class_dir.rglob("*")):
                raise DatasetError(
                    f"The class folder {class_dir} is empty. Put that class's "
                    "images in it, or remove the folder from every split."
                )
        classes[split] = names
    if classes["train"] != classes["validation"]:
        raise DatasetError(
            f"train has classes {classes['train']} but validation has "
            f"{classes['validation']}. Give both splits the same class folders."
        )
    return tuple(classes["train"])


def inspect_image(path: str) -> tuple[str, str]:
    """Classify one file as ``("ok"|"decoder"|"convert"|"skip", detail)``.

    ``ok``: a colour JPEG TensorFlow reads directly. ``decoder``: readable by
    ``tf.io.decode_image`` with ``channels=3`` (grayscale, RGBA, PNG, BMP, GIF).
    ``convert``: needs a converted copy (CMYK, 16-bit, huge, other formats).
    ``skip``: not an image, or it does not decode; detail says why.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            fmt, mode, size = im.format, im.mode, im.size
            im.draft("RGB", (min(size[0], 640), min(size[1], 640)))
            im.load()
    except UnidentifiedImageError:
        return "skip", "not an image file"
    except Image.DecompressionBombError as e:
        return "skip", f"too large to open safely ({e})"
    except (OSError, SyntaxError, ValueError) as e:
        return "skip", f"does not decode ({e})"
    if fmt not in ("JPEG", "PNG", "BMP", "GIF"):
        return "convert", f"{fmt} image"
    if max(size) > MAX_SIDE:
        return "convert", "huge image"
    if mode in ("CMYK", "YCbCr", "I", "I;16", "F", "LAB", "HSV"):
        return "convert", f"{mode} image"
    if fmt == "JPEG" and mode == "RGB":
        return "ok", ""
    if mode in ("L", "LA"):
        return "decoder", "grayscale"
    if mode in ("RGBA", "P", "PA"):
        return "decoder", f"{mode} {fmt}"
    return "decoder", f"{fmt}"


def _decodes_in_tensorflow(path: str) -> str | None:
    import tensorflow as tf

    try:
        tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    except (tf.errors.InvalidArgumentError, tf.errors.UnknownError) as e:
        return str(e.message).splitlines()[0][:120]
    return None


def convert_image(src: str, dst: Path) -> Path:
    """Write an RGB JPEG copy of ``src`` at ``dst``, no side over ``MAX_SIDE``."""
    from PIL import Image

    with Image.open(src) as im:
        im = im.convert("RGB")
        im.thumbnail((MAX_SIDE, MAX_SIDE))
        return write_atomically(dst, lambda tmp: im.save(tmp, "JPEG", quality=95))


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        st = path.stat()
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def check_dataset(
    data_dir: str | os.PathLike,
    work_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> DatasetReport:
    """Check every file of a dataset folder and return the usable ones (01_data).

    Structural problems raise ``DatasetError`` (see ``check_layout``). Files that
    are not images or do not decode are skipped and listed in the report. CMYK,
    huge and other unusual images get an RGB JPEG copy under ``work_dir``
    (the dataset itself is never modified).

    With a ``work_dir`` the result is remembered there, keyed by the files' names,
    sizes and modification times, so checking again costs nothing.
    """
    data_dir = Path(data_dir).resolve()
    check_layout(data_dir)
    listed = {split: list_image_files(data_dir / split) for split in SPLITS}
    all_files = [Path(p) for split in SPLITS for p in listed[split].paths]
    key = _fingerprint(all_files)
    memo = Path(work_dir) / "dataset_check.json" if work_dir else None
    if memo and memo.exists():
        saved = json.loads(memo.read_text())
        if saved.get("key") == key and saved.get("data_dir") == str(data_dir):
            report = _report_from_json(saved)
            if all(Path(p).exists() for f in report.splits.values() for p in f.paths):
                return report  # else a converted copy was deleted: check again

    from tqdm.auto import tqdm

    report = DatasetReport(data_dir, {})
    convert_root = Path(work_dir) / "converted" if work_dir else None
    bar = tqdm(total=len(all_files), desc="Checking images", disable=not progress,
               unit="img", mininterval=1.0)
    for split in SPLITS:
        files = listed[split]
        keep_paths, keep_labels = [], []
        for path, label in zip(files.paths, files.labels):
            bar.update()
            rel = os.path.relpath(path, data_dir)
            kind, detail = inspect_image(path)
            if kind == "skip":
                report.skipped.append((rel, detail))
                continue
            if kind == "convert":
                if work_dir is None:
                    report.skipped.append((rel, f"{detail}: needs a work_dir to "
                                           "store a converted copy"))
                    continue
                path = str(convert_image(path, convert_root / (rel + ".jpg")))
                report.converted[detail] += 1
            error = _decodes_in_tensorflow(path)
            if error:
                report.skipped.append((rel, f"TensorFlow cannot decode it ({error})"))
                continue
            if kind == "decoder":
                report.decoder_handles[detail] += 1
            keep_paths.append(path)
            keep_labels.append(label)
        report.splits[split] = ImageFiles(
            tuple(keep_paths), tuple(keep_labels), files.class_names
        )
    bar.close()
    _check_usable(report)
    if memo:
        save_json(_report_to_json(report, key), memo)
    return report


def _check_usable(report: DatasetReport) -> None:
    for split, files in report.splits.items():
        counts = Counter(files.labels)
        for i, name in enumerate(files.class_names):
            if counts[i] == 0:
                raise DatasetError(
                    f"No usable image in {split}/{name}: every file there was "
                    f"skipped.\n{report.summary()}\nReplace those files with "
                    "images that open in an image viewer."
                )


def _report_to_json(report: DatasetReport, key: str) -> dict:
    return {
        "key": key,
        "data_dir": str(report.data_dir),
        "splits": {
            s: {"paths": f.paths, "labels": f.labels, "class_names": f.class_names}
            for s, f in report.splits.items()
        },
        "skipped": report.skipped,
        "converted": dict(report.converted),
        "decoder_handles": dict(report.decoder_handles),
    }


def _report_from_json(saved: dict) -> DatasetReport:
    splits = {
        s: ImageFiles(tuple(v["paths"]), tuple(v["labels"]), tuple(v["class_names"]))
        for s, v in saved["splits"].items()
    }
    return DatasetReport(
        Path(saved["data_dir"]), splits, [tuple(x) for x in saved["skipped"]],
        Counter(saved["converted"]), Counter(saved["decoder_handles"]),
    )
