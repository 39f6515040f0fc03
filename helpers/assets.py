"""Assets: the dataset and the ImageNet weights, from a cache, a mirror or a copy.

Taught in 01_data (dataset) and 03_feature_extraction (weights). Where each asset
comes from, first match wins:

=====================  =====================================================
``TL_DATA_DIR``        a local dataset folder (train/ and validation/ inside,
                       or a ``cats_and_dogs_filtered`` folder), or a local zip
``TL_WEIGHTS``         a local MobileNetV2 no_top ``.h5`` weights file
``TL_DATA_URL``        dataset zip URL(s), tried in order (space or comma separated)
``TL_WEIGHTS_URL``     weights URL(s), tried in order
``TL_MIRROR``          a base URL serving both files by their file names
                       (an instructor's ``python -m http.server``), tried first
(none of these)        the tutorial's URLs (the dataset has two), downloaded once
                       into the Keras cache
=====================  =====================================================

The weights land where ``weights="imagenet"`` looks for them
(``$KERAS_HOME/models``), so the notebooks keep the tutorial's ``"imagenet"``.
(Over 250 lines: two assets, each from a local copy, the cache or a download,
each verified; the generic download and unzip code is in ``downloads``.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

from . import compat, settings
from .artifacts import make_partial_dir, write_atomically
from .checks import check_layout
from .downloads import download, safe_extract, split_urls
from .errors import AssetError

__all__ = ["get_dataset_dir", "prepare_weights", "verify_weights"]

DATASET_NAME = "cats_and_dogs_filtered"
DATASET_ZIP = f"{DATASET_NAME}.zip"
#: The dataset's addresses, tried in order: the one the course's tutorial version
#: uses, then the one tensorflow.org's newer tutorial uses (the same zip).
DATASET_URLS = (
    f"https://storage.googleapis.com/mledu-datasets/{DATASET_ZIP}",
    "https://storage.googleapis.com/download.tensorflow.org/example_images/"
    + DATASET_ZIP,
)
#: The tutorial's ``weights="imagenet"`` at 160 px downloads this file.
WEIGHTS_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5"
WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
    + WEIGHTS_FILE
)
#: Image counts of the real dataset, per split and class.
DATASET_COUNTS = {
    "train/cats": 1000, "train/dogs": 1000,
    "validation/cats": 500, "validation/dogs": 500,
}
#: Parameters of MobileNetV2 (alpha 1.0, no top), BatchNorm statistics included.
WEIGHTS_PARAMS = 2_257_984
#: Weights files known to be right, by sha256: accepted without loading them.
KNOWN_WEIGHTS_SHA256 = {
    # MobileNetV2 1.0 224 no_top rebuilt from the TF-slim ImageNet checkpoint
    # (the course's offline copy for classrooms).
    "71e4c4ec4aa24c9c951b9265d6de42e1336dcf614c2214fa6a989208615e232c",
}
COMPLETE_MARKER = ".complete"
FIX = (
    "To work offline, point at local copies: TL_DATA_DIR=<folder or zip of "
    f"{DATASET_NAME}> and TL_WEIGHTS=<{WEIGHTS_FILE} or another MobileNetV2 "
    "no_top .h5>. To use a classroom mirror: TL_MIRROR=http://<host>:<port>/. "
    "On a machine with network, `make fetch` downloads both into the cache."
)


def get_cache_dir() -> Path:
    """The Keras cache (``$KERAS_HOME`` or ``~/.keras``), as the tutorial uses."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


def make_cache_subdir(name: str) -> Path:
    """``<cache>/<name>``, made if needed; ``AssetError`` naming ``KERAS_HOME``
    when the cache or that folder is a file, lies inside one, or cannot be
    made (before anything is downloaded)."""
    path = get_cache_dir() / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise AssetError(
            f"The Keras cache folder {path} cannot be made ({type(e).__name__}: "
            f"{e.strerror or e}): KERAS_HOME={get_cache_dir()} must name a "
            "folder you can write to, where Keras keeps the dataset and the "
            "weights. Set KERAS_HOME to such a folder (or unset it: ~/.keras), "
            "or move away the file in the way."
        ) from e
    return path


def get_origins(file_name: str, url_env: str,
                default_urls: str | tuple[str, ...]) -> list[str]:
    """URLs to try for one asset, in order (see the module docstring)."""
    if settings.resolve(url_env):
        return split_urls(settings.resolve(url_env))
    mirrors = split_urls(settings.resolve("TL_MIRROR") or "")
    defaults = [default_urls] if isinstance(default_urls, str) else list(default_urls)
    return [base.rstrip("/") + "/" + file_name for base in mirrors] + defaults


def find_dataset_root(folder: Path) -> Path | None:
    """The folder holding ``train/`` and ``validation/``: ``folder`` or a child."""
    if not folder.is_dir():
        return None
    candidates = [folder, folder / DATASET_NAME] + sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("__")
    )
    for candidate in candidates:
        if (candidate / "train").is_dir() and (candidate / "validation").is_dir():
            return candidate
    return None


def extract_dataset(zip_path: Path, dest: Path, label: str | None = None) -> Path:
    """Extract a dataset zip to ``dest`` atomically and check its layout.
    Errors name the zip ``label`` (by default its file name)."""
    label = label or zip_path.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = make_partial_dir(dest.parent)
    try:
        safe_extract(zip_path, work / "x", label)
        root = find_dataset_root(work / "x")
        if root is None:
            raise AssetError(
                f"{label} does not hold a train/ and a validation/ folder. "
                f"Use the {DATASET_ZIP} of the tutorial or a zip of the same layout."
            )
        check_layout(root)
        (root / COMPLETE_MARKER).write_text(f"extracted from {label}\n")
        try:
            os.replace(root, dest)
        except OSError:
            if not (dest / COMPLETE_MARKER).exists():  # else: another run won
                raise AssetError(
                    f"{dest} exists and is not a complete dataset. Move it away "
                    "or delete it, then run again."
                ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def _local_dataset(local: str, cache: Path, name: str = "TL_DATA_DIR") -> Path:
    path = Path(local).expanduser()
    if not path.exists():
        raise AssetError(f"{name}={local} does not exist. {FIX}")
    if path.is_dir():
        root = find_dataset_root(path)
        check_layout(root or path)
        return root
    if not path.is_file():  # a named pipe would block the reading below
        raise AssetError(f"{name}={local} is neither a folder nor a regular "
                         "file. Point it at the dataset folder or at its zip.")
    if not zipfile.is_zipfile(path):
        raise AssetError(f"{name}={local} is a file but not a zip. Point it at "
                         "the dataset folder or at its zip.")
    st = path.resolve().stat()
    key = hashlib.sha256(
        f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()
    ).hexdigest()[:10]
    dest = cache / f"{DATASET_NAME}-from-{path.stem}-{key}"
    if not (dest / COMPLETE_MARKER).exists():
        make_cache_subdir(cache.name)
        extract_dataset(path, dest)
    return dest


def get_dataset_dir(progress: bool = True,
                    data_dir: str | os.PathLike | None = None) -> Path:
    """The dataset folder: a local copy, the cache, or a fresh download (01_data).

    The local copy is ``TL_DATA_DIR``, else ``data_dir`` (``settings.resolve``).
    Returns a folder with ``train/`` and ``validation/`` inside.
    """
    cache = get_cache_dir() / "datasets"
    local, source = settings.resolve_with_source("TL_DATA_DIR", data_dir)
    if local:
        return _local_dataset(str(local), cache, source)
    dest = cache / DATASET_NAME
    if (dest / COMPLETE_MARKER).exists():
        return dest
    if dest.exists():
        raise AssetError(
            f"{dest} exists but was not completed by this project (an interrupted "
            "extraction, or the tutorial's own download). Move it away or delete "
            "it, then run again."
        )
    origins = get_origins(DATASET_ZIP, "TL_DATA_URL", DATASET_URLS)
    make_cache_subdir(cache.name)

    def fetch_and_extract(zip_path):
        download(origins, zip_path, progress, label=DATASET_ZIP, fix=FIX,
                 kind="zip")
        extract_dataset(zip_path, dest, label=DATASET_ZIP)

    # The zip is kept beside the dataset (an instructor can serve it), renamed
    # into place only once the dataset extracted from it is complete.
    write_atomically(cache / DATASET_ZIP, fetch_and_extract)
    return dest


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def count_h5_params(path: Path) -> int:
    """Total number of values stored in an ``.h5`` weights file."""
    import h5py

    total = 0

    def visit(_, obj):
        nonlocal total
        if isinstance(obj, h5py.Dataset):
            total += int(obj.size)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return total


def verify_weights(path: Path) -> Path:
    """Check that ``path`` holds MobileNetV2 no_top weights; raise ``AssetError``.

    A file whose sha256 is known is accepted at once; any other is counted and
    loaded into MobileNetV2 (a few seconds).
    """
    import tensorflow as tf

    if sha256_file(path) in KNOWN_WEIGHTS_SHA256:
        return path
    try:
        n = count_h5_params(path)
    except OSError as e:
        raise AssetError(
            f"{path} is not a readable HDF5 weights file ({e}). It may be a "
            f"truncated download: delete it and get {WEIGHTS_FILE} again."
        ) from e
    if n != WEIGHTS_PARAMS:
        raise AssetError(
            f"{path} holds {n:,} values, MobileNetV2 (alpha 1.0, include_top=False) "
            f"has {WEIGHTS_PARAMS:,}. Use a mobilenet_v2_..._1.0_<size>_no_top.h5 "
            "file, or unset TL_WEIGHTS to download the tutorial's."
        )
    try:
        tf.keras.applications.MobileNetV2(
            input_shape=(160, 160, 3), include_top=False, weights=str(path)
        )
    except (ValueError, OSError, KeyError) as e:
        raise AssetError(
            f"{path} does not load into MobileNetV2 (alpha 1.0, no top): {e}"
        ) from e
    return path


def get_weights_path(progress: bool = True, verify: bool = True,
                     weights: str | os.PathLike | None = None) -> Path:
    """The ImageNet MobileNetV2 no_top weights file: a local copy (``TL_WEIGHTS``,
    else ``weights`` unless it is ``"imagenet"``), or the one in the Keras cache,
    downloaded there first if needed."""
    local, source = settings.resolve_with_source("TL_WEIGHTS", weights)
    if local != "imagenet":
        path = Path(local).expanduser()
        if not path.is_file():
            raise AssetError(f"{source}={str(local)!r} is not a file. {FIX}")
        return verify_weights(path) if verify else path
    dest = get_cache_dir() / "models" / WEIGHTS_FILE
    if dest.is_file():
        return verify_weights(dest) if verify else dest
    origins = get_origins(WEIGHTS_FILE, "TL_WEIGHTS_URL", WEIGHTS_URL)
    make_cache_subdir(dest.parent.name)

    def fetch_and_verify(tmp):
        download(origins, tmp, progress, label=WEIGHTS_FILE, fix=FIX, kind="hdf5")
        verify_weights(tmp)

    return write_atomically(dest, fetch_and_verify)


def prepare_weights(weights: str | os.PathLike = "imagenet",
                    progress: bool = True) -> str:
    """What to pass as ``MobileNetV2(weights=...)`` (03_feature_extraction).

    ``TL_WEIGHTS`` wins over ``weights`` (the notebook's ``WEIGHTS``).
    ``"imagenet"``, the tutorial's value, stays ``"imagenet"``: the file Keras
    loads for it is put in the Keras cache first (from ``TL_MIRROR`` or the
    tutorial's URL) and verified. A local copy is verified and its path
    returned.
    """
    path = get_weights_path(progress, weights=weights)
    local = settings.resolve("TL_WEIGHTS", weights) != "imagenet"
    if local or path.parent != compat.find_keras_models_dir():
        return str(path)  # a local copy, or a cache Keras does not look in
    return "imagenet"

