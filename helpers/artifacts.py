"""Artifacts: what one notebook saves and the next one loads.

Every write goes to a temporary file in the same folder first and is renamed into
place only once complete, so a crash or a kernel interrupt never leaves a
half-written model or history that a later notebook would load
(taught in 03_feature_extraction and 04_fine_tuning).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

ARTIFACTS_ENV = "TL_ARTIFACTS_DIR"


class MissingArtifactError(FileNotFoundError):
    """A notebook needs a file that an earlier notebook writes."""


def get_artifacts_dir(default: str | os.PathLike = "../artifacts") -> Path:
    """The folder for models, histories and figures (every notebook's setup).

    ``TL_ARTIFACTS_DIR`` overrides ``default``; the folder is created if needed.
    """
    path = Path(os.environ.get(ARTIFACTS_ENV) or default).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _temp_path(path: Path) -> Path:
    # Keep the suffix: Keras refuses to save a model whose name lacks ".keras".
    fd, name = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=f".partial{''.join(path.suffixes)}",
        dir=path.parent,
    )
    os.close(fd)
    return Path(name)


def replace_atomically(path: str | os.PathLike, write) -> Path:
    """Call ``write(tmp_path)``, then rename the temporary file onto ``path``.

    If ``write`` raises, the temporary file is removed and ``path`` keeps its
    previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def save_model(model, path: str | os.PathLike) -> Path:
    """Save a Keras model in the native ``.keras`` format, atomically (03, 04)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"{path}: a model file name must end in '.keras'")
    return replace_atomically(path, lambda tmp: model.save(tmp))


def save_json(data, path: str | os.PathLike) -> Path:
    """Write ``data`` as indented JSON, atomically (03, 04)."""
    text = json.dumps(data, indent=2, sort_keys=True, default=_jsonable)
    return replace_atomically(path, lambda tmp: Path(tmp).write_text(text + "\n"))


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def require_artifact(path: str | os.PathLike, notebook: str) -> Path:
    """Return ``path`` if it exists, else say which notebook creates it (04, 05)."""
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
    """Load a saved ``.keras`` model, naming the notebook that writes it (04, 05)."""
    import tensorflow as tf

    from .compat import register_custom_layers

    register_custom_layers()
    return tf.keras.models.load_model(require_artifact(path, notebook))
