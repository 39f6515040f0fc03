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
import sys
import tempfile
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


def write_atomically(path: str | os.PathLike, write) -> Path:
    """Call ``write(tmp_path)``, then rename the temporary file onto ``path``.

    The temporary file sits beside ``path`` and keeps its suffix (Keras refuses
    to save a model whose name lacks ".keras"). If ``write`` raises, it is
    removed and ``path`` keeps its previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.",
                                suffix=f".partial{''.join(path.suffixes)}",
                                dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


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
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise report_damaged(path, notebook, f"it is not complete JSON ({e})") from e


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
