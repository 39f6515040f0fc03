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
(none of these)        the tutorial's URLs, downloaded once into the Keras cache
=====================  =====================================================

Downloads go to a temporary name and are verified before they are renamed into the
cache; a zip is extracted to a temporary folder, entry by entry, refusing any entry
that would land outside it. So the cache never holds a partial copy.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

DATASET_NAME = "cats_and_dogs_filtered"
DATASET_ZIP = f"{DATASET_NAME}.zip"
DATASET_URL = f"https://storage.googleapis.com/mledu-datasets/{DATASET_ZIP}"
#: The tutorial's ``weights="imagenet"`` at 160 px downloads this file.
WEIGHTS_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5"
WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
    + WEIGHTS_FILE
)
#: Parameters of MobileNetV2 (alpha 1.0, no top), BatchNorm statistics included.
WEIGHTS_PARAMS = 2_257_984
#: Image counts of the real dataset, per split and class.
DATASET_COUNTS = {
    "train/cats": 1000, "train/dogs": 1000,
    "validation/cats": 500, "validation/dogs": 500,
}
COMPLETE_MARKER = ".complete"
FIX = (
    "To work offline, point at local copies: TL_DATA_DIR=<folder or zip of "
    f"{DATASET_NAME}> and TL_WEIGHTS=<{WEIGHTS_FILE} or another MobileNetV2 "
    "no_top .h5>. To use a classroom mirror: TL_MIRROR=http://<host>:<port>/. "
    "On a machine with network, `make fetch` downloads both into the cache."
)


class AssetError(RuntimeError):
    """An asset could not be found, downloaded or verified; says what to do."""


def get_cache_dir() -> Path:
    """The Keras cache (``$KERAS_HOME`` or ``~/.keras``), as the tutorial uses."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


def _split_urls(value: str) -> list[str]:
    return [u for u in re.split(r"[\s,]+", value.strip()) if u]


def get_origins(file_name: str, url_env: str, default_url: str) -> list[str]:
    """URLs to try for one asset, in order (see the module docstring)."""
    if os.environ.get(url_env):
        return _split_urls(os.environ[url_env])
    origins = [
        base.rstrip("/") + "/" + file_name
        for base in _split_urls(os.environ.get("TL_MIRROR", ""))
    ]
    return origins + [default_url]


def download(origins: list[str], dest: Path, progress: bool = True,
             label: str | None = None) -> Path:
    """Download the first origin that works to ``dest``, atomically.

    The file is written to a temporary name beside ``dest`` and renamed only when
    the byte count matches the server's Content-Length. Raises ``AssetError``
    listing what each origin answered.
    """
    from tqdm.auto import tqdm

    dest.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for url in origins:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https", "file"):
            failures.append(f"{url}: not a valid URL; write it as http://host:port/...")
            continue
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial",
                                        dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(
                url, timeout=30
            ) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                          desc=label or dest.name, disable=not progress) as bar:
                    done = 0
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
                        done += len(chunk)
                        bar.update(len(chunk))
            if total is not None and done != total:
                raise AssetError(f"truncated: got {done} of {total} bytes")
            os.replace(tmp, dest)
            return dest
        except urllib.error.HTTPError as e:
            failures.append(f"{url}: HTTP {e.code} {e.reason}")
        except urllib.error.URLError as e:
            failures.append(f"{url}: cannot connect ({e.reason})")
        except (OSError, AssetError) as e:
            failures.append(f"{url}: {e}")
        finally:
            if tmp.exists():
                tmp.unlink()
    raise AssetError(
        f"Could not download {label or dest.name}. Tried:\n  " + "\n  ".join(failures)
        + f"\n{FIX}"
    )


def safe_extract(zip_path: Path, target: Path) -> Path:
    """Extract ``zip_path`` into the new folder ``target``, refusing unsafe entries.

    Absolute paths, ``..`` components and symbolic links are refused before
    anything is written. Raises ``AssetError`` for a corrupt or truncated zip.
    """
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for info in zf.infolist():
                name = PurePosixPath(info.filename.replace("\\", "/"))
                is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
                if name.is_absolute() or ".." in name.parts or re.match(
                    r"^[A-Za-z]:", info.filename
                ) or is_link:
                    raise AssetError(
                        f"{zip_path.name} holds an unsafe entry {info.filename!r} "
                        "(outside the target folder or a link); nothing was "
                        "extracted. Get the zip from a trusted source."
                    )
            bad = zf.testzip()
            if bad is not None:
                raise AssetError(f"{zip_path.name} is corrupt (bad CRC in {bad}). "
                                 "Download it again.")
            target.mkdir(parents=True)
            zf.extractall(target)
    except (zipfile.BadZipFile, EOFError) as e:
        raise AssetError(
            f"{zip_path.name} is not a complete zip file ({e}): the download was "
            "probably cut off. Delete it and download it again."
        ) from e
    return target


def find_dataset_root(folder: Path) -> Path | None:
    """The folder holding ``train/`` and ``validation/``: ``folder`` or a child."""
    candidates = [folder, folder / DATASET_NAME] + sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("__")
    ) if folder.is_dir() else []
    for candidate in candidates:
        if (candidate / "train").is_dir() and (candidate / "validation").is_dir():
            return candidate
    return None


def make_mirror(folder: Path, progress: bool = True) -> list[Path]:
    """Put both assets in ``folder``, named as a mirror serves them (``make mirror``).

    The dataset zip comes from the cache (or is built from a local dataset folder);
    the weights file from the cache or ``TL_WEIGHTS``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = get_dataset_dir(progress)
    cached_zip = get_cache_dir() / "datasets" / DATASET_ZIP
    local = Path(os.environ.get("TL_DATA_DIR", "")).expanduser()
    target = folder / DATASET_ZIP
    if os.environ.get("TL_DATA_DIR") and local.is_file():
        shutil.copyfile(local, target)
    elif not os.environ.get("TL_DATA_DIR") and cached_zip.exists():
        shutil.copyfile(cached_zip, target)
    else:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                    dir=folder)
        os.close(fd)
        tmp = Path(name)
        try:
            with zipfile.ZipFile(tmp, "w") as zf:
                for path in sorted(data_dir.rglob("*")):
                    if path.is_file() and path.name != COMPLETE_MARKER:
                        zf.write(path, f"{DATASET_NAME}/{path.relative_to(data_dir)}")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    weights = folder / WEIGHTS_FILE
    shutil.copyfile(get_weights_path(progress), weights)
    return [target, weights]


def count_images(data_dir: Path) -> dict[str, int]:
    """Number of files per ``split/class`` folder (used by ``make fetch``)."""
    counts = {}
    for split in ("train", "validation"):
        for class_dir in sorted(p for p in (data_dir / split).iterdir() if p.is_dir()):
            key = f"{split}/{class_dir.name}"
            counts[key] = sum(1 for p in class_dir.iterdir() if p.is_file())
    return counts


def extract_dataset(zip_path: Path, dest: Path) -> Path:
    """Extract a dataset zip to ``dest`` atomically and check its layout."""
    from .data import check_layout

    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial",
                                 dir=dest.parent))
    try:
        safe_extract(zip_path, work / "x")
        root = find_dataset_root(work / "x")
        if root is None:
            raise AssetError(
                f"{zip_path.name} does not hold a train/ and a validation/ folder. "
                f"Use the {DATASET_ZIP} of the tutorial or a zip of the same layout."
            )
        check_layout(root)
        (root / COMPLETE_MARKER).write_text(f"extracted from {zip_path.name}\n")
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


def get_dataset_dir(progress: bool = True) -> Path:
    """The dataset folder: a local copy, the cache, or a fresh download (01_data).

    Returns a folder with ``train/`` and ``validation/`` inside.
    """
    from .data import check_layout

    local = os.environ.get("TL_DATA_DIR")
    cache = get_cache_dir() / "datasets"
    if local:
        path = Path(local).expanduser()
        if not path.exists():
            raise AssetError(f"TL_DATA_DIR={local} does not exist. {FIX}")
        if path.is_file():
            if not zipfile.is_zipfile(path):
                raise AssetError(
                    f"TL_DATA_DIR={local} is a file but not a zip. Point it at the "
                    "dataset folder or at its zip."
                )
            st = path.resolve().stat()
            key = hashlib.sha256(
                f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()
            ).hexdigest()[:10]
            dest = cache / f"{DATASET_NAME}-from-{path.stem}-{key}"
            if not (dest / COMPLETE_MARKER).exists():
                extract_dataset(path, dest)
            return dest
        root = find_dataset_root(path)
        check_layout(root or path)
        return root
    dest = cache / DATASET_NAME
    if (dest / COMPLETE_MARKER).exists():
        return dest
    if dest.exists():
        raise AssetError(
            f"{dest} exists but was not completed by this project (an interrupted "
            "extraction, or the tutorial's own download). Move it away or delete "
            "it, then run again."
        )
    cache.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{DATASET_ZIP}.", suffix=".partial",
                                dir=cache)
    os.close(fd)
    zip_path = Path(name)
    try:
        download(get_origins(DATASET_ZIP, "TL_DATA_URL", DATASET_URL), zip_path,
                 progress, label=DATASET_ZIP)
        extract_dataset(zip_path, dest)
        os.replace(zip_path, cache / DATASET_ZIP)  # kept: an instructor can serve it
    finally:
        zip_path.unlink(missing_ok=True)
    check_layout(dest)
    return dest


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
    """Check that ``path`` holds MobileNetV2 no_top weights; raise ``AssetError``."""
    import tensorflow as tf

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


def get_weights_path(progress: bool = True, verify: bool = True) -> Path:
    """Path of the ImageNet MobileNetV2 no_top weights (03_feature_extraction).

    Pass it as ``weights=`` to ``tf.keras.applications.MobileNetV2``.
    """
    local = os.environ.get("TL_WEIGHTS")
    if local:
        path = Path(local).expanduser()
        if not path.is_file():
            raise AssetError(f"TL_WEIGHTS={local} is not a file. {FIX}")
        return verify_weights(path) if verify else path
    dest = get_cache_dir() / "models" / WEIGHTS_FILE
    if dest.is_file():
        return verify_weights(dest) if verify else dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{WEIGHTS_FILE}.", suffix=".h5",
                                dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        download(get_origins(WEIGHTS_FILE, "TL_WEIGHTS_URL", WEIGHTS_URL), tmp,
                 progress, label=WEIGHTS_FILE)
        verify_weights(tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest
