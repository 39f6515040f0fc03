"""helpers/stages.py: what each notebook saves and loads, owned in one place.

Saved and loaded round trip, results of the wrong shape, a model of another
split, which stages are in a folder; and that no other file of the project
spells the stages' file names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import errors, stages

ROOT = Path(__file__).resolve().parents[2]
SPLIT = SimpleNamespace(id="abc123", settings={"test_fraction": 0.2, "seed": 123})
OTHER_SPLIT = SimpleNamespace(id="def456", settings={"test_fraction": 0.5, "seed": 1})
HISTORY = {"epoch": [0, 1], "loss": [0.5, 0.4], "val_accuracy": [0.6, 0.7]}


def tiny_model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])


def test_every_stage_names_its_notebook_and_files():
    for name, stage in stages.STAGES.items():
        assert stage.name == name and re.fullmatch(r"0\d_[a-z_]+", stage.notebook)
        assert stage.files and all(stages.find_stage_of(f) is stage
                                   for f in stage.files)
    assert stages.find_stage_of("nothing.json") is None
    assert set(stages.CATCH_UP_STAGES) <= set(stages.STAGES)
    with pytest.raises(KeyError, match="the stages are"):
        stages.get_stage("nonsense")


def test_save_stage_and_load_stage_round_trip(tmp_path):
    import numpy as np

    model = tiny_model()
    written = stages.save_stage(tmp_path, "fine_tuning", SPLIT, model,
                                history=HISTORY, epochs=2)
    assert written == stages.list_paths(tmp_path, "fine_tuning")
    assert written == [stages.model_path(tmp_path, "fine_tuning"),
                       stages.results_path(tmp_path, "fine_tuning")]
    assert stages.has_stage(tmp_path, "fine_tuning")
    loaded, results = stages.load_stage(tmp_path, "fine_tuning", SPLIT)
    assert results["split_id"] == SPLIT.id and results["history"] == HISTORY
    assert "peak_memory_mib" in results
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_stage_without_a_model_saves_its_results_alone(tmp_path):
    written = stages.save_stage(tmp_path, "fast_path", SPLIT, val_accuracy=0.9)
    assert written == [stages.results_path(tmp_path, "fast_path")]
    assert stages.load_results(tmp_path, "fast_path", SPLIT)["val_accuracy"] == 0.9


def test_has_stage_needs_every_file(tmp_path):
    assert not stages.has_stage(None, "fine_tuning")
    assert not stages.has_stage(tmp_path, "fine_tuning")
    stages.save_stage(tmp_path, "fine_tuning", SPLIT, history=HISTORY)  # no model
    assert not stages.has_stage(tmp_path, "fine_tuning")
    stages.save_stage(tmp_path, "fine_tuning", SPLIT, tiny_model(), history=HISTORY)
    assert stages.has_stage(tmp_path, "fine_tuning")
    stages.model_path(tmp_path, "fine_tuning").unlink()
    assert not stages.has_stage(tmp_path, "fine_tuning")


def test_a_missing_stage_names_the_notebook_to_run(tmp_path):
    with pytest.raises(errors.MissingArtifactError,
                       match="Run the notebook 04_fine_tuning first"):
        stages.load_stage(tmp_path, "fine_tuning", SPLIT)


def test_a_model_of_another_split_is_refused(tmp_path):
    stages.save_stage(tmp_path, "feature_extraction", SPLIT, tiny_model(),
                      history=HISTORY, epochs=2)
    with pytest.raises(errors.ArtifactMismatchError,
                       match="another split.*Re-run 03_feature_extraction"):
        stages.load_stage(tmp_path, "feature_extraction", OTHER_SPLIT)
    stages.check_same_split({"split_id": SPLIT.id}, SPLIT, "04_fine_tuning")
    with pytest.raises(errors.ArtifactMismatchError, match="split def456"):
        stages.check_same_split({"split_id": SPLIT.id}, OTHER_SPLIT, "04")


GOOD_RESULTS = {"split_id": "abc", "epochs": 2, "peak_memory_mib": 1.0,
                "history": {"epoch": [0, 1], "loss": [0.5, 0.4]}}
BAD_RESULTS = [
    ("cut-short", json.dumps(GOOD_RESULTS)[:40], "not complete JSON"),
    ("not-utf8", b"\xff\xfe\x00garbage", "not complete JSON"),
    ("a-list", "[1, 2]", "it holds a list, not keys"),
    ("no-history", {**GOOD_RESULTS, "history": None}, "'history' is missing"),
    ("history-a-list", {**GOOD_RESULTS, "history": [0.5, 0.4]},
     "'history' is missing or not a dict"),
    ("ragged-history", {**GOOD_RESULTS, "history": {"epoch": [0, 1], "loss": [1]}},
     "not one list of values per epoch"),
    ("no-epoch-list", {**GOOD_RESULTS, "history": {"loss": [1, 2]}},
     "not one list of values per epoch"),
    ("epochs-disagree", {**GOOD_RESULTS, "epochs": 3},
     "its history has 2 epochs, its 'epochs' says 3"),
    ("epochs-a-string", {**GOOD_RESULTS, "epochs": "2"}, "'epochs' is missing"),
    ("epochs-a-bool", {**GOOD_RESULTS, "epochs": True}, "'epochs' is missing"),
    ("no-split-id", {k: v for k, v in GOOD_RESULTS.items() if k != "split_id"},
     "'split_id' is missing"),
]


@pytest.mark.parametrize("content, message", [c[1:] for c in BAD_RESULTS],
                         ids=[c[0] for c in BAD_RESULTS])
def test_results_of_the_wrong_shape_name_the_notebook_to_run_again(
        tmp_path, content, message):
    path = stages.results_path(tmp_path, "feature_extraction")
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(errors.UnusableArtifactError) as err:
        stages.load_results(tmp_path, "feature_extraction")
    text = str(err.value)
    assert message in text and str(path) in text
    assert "Run the notebook 03_feature_extraction again" in text
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_good_results_load(tmp_path):
    from helpers import artifacts

    artifacts.save_json(GOOD_RESULTS, stages.results_path(tmp_path, "fine_tuning"))
    assert stages.load_results(tmp_path, "fine_tuning") == GOOD_RESULTS
    assert stages.find_shape_problem(GOOD_RESULTS, {}) is None


# -- nobody else spells the stages' file names -----------------------------------

OWNED_NAMES = ("feature_extraction.keras", "feature_extraction_results.json",
               "fine_tuned.keras", "fine_tuning_results.json")
ALLOWED = {"helpers/stages.py", "tests/unit/test_stages.py"}


def find_spellings(folders) -> list[str]:
    """``path:line`` of every line outside ``ALLOWED`` that spells a name."""
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).glob("**/*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if any(name in line for name in OWNED_NAMES):
                    found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_the_names_match_the_stages():
    spelled = {n for s in ("feature_extraction", "fine_tuning")
               for n in stages.get_stage(s).files}
    assert spelled == set(OWNED_NAMES)


def test_only_stages_spells_the_file_names_in_the_code_and_tests():
    assert find_spellings(["helpers", "scripts", "tests"]) == []
    assert (ROOT / "tests" / "unit" / "test_stages.py").is_file()  # ALLOWED is right


def test_only_stages_spells_the_file_names_in_the_notebooks():
    assert find_spellings(["notebooks/py", "notebooks-hi/py"]) == []
