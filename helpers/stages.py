"""What each notebook saves for the ones after it, in one place.

A *stage* is what one notebook hands on: the split (01), the feature-extraction
model and its numbers (03), the fine-tuned model and its numbers (04), and the
end points of 05, 06 and 07. This module owns their file names, which notebook
makes each (so a missing file says what to run), the shape of each results
JSON, and the check that a model was trained on the split in use. Notebooks,
the catch-up, the scripts and the tests ask it; nothing else spells the names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .artifacts import (
    load_json,
    load_model,
    peak_memory_mib,
    read_json,
    report_damaged,
    save_json,
    save_model,
)
from .errors import ArtifactMismatchError


@dataclass(frozen=True)
class Stage:
    """One notebook's hand-over: its model and results files (either may be
    ``None``), and the keys (with types) its results must hold."""

    name: str
    notebook: str
    model: str | None = None
    results: str | None = None
    expected: dict = field(default_factory=dict)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(n for n in (self.model, self.results) if n)


#: Every stage, by name. ``split``'s one file is 01's ``split.json``;
#: ``cleaned_split``'s is the same kind of file, written by 06.
STAGES = {
    stage.name: stage for stage in (
        Stage("split", "01_data", results="split.json"),
        Stage("feature_extraction", "03_feature_extraction",
              model="feature_extraction.keras",
              results="feature_extraction_results.json",
              expected={"split_id": str, "history": dict, "epochs": int}),
        Stage("fine_tuning", "04_fine_tuning", model="fine_tuned.keras",
              results="fine_tuning_results.json",
              expected={"split_id": str, "history": dict}),
        Stage("evaluation", "05_evaluation", model="cats_vs_dogs.keras",
              results="evaluation_results.json"),
        Stage("fast_path", "06_going_faster", results="fast_path_results.json"),
        # 01's split without the files a learner marked in 06 (fix the labels);
        # no other notebook reads it, so their models keep naming 01's split
        Stage("cleaned_split", "06_going_faster", results="split_cleaned.json"),
        Stage("own_data", "07_your_own_data", model="own_data_fine_tuned.keras",
              results="own_data_results.json"),
        Stage("scaling_up", "08_scaling_up", model="scaling_up.keras",
              results="scaling_up_results.json"),
    )
}
#: The stages a later notebook can catch up on (``catchup.ensure``), in order.
CATCH_UP_STAGES = ("split", "feature_extraction", "fine_tuning")


def get_stage(name: str) -> Stage:
    """The stage called ``name``; ``KeyError`` naming the known ones."""
    try:
        return STAGES[name]
    except KeyError:
        raise KeyError(f"no stage {name!r}; the stages are {sorted(STAGES)}") from None


def find_stage_of(file_name: str) -> Stage | None:
    """The stage that saves ``file_name``, or ``None``."""
    return next((s for s in STAGES.values() if file_name in s.files), None)


def model_path(folder: str | os.PathLike, name: str) -> Path:
    """Where stage ``name`` keeps its model in ``folder``."""
    return Path(folder) / get_stage(name).model


def results_path(folder: str | os.PathLike, name: str) -> Path:
    """Where stage ``name`` keeps its results (``split``: the split) in
    ``folder``."""
    return Path(folder) / get_stage(name).results


def list_paths(folder: str | os.PathLike, name: str) -> list[Path]:
    """Every file stage ``name`` saves, in ``folder`` (the results last)."""
    return [Path(folder) / n for n in get_stage(name).files]


def has_stage(folder, name: str) -> bool:
    """Whether every file of stage ``name`` is in ``folder`` (``None``: no)."""
    return folder is not None and all(
        (Path(folder) / n).exists() for n in get_stage(name).files)


def find_stage_problem(folder, name: str) -> tuple[str, str] | None:
    """``(file name, why)`` for the first file of stage ``name`` in ``folder``
    that cannot be used (missing, not a complete ``.keras`` zip, not complete
    JSON, results of the wrong shape), or ``None``. Opens no model."""
    import zipfile

    stage = get_stage(name)
    for path in list_paths(folder, name):
        if not path.is_file():
            return path.name, "it is missing or not a file"
    if stage.model is not None and not zipfile.is_zipfile(model_path(folder, name)):
        return stage.model, "it is not a complete .keras file"
    try:
        results = read_json(results_path(folder, name))
    except (OSError, ValueError) as e:
        return stage.results, f"it is not complete JSON ({e})"
    problem = find_shape_problem(results, stage.expected)
    return (stage.results, problem) if problem else None


def find_shape_problem(data, expected: dict) -> str | None:
    """Why ``data`` does not hold ``expected`` keys and types, or ``None``.

    A ``history`` must map names to lists of one value per epoch, ``epoch``
    among them, and have ``epochs`` entries where ``epochs`` is given.
    """
    if not expected:
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


def load_results(folder: str | os.PathLike, name: str, split=None) -> dict:
    """Stage ``name``'s results JSON, checked for its shape and, with ``split``
    (``splits.Split``), for having been made on that split."""
    stage = get_stage(name)
    path = results_path(folder, name)
    results = load_json(path, stage.notebook)
    problem = find_shape_problem(results, stage.expected)
    if problem:
        raise report_damaged(path, stage.notebook, problem)
    if split is not None:
        check_same_split(results, split, stage.notebook)
    return results


def load_stage(folder: str | os.PathLike, name: str, split) -> tuple:
    """``(model, results)`` that stage ``name`` saved, made on ``split`` (04, 05).

    A missing or damaged file names the notebook to run; a model trained on
    another split stops with ``ArtifactMismatchError``.
    """
    results = load_results(folder, name, split)
    model = load_model(model_path(folder, name), get_stage(name).notebook)
    return model, results


def save_stage(folder: str | os.PathLike, name: str, split, model=None,
               **numbers) -> list[Path]:
    """Save stage ``name``: ``model`` (if the stage has one) and its results,
    each atomically, with the split's id (which ``check_same_split`` compares
    later) and this process's peak memory added to ``numbers``. Returns the
    paths written."""
    stage = get_stage(name)
    written = []
    if stage.model is not None and model is not None:
        written.append(save_model(model, model_path(folder, name)))
    results = {"split_id": split.id, "peak_memory_mib": peak_memory_mib(),
               **numbers}
    written.append(save_json(results, results_path(folder, name)))
    return written


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
