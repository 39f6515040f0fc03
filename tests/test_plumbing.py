"""The course's plumbing sits in cells tagged ``course``, and stays small.

``scripts/plumbing.py --check``: in the lessons (01-05) at most 20% of the code
lines are the course's, and the first code cell a learner sees is the
tutorial's; in every notebook of both editions, persistence, the mirror,
backups, Drive and the Colab install are called from ``course`` cells only. And
``scripts/nbrun.py`` injects its values after the course's ``switches`` cell.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import nbrun
import plumbing
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
BOTH_EDITIONS = [path for folder in nbrun.EDITIONS.values()
                 for path in nbrun.notebook_paths(folder=folder)]


def cell(source: str, *tags: str, hidden: bool = False):
    code = new_code_cell(source)
    if tags:
        code.metadata["tags"] = list(tags)
    if hidden:
        code.metadata["jupyter"] = {"source_hidden": True}
    return code


def lesson(*extra):
    """A small lesson laid out as the notebooks are: the Colab cell, the
    tutorial's imports and parameters, the switches, setup, the lesson."""
    return new_notebook(cells=[
        new_markdown_cell("# 3. A lesson"),
        cell("# @title Colab\nimport sys\n\nif 'google.colab' in sys.modules:\n"
             "    %pip install --quiet --no-deps git+https://example.org/x@v1",
             "course", hidden=True),
        cell("import tensorflow as tf\n\nfrom helpers import catchup, persist"),
        cell("BATCH_SIZE = 32\nINITIAL_EPOCHS = 10", "parameters"),
        cell("ARTIFACTS_DIR = '../artifacts'\nVERBOSE = 1", "course", "switches",
             hidden=True),
        cell("print(catchup.ensure_stage('split', ARTIFACTS_DIR))", "course"),
        *[cell(f"x{i} = tf.constant({i})  # not the mirror") for i in range(30)],
        *extra,
    ])


def write(nb, tmp_path: Path, name: str = "03_lesson.ipynb") -> Path:
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_the_notebooks_pass_the_check(capsys):
    code = plumbing.main(["--check", "--edition", "all"])
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize("path", BOTH_EDITIONS,
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_plumbing_calls_sit_in_course_cells(path):
    counted = plumbing.count(nbformat.read(path, as_version=4), path.stem)
    assert counted.untagged == [], "tag these cells 'course': " + "; ".join(
        f"cell {index}: {line}" for index, line in counted.untagged)


def test_a_well_laid_out_lesson_passes(tmp_path):
    counted = plumbing.count(lesson(), "03_lesson")
    assert plumbing.problems(counted) == []
    assert counted.first_lesson_line == "import tensorflow as tf"
    assert (counted.course_lines, counted.lines) == (3 + 2 + 1, 3 + 2 + 2 + 2 + 1 + 30)
    assert plumbing.main(["--check", str(write(lesson(), tmp_path))]) == 0


def test_an_untagged_plumbing_call_fails_the_check(tmp_path, capsys):
    nb = lesson(cell("catchup.keep(ARTIFACTS_DIR, 'split', use_drive=USE_DRIVE)"))
    found = plumbing.problems(plumbing.count(nb, "03_lesson"))
    assert len(found) == 1 and "catchup.keep(" in found[0], found
    capsys.readouterr()
    assert plumbing.main(["--check", str(write(nb, tmp_path))]) == 1
    assert "catchup.keep(ARTIFACTS_DIR" in capsys.readouterr().out


@pytest.mark.parametrize("line", [
    "run = training.ResumableRun(ARTIFACTS_DIR, 'stage', model)",
    "drive.mount('/content/drive')",
    "folder = persist.folder(USE_DRIVE)",
    "mirror.fetch('fine_tuning')",
    "from google.colab import files",
    "print(catchup.ensure_stage('split', ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))",
    "%pip install something",
])
def test_each_kind_of_plumbing_is_found(line):
    nb = lesson(cell(f"x = 1\n{line}\ny = 2"))
    assert plumbing.count(nb, "03_lesson").untagged == [(len(nb.cells) - 1, line)]


def test_imports_and_comments_are_not_plumbing_calls():
    assert plumbing.calls("from helpers import (\n    mirror,\n    persist,\n)\n"
                          "import helpers.catchup\n"
                          "x = 1  # keep(it) in the mirror\n# catchup.ensure()") \
        == ["x = 1  "]
    assert plumbing.calls("from google.colab import drive") == [
        "from google.colab import drive"]
    assert plumbing.calls("if True:\n    %pip install x") == [
        "if True:", "    %pip install x"]


def test_too_much_plumbing_fails_a_lesson_only():
    heavy = lesson(*[cell(f"timer{i} = 1", "course") for i in range(20)])
    found = plumbing.problems(plumbing.count(heavy, "03_lesson"))
    assert len(found) == 1 and "at most 20%" in found[0], found
    assert plumbing.problems(plumbing.count(heavy, "06_optional")) == []


def test_a_lesson_must_open_with_the_tutorials_code():
    nb = lesson()
    nb.cells.insert(1, cell("print(session.describe_runtime())", "course"))
    found = plumbing.problems(plumbing.count(nb, "03_lesson"))
    assert len(found) == 1 and "first code cell a learner sees" in found[0]
    nb.cells[1].metadata["jupyter"] = {"source_hidden": True}  # collapsed: fine
    assert plumbing.problems(plumbing.count(nb, "03_lesson")) == []


def tags_of(nb) -> list[list[str]]:
    return [c.metadata.get("tags", []) for c in nb.cells]


def test_injected_values_follow_the_switches_cell():
    nb = lesson()
    assert nbrun.injectable_names(nb) == {"BATCH_SIZE", "INITIAL_EPOCHS",
                                          "ARTIFACTS_DIR", "VERBOSE"}
    nbrun.inject_parameters(nb, {"INITIAL_EPOCHS": 1, "VERBOSE": 2})
    switches = tags_of(nb).index(["course", "switches"])
    assert tags_of(nb)[switches + 1] == [nbrun.INJECTED]
    assert nb.cells[switches + 1].source == "# Parameters\nINITIAL_EPOCHS = 1\n" \
                                            "VERBOSE = 2"
    with pytest.raises(KeyError, match="TYPO"):
        nbrun.inject_parameters(nb, {"TYPO": 1})
    nbrun.inject_parameters(nb, {"TYPO": 1, "VERBOSE": 0}, strict=False)
    assert sum(nbrun.INJECTED in t for t in tags_of(nb)) == 1
    assert nbrun.parameter_names(nb) == {"BATCH_SIZE", "INITIAL_EPOCHS"}


def test_without_a_switches_cell_values_follow_the_parameters_cell():
    nb = lesson()
    del nb.cells[4]  # the switches cell
    nbrun.inject_parameters(nb, {"INITIAL_EPOCHS": 1, "VERBOSE": 2}, strict=False)
    at = tags_of(nb).index(["parameters"])
    assert tags_of(nb)[at + 1] == [nbrun.INJECTED]
    assert nb.cells[at + 1].source == "# Parameters\nINITIAL_EPOCHS = 1"
