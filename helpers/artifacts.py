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

ARTIFACTS_ENV = "TL_ARTIFACTS_DIR"
#: What the JSON artifacts that later notebooks read must hold: key -> type.
EXPECTED_KEYS = {
    "feature_extraction_results.json": {"split_id": str, "history": dict,
                                        "epochs": int},
    "fine_tuning_results.json": {"split_id": str, "history": dict},
}


class MissingArtifactError(FileNotFoundError):
    """A notebook needs a file that an earlier notebook writes."""


class ArtifactMismatchError(ValueError):
    """An artifact was made from other data or settings than this notebook's."""


class UnusableArtifactError(MissingArtifactError):
    """An artifact exists but cannot be used: damaged, cut short, of the wrong
    shape, or the artifacts folder is not a folder this process can write to."""


def get_artifacts_dir(default: str | os.PathLike = "../artifacts") -> Path:
    """The folder for the split, models and histories (every notebook's setup).

    ``TL_ARTIFACTS_DIR`` overrides ``default``; the folder is created if needed,
    and a file written and removed there: a folder that is a file or read-only
    stops here, with the fix, rather than at the first save. On Colab a relative
    ``default`` lands in ``/content``, where the Files panel shows it.
    """
    path = Path(os.environ.get(ARTIFACTS_ENV) or default).expanduser()
    if (not os.environ.get(ARTIFACTS_ENV) and not path.is_absolute()
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
            f"there. Set {ARTIFACTS_ENV} to a folder you can write to, or move "
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


def load_json(path: str | os.PathLike, notebook: str, expected: dict | None = None):
    """Load a JSON artifact, naming the notebook that writes it if it is missing,
    damaged, or not of the ``expected`` shape (``stages.find_shape_problem``)."""
    path = require_artifact(path, notebook)
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise report_damaged(path, notebook, f"it is not complete JSON ({e})") from e
    from .stages import find_shape_problem

    if expected is None:  # the shape the stage that saves ``path`` promises
        from .stages import find_stage_of

        stage = find_stage_of(path.name)
        expected = stage.expected if stage else None
    problem = find_shape_problem(data, expected)
    if problem:
        raise report_damaged(path, notebook, problem)
    return data


def find_shape_problem(data, expected: dict | None) -> str | None:
    """Why ``data`` does not hold ``expected`` keys and types, or ``None``.

    A ``history`` must map names to lists of one value per epoch, ``epoch``
    among them, and have ``epochs`` entries where ``epochs`` is given.
    """
    if expected is None:
        return None
    if not isinstance(data, dict):
        return f"it holds a {type(data).__name__}, not keys {sorted(expected)}"
    for key, kind in expected.items():
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            return f"its {key!r} is missing or not a {kind.__name__}"
    history = data.get("history")
    if history is not None:
        lengths = {len(v) if isinstance(v, list) else -1 for v in history.values()}
        if "epoch" not in history or len(lengths) != 1 or -1 in lengths:
            return "its history is not one list of values per epoch"
        if "epochs" in data and lengths != {data["epochs"]}:
            return (f"its history has {lengths.pop()} epochs, its 'epochs' says "
                    f"{data['epochs']}")
    return None


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
    return save_json({"split_id": split.id, "peak_memory_mib": peak_memory_mib(),
                      **numbers}, path)


def peak_memory_mib() -> float | None:
    """Peak resident memory of this process so far, in MiB; ``None`` where the
    operating system does not say (Windows has no ``resource`` module)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
