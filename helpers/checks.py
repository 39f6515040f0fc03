"""Dataset checks: find every usable image of a dataset folder (01_data).

The folder layout is the tutorial's::

    <data_dir>/train/<class>/*.jpg
    <data_dir>/validation/<class>/*.jpg
    <data_dir>/test/<class>/*.jpg        (optional; read by 07_your_own_data)

Class names are the sorted sub-folder names and labels their index, exactly as
``tf.keras.utils.image_dataset_from_directory`` assigns them. Each file is decoded
once by the decoder the input pipeline uses, so no epoch can stop on a bad file;
the result is remembered in the artifacts folder.

Files that are not regular files (a named pipe, a socket, a broken link) are
listed as skipped and never opened: opening a named pipe waits forever.

(Longer than the other modules on purpose: the policy for every kind of bad
file, how unusual images become faithful RGB copies, and each message that names
its fix, are kept in one place.)
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .artifacts import read_json, save_json, write_atomically
from .errors import DatasetError

SPLITS = ("train", "validation")
#: A split a folder may have besides ``SPLITS`` (07_your_own_data reads it).
TEST_SPLIT = "test"
#: The one split of a flat folder of classes (``my_photos/<class>/``), which
#: 07_your_own_data splits by file (``splits.split_class_files``).
ALL_SPLIT = "all"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
#: Images with a side longer than this are downscaled into a converted copy.
MAX_SIDE = 4096
#: The course's notebooks 01-06 train a two-class (binary) classifier.
BINARY_CLASSES = 2
#: The EXIF tag that says how a photo must be turned to stand upright.
ORIENTATION_TAG = 0x0112
#: The shape of ``dataset_check.json``; a cache of another shape is rebuilt.
CHECK_FORMAT = 2
#: The setting that names the folder of your own classes (07_your_own_data).
OWN_DATA_ENV = "TL_OWN_DATA_DIR"
#: Where to get an example folder of many classes in the tutorial's layout:
#: the clothing dataset (small) by Alexey Grigorev et al., CC0 1.0.
EXAMPLE_DATASET_URL = "https://github.com/alexeygrigorev/clothing-dataset-small"


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
        return next(iter(self.splits.values())).class_names

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


def describe_irregular(path: str | os.PathLike) -> str | None:
    """Why ``path`` is not a regular file that is safe to open, or ``None``.

    Only looks (``os.stat``), never opens: a named pipe (FIFO) would block.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return ("a broken symbolic link" if os.path.islink(path)
                else "the file does not exist")
    except OSError as e:
        return f"cannot be looked at ({e.strerror})"
    if stat.S_ISREG(mode):
        return None
    kinds = {stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISSOCK: "a socket",
             stat.S_ISCHR: "a device", stat.S_ISBLK: "a device",
             stat.S_ISDIR: "a folder"}
    kind = next((name for test, name in kinds.items() if test(mode)), "special")
    return f"{kind}, not a regular file"


def scan_split(split_dir: str | os.PathLike) -> tuple[ImageFiles, list]:
    """Every regular file of one split with its label, in a stable order, and
    the entries that are not regular files as ``(path, reason)``.

    No file is opened: ``check_dataset`` keeps only the images that decode.
    Hidden files and folders (``.DS_Store``, ``.git/``) are not listed.
    """
    class_dirs = find_class_dirs(Path(split_dir))
    paths, labels, irregular = [], [], []
    for label, class_dir in enumerate(class_dirs):
        for path in sorted(class_dir.rglob("*")):
            hidden = any(part.startswith(".")
                         for part in path.relative_to(class_dir).parts)
            if hidden or path.is_dir():
                continue
            reason = describe_irregular(path)
            if reason:
                irregular.append((str(path), reason))
            else:
                paths.append(str(path))
                labels.append(label)
    names = tuple(d.name for d in class_dirs)
    return ImageFiles(tuple(paths), tuple(labels), names), irregular


def list_image_files(split_dir: str | os.PathLike) -> ImageFiles:
    """Every regular file of one split with its label (see ``scan_split``)."""
    return scan_split(split_dir)[0]


def find_own_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder of your own classes (07_your_own_data).

    ``TL_OWN_DATA_DIR`` wins over ``data_dir`` (the notebook's ``DATA_DIR``), as
    ``TL_DATA_DIR`` and ``TL_ARTIFACTS_DIR`` win in the other notebooks. With
    neither set, or a path that is not a folder, ``DatasetError`` says what to
    set and where to get an example dataset. The layout is checked later, by
    ``check_dataset``.
    """
    setting, name = settings.resolve_with_source(OWN_DATA_ENV, data_dir)
    if not setting:
        raise DatasetError(
            f"No dataset folder is set. Set DATA_DIR in the parameters cell (or "
            f"the environment variable {OWN_DATA_ENV}) to your folder: "
            "<folder>/<class>/, one sub-folder of images per class (split by "
            "file), or <folder>/train/<class>/ and <folder>/validation/<class>/, "
            "and optionally <folder>/test/<class>/. "
            "To try the notebook on an example first, get the clothing dataset "
            "(10 classes, 3,781 photos, CC0, by Alexey Grigorev et al.): "
            f"`git clone --depth 1 {EXAMPLE_DATASET_URL}`, then set DATA_DIR to "
            "the folder it made (clothing-dataset-small)."
        )
    path = Path(setting).expanduser()
    if not path.is_dir():
        where = "does not exist" if not path.exists() else "is not a folder"
        raise DatasetError(
            f"{name}={str(setting)!r} {where} (seen from {Path.cwd()}). Set "
            f"{name} to the folder that holds your class folders (or train/ and "
            "validation/); a relative "
            "path starts in the notebook's folder."
        )
    return path.resolve()


def check_layout(data_dir: str | os.PathLike,
                 max_classes: int | None = None,
                 with_test: bool = False,
                 flat_ok: bool = False) -> tuple[str, ...]:
    """Check the folder structure and return the class names (01_data).

    Raises ``DatasetError`` naming the fix for: a missing ``train`` or
    ``validation`` folder, fewer than two classes (or more than
    ``max_classes``), classes that differ between the splits, or an empty class
    folder. With ``with_test``, a ``test`` folder, if there is one, is checked
    the same way; with ``flat_ok``, a folder of class folders with neither
    ``train`` nor ``validation`` is one split, ``ALL_SPLIT`` (07_your_own_data).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DatasetError(
            f"{data_dir} is not a folder. Point TL_DATA_DIR at the folder that "
            "holds train/ and validation/ (or unset it to download the dataset)."
        )
    classes = {}
    for split in find_splits(data_dir, with_test, flat_ok):
        split_dir = locate_split(data_dir, split)
        if not split_dir.is_dir():
            found = sorted(p.name for p in data_dir.iterdir() if p.is_dir())
            flat = (" Or keep one folder per class, <data_dir>/<class>/..., with "
                    "no train/ or validation/ beside them: it is split by file."
                    if flat_ok else "")
            raise DatasetError(
                f"{data_dir} has no '{split}' folder (it has: {found or 'nothing'}). "
                "Expected <data_dir>/train/<class>/... and "
                "<data_dir>/validation/<class>/...: move your images into that "
                f"layout.{flat}"
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
    if ALL_SPLIT in classes:
        return check_class_count(data_dir, classes[ALL_SPLIT], max_classes)
    for split in classes:
        if split != "train":
            check_unicode_forms(data_dir, classes["train"], classes[split], split)
    if classes["train"] != classes["validation"]:
        raise DatasetError(
            f"train has classes {classes['train']} but validation has "
            f"{classes['validation']}. Give both splits the same class folders."
        )
    if classes.get(TEST_SPLIT, classes["train"]) != classes["train"]:
        raise DatasetError(
            f"train has classes {classes['train']} but test has "
            f"{classes[TEST_SPLIT]}. Give test/ the same class folders as train/, "
            "or move test/ out of the dataset folder (a test set is then carved "
            "out of validation/)."
        )
    return check_class_count(data_dir, classes["train"], max_classes)


def check_class_count(data_dir: Path, names: list[str],
                      max_classes: int | None) -> tuple[str, ...]:
    """``names`` as a tuple, or ``DatasetError`` when there are more than
    ``max_classes`` (the notebooks 01-06 are binary)."""
    if max_classes is not None and len(names) > max_classes:
        raise DatasetError(
            f"{data_dir} has {len(names)} class folders "
            f"{names}, but the notebooks 01-06 train a classifier of "
            f"{max_classes} classes (one logit: a third class would be trained as "
            f"label 2 of a two-class loss). Keep {max_classes} class folders in "
            "both train/ and validation/ (move the others out of the dataset "
            "folder); for more classes the model needs a softmax head with one "
            "output per class and SparseCategoricalCrossentropy: the notebook "
            "07_your_own_data trains one on any number of classes."
        )
    return tuple(names)


def check_unicode_forms(data_dir: Path, train: list, other: list,
                        split: str) -> None:
    """Raise ``DatasetError`` when class folders of train/ and ``split`` differ
    only in how their letters are encoded (NFC or NFD: a folder copied from a
    Mac, or typed with another keyboard), naming each, escaped so the two
    spellings look different."""
    import unicodedata

    def nfc(name):
        return unicodedata.normalize("NFC", name)

    pairs = [(a, b) for a in train for b in other
             if a != b and nfc(a) == nfc(b) and b not in train and a not in other]
    if pairs:
        named = "; ".join(f"train/{ascii(a)} and {split}/{ascii(b)}"
                          for a, b in pairs)
        raise DatasetError(
            f"In {data_dir}, class folders look alike but differ only in how "
            f"their letters are encoded (Unicode NFC and NFD): {named}. Python "
            "sees two different classes. Rename one of each pair (delete the "
            "name and type it again), then run this notebook again."
        )


def find_splits(data_dir: Path, with_test: bool = False,
                flat_ok: bool = False) -> tuple[str, ...]:
    """``("train", "validation")``, and ``"test"`` when ``with_test`` and the
    folder has a ``test`` folder; ``("all",)`` when ``flat_ok`` and the folder is
    a flat folder of classes (``is_flat``) (07_your_own_data)."""
    if flat_ok and is_flat(data_dir):
        return (ALL_SPLIT,)
    if with_test and (Path(data_dir) / TEST_SPLIT).is_dir():
        return (*SPLITS, TEST_SPLIT)
    return SPLITS


def is_flat(data_dir: str | os.PathLike) -> bool:
    """Whether ``data_dir`` holds class folders directly (``my_photos/<class>/``):
    sub-folders, but neither ``train`` nor ``validation``."""
    data_dir = Path(data_dir)
    if any((data_dir / split).is_dir() for split in SPLITS):
        return False
    return any(p.is_dir() and not p.name.startswith(".") for p in data_dir.iterdir())


def locate_split(data_dir: Path, split: str) -> Path:
    """The folder of ``split``: the dataset folder itself for ``ALL_SPLIT``."""
    return Path(data_dir) if split == ALL_SPLIT else Path(data_dir) / split


def inspect_image(path: str) -> tuple[str, str]:
    """Classify one file as ``("ok"|"decoder"|"convert"|"skip", detail)``.

    ``ok``: a colour JPEG TensorFlow reads directly. ``decoder``: readable by
    ``tf.io.decode_image`` with ``channels=3`` (grayscale, RGBA, PNG, BMP, GIF).
    ``convert``: needs a converted copy (CMYK, 16-bit, huge, other formats).
    ``skip``: not an image, not a regular file, or it does not decode; detail
    says why. A photo whose EXIF says to turn it gets an upright copy
    (TensorFlow's decoder ignores EXIF).
    """
    from PIL import Image, UnidentifiedImageError

    irregular = describe_irregular(path)
    if irregular:
        return "skip", irregular
    try:
        with Image.open(path) as im:
            fmt, mode, size = im.format, im.mode, im.size
            orientation = read_orientation(im)
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
    if mode.startswith("I;16") or mode in ("CMYK", "YCbCr", "I", "F", "LAB", "HSV"):
        return "convert", f"{mode} image"
    if orientation in range(2, 9):
        return "convert", "EXIF-rotated image"
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


def read_orientation(image) -> int:
    """The EXIF orientation of an open image, 1 (upright) if none or unreadable."""
    try:
        return int(image.getexif().get(ORIENTATION_TAG, 1))
    except Exception:  # noqa: BLE001 - a damaged EXIF block: the pixels still count
        return 1


def find_value_range(values, mode: str) -> tuple[float, float]:
    """The pixel values that map to 0 and 255: the bit depth's range when the
    values fit in it (0-1 for float images, 0-255, 0-65535), else their own."""
    if mode.startswith("I;16"):
        return 0.0, 65535.0
    low, high = float(values.min()), float(values.max())
    tops = ((1.0,) if mode == "F" else ()) + (255.0, 65535.0)
    for top in tops:
        if low >= 0 and high <= top:
            return 0.0, top
    return low, max(high, low + 1.0)


def convert_to_rgb(image):
    """An open image as 8-bit RGB, faithfully (01_data, 05_evaluation).

    16-bit and 32-bit pixel values (modes ``I;16*``, ``I``, ``F``) are scaled to
    0-255 by ``find_value_range``; Pillow's ``convert("RGB")`` would clip every
    value above 255 to white.
    """
    import numpy as np
    from PIL import Image

    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        values = np.nan_to_num(np.asarray(image, dtype=np.float64))
        low, high = find_value_range(values, image.mode)
        scaled = np.rint((values - low) * (255.0 / (high - low)))
        image = Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8))
    return image.convert("RGB")


def convert_image(src: str, dst: Path) -> Path:
    """Write an upright RGB JPEG copy of ``src`` at ``dst``, no side over
    ``MAX_SIDE`` (EXIF orientation applied, see ``convert_to_rgb``)."""
    from PIL import Image, ImageOps

    with Image.open(src) as im:
        im = convert_to_rgb(ImageOps.exif_transpose(im))
        im.thumbnail((MAX_SIDE, MAX_SIDE))
        return write_atomically(dst, lambda tmp: im.save(tmp, "JPEG", quality=95))


def _fingerprint(files: list[Path], irregular: list) -> str:
    h = hashlib.sha256(f"{CHECK_FORMAT}\n".encode())
    for path in files:
        st = path.stat()
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for path, reason in irregular:
        h.update(f"{path}\0{reason}\n".encode())
    return h.hexdigest()


def check_dataset(
    data_dir: str | os.PathLike,
    work_dir: str | os.PathLike | None = None,
    progress: bool = True,
    max_classes: int | None = BINARY_CLASSES,
    with_test: bool = False,
    flat_ok: bool = False,
) -> DatasetReport:
    """Check every file of a dataset folder and return the usable ones (01_data).

    Structural problems raise ``DatasetError`` (see ``check_layout``; more than
    ``max_classes`` classes too, two by default: the notebooks 01-06 are
    binary, ``None`` lists any number: 07_your_own_data). With ``with_test``,
    a ``test`` folder is checked too, when there is one, and becomes the
    report's third split. With ``flat_ok``, a flat folder of class folders
    (``my_photos/<class>/``) is one split, ``ALL_SPLIT``. Files that are not
    images, do not decode or are not regular files are skipped and listed in the
    report. CMYK, 16-bit,
    EXIF-rotated, huge and other unusual images get an upright RGB JPEG copy
    under ``work_dir`` (the dataset itself is never modified).

    With a ``work_dir`` the result is remembered there, keyed by the files' names,
    sizes and modification times, so checking again costs nothing; a
    remembered result that is unreadable or of another shape is made again.
    """
    data_dir = Path(data_dir).resolve()
    check_layout(data_dir, max_classes, with_test, flat_ok)
    splits = find_splits(data_dir, with_test, flat_ok)
    scanned = {split: scan_split(locate_split(data_dir, split)) for split in splits}
    listed = {split: files for split, (files, _) in scanned.items()}
    irregular = [entry for split in splits for entry in scanned[split][1]]
    all_files = [Path(p) for split in splits for p in listed[split].paths]
    key = _fingerprint(all_files, irregular)
    memo = Path(work_dir) / "dataset_check.json" if work_dir else None
    if memo and memo.is_dir():
        memo = None  # something else is in the cache's place: work without it
    remembered = memo and read_check_cache(memo, key, data_dir)
    if remembered:
        return remembered

    from tqdm.auto import tqdm

    report = DatasetReport(data_dir, {})
    report.skipped.extend((os.path.relpath(path, data_dir), reason)
                          for path, reason in irregular)
    # absolute: split.json lists these copies, and is read from other folders
    convert_root = Path(work_dir).resolve() / "converted" if work_dir else None
    bar = tqdm(total=len(all_files), desc="Checking images", disable=not progress,
               unit="img", mininterval=1.0)
    for split in splits:
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


def read_check_cache(memo: Path, key: str, data_dir: Path) -> DatasetReport | None:
    """The report remembered in ``memo`` for these files, or ``None``: also when
    it is unreadable, of another shape, or lists a file that is gone (a cache is
    a cache: it is made again)."""
    try:
        saved = read_json(memo)
        if (saved.get("format"), saved.get("key"), saved.get("data_dir")) != (
                CHECK_FORMAT, key, str(data_dir)):
            return None
        report = _report_from_json(saved)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    paths = [p for files in report.splits.values() for p in files.paths]
    return report if all(os.path.isfile(p) for p in paths) else None


def _report_to_json(report: DatasetReport, key: str) -> dict:
    return {
        "format": CHECK_FORMAT,
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
    """The report saved by ``_report_to_json``; ``ValueError`` if of another shape."""
    order = (*SPLITS, TEST_SPLIT, ALL_SPLIT)  # the JSON's keys are sorted
    splits = {
        s: ImageFiles(tuple(map(str, v["paths"])), tuple(v["labels"]),
                      tuple(map(str, v["class_names"])))
        for s, v in sorted(saved["splits"].items(),
                           key=lambda item: order.index(item[0])
                           if item[0] in order else len(order))
    }
    counts = [Counter({str(k): int(n) for k, n in saved[name].items()})
              for name in ("converted", "decoder_handles")]
    skipped = [(str(path), str(reason)) for path, reason in saved["skipped"]]
    for files in splits.values():
        n_classes = len(files.class_names)
        if (len(files.labels) != len(files.paths) or not all(
                type(y) is int and 0 <= y < n_classes for y in files.labels)):
            raise ValueError("labels do not match the files and classes")
    if set(splits) != {ALL_SPLIT} and not (
            set(SPLITS) <= set(splits) <= {*SPLITS, TEST_SPLIT}):
        raise ValueError("not the splits of a dataset")
    return DatasetReport(Path(saved["data_dir"]), splits, skipped, *counts)
