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
import tempfile
from pathlib import Path

ARTIFACTS_ENV = "TL_ARTIFACTS_DIR"


class MissingArtifactError(FileNotFoundError):
    """A notebook needs a file that an earlier notebook writes."""


class ArtifactMismatchError(ValueError):
    """An artifact was made from other data or settings than this notebook's."""


def get_artifacts_dir(default: str | os.PathLike = "../artifacts") -> Path:
    """The folder for the split, models and histories (every notebook's setup).

    ``TL_ARTIFACTS_DIR`` overrides ``default``; the folder is created if needed.
    """
    path = Path(os.environ.get(ARTIFACTS_ENV) or default).expanduser()
    path.mkdir(parents=True, exist_ok=True)
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
    return path


def load_json(path: str | os.PathLike, notebook: str):
    """Load a JSON artifact, naming the notebook that writes it if it is missing."""
    return json.loads(require_artifact(path, notebook).read_text())


def load_model(path: str | os.PathLike, notebook: str):
    """Load a saved ``.keras`` model, naming the notebook that writes it (04, 05).

    The models hold only Keras' own layers, so plain
    ``keras.models.load_model`` reads them too, without this package.
    """
    import keras

    return keras.models.load_model(require_artifact(path, notebook))


def check_same_split(results: dict, split, notebook: str) -> None:
    """Stop if ``results`` (saved by ``notebook``) came from another split (04, 05).

    A model trained on one split and evaluated on another may be tested on images
    it was validated on. ``split`` is the one 01_data saved (``splits.Split``).
    """
    made_with = results.get("split_id")
    if made_with != split.id:
        raise ArtifactMismatchError(
            f"The model saved by {notebook} was trained on another split of the "
            f"data (split {made_with}) than the one 01_data saved last (split "
            f"{split.id}, made with {split.settings}). 01_data was re-run with "
            f"other settings since. Re-run {notebook} (and the notebooks between), "
            "or re-run 01_data with the settings the model was trained with."
        )


def save_results(path: str | os.PathLike, split, **numbers) -> Path:
    """Save a notebook's results for the notebooks after it (03-06).

    Adds the split's id (which ``check_same_split`` compares later) and this
    process's peak memory to ``numbers``, then writes them as JSON, atomically.
    """
    from .training import peak_memory_mib

    return save_json({"split_id": split.id, "peak_memory_mib": peak_memory_mib(),
                      **numbers}, path)
