"""Artifacts: what one notebook saves and the next one loads.

Every file this project writes goes through ``write_atomically``: a temporary file
in the same folder first, renamed into place only once complete, so a crash or a
kernel interrupt never leaves a half-written model, split or history that a later
notebook would load. Each artifact names the notebook that makes it, so a missing
one says what to run first (taught in 03_feature_extraction and 04_fine_tuning).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from . import settings
from .errors import MissingArtifactError, UnusableArtifactError


def get_artifacts_dir(default: str | os.PathLike | None = None) -> Path:
    """The folder for the split, models and histories (every notebook's setup).

    ``TL_ARTIFACTS_DIR`` wins over ``default`` (the notebook's ``ARTIFACTS_DIR``),
    which wins over ``../artifacts`` (``settings.resolve``). The folder is
    created if needed, and a file written and removed there: a folder that is a
    file or read-only stops here, with the fix, rather than at the first save.
    On Colab a relative path that is not the variable's lands in ``/content``,
    where the Files panel shows it.
    """
    value, source = settings.resolve_with_source("TL_ARTIFACTS_DIR", default)
    path = Path(value).expanduser()
    if (source != "TL_ARTIFACTS_DIR" and not path.is_absolute()
            and "google.colab" in sys.modules):
        path = Path("/content") / path.name
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as e:
        raise UnusableArtifactError(
            f"The artifacts folder {path} cannot be used ({type(e).__name__}: "
            f"{e.strerror or e}): every notebook saves its models and results "
            "there. Set TL_ARTIFACTS_DIR to a folder you can write to, or move "
            "away what is in the way, then run this notebook again."
        ) from e
    return path


#: Temporary names: short, whatever the target's length (a name of 255 bytes
#: is valid, and ``<name>.<random>.partial`` would not be), hidden, marked.
TEMP_PREFIX = ".tl-"
PARTIAL_MARK = ".partial"
#: A hidden ``.partial`` file or folder untouched this long was left by a
#: killed save or download (a live one is written to all the time): removed.
STALE_PARTIAL_SECONDS = 12 * 3600
#: The course's JSON files are small; a larger file is not one of them.
MAX_JSON_BYTES = 64 << 20


def write_atomically(path: str | os.PathLike, write) -> Path:
    """Call ``write(tmp_path)``, then rename the temporary file onto ``path``.

    The temporary file sits beside ``path`` under a short hidden name that
    keeps its last suffix (Keras refuses to save a model whose name lacks
    ".keras"), so a target name of any valid length works. If ``write``
    raises, it is removed and ``path`` keeps its previous content. Stale
    leftovers of a killed save in that folder are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(path.parent)
    suffix = path.suffix if len(path.suffix.encode()) <= 16 else ""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=PARTIAL_MARK + suffix,
                                dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def make_partial_dir(folder: str | os.PathLike) -> Path:
    """A new hidden ``.partial`` folder in ``folder``, with a short name (a
    download's or an extraction's work, renamed or removed when done)."""
    return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, suffix=PARTIAL_MARK,
                                 dir=folder))


def remove_stale_partials(folder: str | os.PathLike,
                          max_age: float | None = None) -> list[Path]:
    """Remove the hidden ``*.partial*`` files and folders in ``folder`` that
    nothing has touched for ``max_age`` seconds (``STALE_PARTIAL_SECONDS``):
    what a killed save, download or extraction left. Returns them."""
    max_age = STALE_PARTIAL_SECONDS if max_age is None else max_age
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not (entry.name.startswith(".") and PARTIAL_MARK in entry.name):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < max_age:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue  # another process took it, or it cannot be removed
        removed.append(Path(entry.path))
    return removed


def read_json(path: str | os.PathLike, max_bytes: int | None = None):
    """The JSON in ``path``: the one way the course reads a JSON file.

    Raises ``ValueError`` saying why for anything that is not complete JSON of
    a sane size: cut short, not UTF-8, nested too deeply for Python's parser
    (which would raise ``RecursionError``), or larger than ``max_bytes``
    (``MAX_JSON_BYTES``); ``OSError`` when it cannot be read.
    """
    max_bytes = MAX_JSON_BYTES if max_bytes is None else max_bytes
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"it is larger than {max_bytes:,} bytes")
    return parse_json(data.decode("utf-8"))


def parse_json(text: str | bytes):
    """``json.loads`` that raises ``ValueError`` for JSON nested too deeply."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("it is nested too deeply to be read (damaged or not "
                         "made by this course)") from None


def save_model(model, path: str | os.PathLike) -> Path:
    """Save a Keras model in the native ``.keras`` format, atomically (03, 04)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"{path}: a model file name must end in '.keras'")
    return write_atomically(path, lambda tmp: model.save(tmp))


def save_json(data, path: str | os.PathLike) -> Path:
    """Write ``data`` as indented JSON, atomically (every notebook that saves)."""
    text = json.dumps(data, indent=2, sort_keys=True, default=_jsonable)
    return write_atomically(path, lambda tmp: Path(tmp).write_text(text + "\n"))


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def require_artifact(path: str | os.PathLike, notebook: str) -> Path:
    """Return ``path`` if it exists, else say which notebook creates it."""
    path = Path(path)
    if not path.exists():
        raise MissingArtifactError(
            f"{path} does not exist yet. Run the notebook {notebook} first "
            f"(it saves this file), then run this notebook again."
        )
    if not path.is_file():
        raise report_damaged(path, notebook, "it is not a file")
    return path


def report_damaged(path: Path, notebook: str, why: str) -> UnusableArtifactError:
    """The error for an artifact that exists but cannot be used."""
    return UnusableArtifactError(
        f"{path} cannot be used: {why}. Run the notebook {notebook} again (it "
        "saves this file, replacing it), then run this notebook again."
    )


def load_json(path: str | os.PathLike, notebook: str):
    """Load a JSON artifact, naming the notebook that writes it if it is missing
    or damaged. (The shape a stage's results must have is checked by
    ``stages.load_results``.)"""
    path = require_artifact(path, notebook)
    try:
        return read_json(path)
    except (OSError, ValueError) as e:
        why = (str(e) if str(e).startswith("it is ")
               else f"it is not complete JSON ({e})")
        raise report_damaged(path, notebook, why) from e


def load_model(path: str | os.PathLike, notebook: str):
    """Load a saved ``.keras`` model, naming the notebook that writes it (04, 05).

    A missing, cut-short or damaged file says to run ``notebook`` again. The
    models hold only Keras' own layers, so plain ``keras.models.load_model``
    reads them too, without this package.
    """
    import keras

    path = require_artifact(path, notebook)
    if not zipfile.is_zipfile(path):
        raise report_damaged(path, notebook, "it is not a complete .keras file "
                             "(cut short or overwritten)")
    try:
        return keras.models.load_model(path)
    except (ValueError, KeyError, TypeError, OSError, EOFError,
            zipfile.BadZipFile) as e:
        raise report_damaged(path, notebook, f"it does not load as a Keras model "
                             f"({type(e).__name__}: {str(e)[:200]})") from e


def peak_memory_mib() -> float | None:
    """Peak resident memory of this process so far, in MiB; ``None`` where the
    operating system does not say (Windows has no ``resource`` module)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def describe_path(path: str | os.PathLike) -> str:
    """``path`` as a message shows it: relative to the current folder (the
    notebook's) when it lies in that folder's parent, the project (so a stored
    output shows ``../artifacts``, never the author's machine), else as given."""
    path, here = Path(path), Path.cwd()
    try:
        inside = path.resolve().is_relative_to(here.parent.resolve())
        return os.path.relpath(path, here) if inside else str(path)
    except (OSError, ValueError):  # another drive on Windows
        return str(path)
