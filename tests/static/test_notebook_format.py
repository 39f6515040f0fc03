"""The notebooks' format, read and never run. Each notebook and its ``.py`` twin
agree, with one parameters cell and prose before every code cell; only 01 (and
07) hold the split settings, and no smoke switch sits in the lesson; the badge
row names its notebook and loads no image from the web, and the setup cell is
short, a form on Colab, collapsed in JupyterLab (``scripts/badges.py``); the
course's plumbing sits in cells tagged ``course`` and stays small
(``scripts/plumbing.py --check``), and ``scripts/nbrun.py`` injects its values
after the switches cell; environment.yml agrees with requirements.txt.
"""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import badges
import jupytext
import nbformat
import nbrun
import plumbing
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# -- pairs, cells and settings ------------------------------------------------

def test_there_are_paired_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "00_check", "01_data", "02_augmentation", "03_feature_extraction",
        "04_fine_tuning", "05_evaluation", "06_going_faster", "07_your_own_data",
        "08_scaling_up", "09_share_your_model",
    ]


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_and_py_pair_agree(ipynb):
    import jupytext

    py = ipynb.parent / "py" / (ipynb.stem + ".py")
    assert py.exists(), f"{py.name} is missing: run `make sync`"
    a, b = jupytext.read(ipynb), jupytext.read(py)
    cells = lambda nb: [(c.cell_type, c.source.strip(),  # noqa: E731
                         c.metadata.get("tags", [])) for c in nb.cells]
    assert cells(a) == cells(b), f"{ipynb.name} and {py.name} differ: run `make sync`"
    tags = [c.metadata.get("tags", []) for c in a.cells]
    assert sum("parameters" in t for t in tags) == 1, "one tagged parameters cell"
    assert a.cells[0].cell_type == "markdown" and a.cells[0].source.startswith("# ")


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_follows_prose(ipynb):
    """A sentence of prose before each code cell (excepted: the parameters cell,
    which the setup section introduces, and the course's own cells, tagged
    ``course``: collapsed, or one call explained in docs/course-cells.md)."""
    import jupytext

    nb = jupytext.read(ipynb)
    orphans = [
        cell.source.splitlines()[0]
        for before, cell in zip(nb.cells, nb.cells[1:])
        if cell.cell_type == "code" and before.cell_type != "markdown"
        and not {"parameters", "course"} & set(cell.metadata.get("tags", []))
    ]
    assert not orphans, f"code cells without prose before them: {orphans}"


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_badges_point_at_the_notebook_they_sit_in(ipynb):
    """Run in Colab, View on GitHub, Download: right after the title, each link
    naming this notebook at the tag of this version, from pyproject.toml."""
    import nbformat
    from badges import BADGE_MARK, read_config

    repository, ref = read_config()
    nb = nbformat.read(ipynb, as_version=4)
    assert nb.cells[1].cell_type == "markdown"
    assert nb.cells[1].source.startswith(BADGE_MARK), "run `make badges`"
    links = re.findall(r'"(https://[^"]+)"', nb.cells[1].source)
    links = [u for u in links if not u.endswith(".png")]
    slug = repository.removeprefix("https://github.com/")
    assert links == [
        f"https://colab.research.google.com/github/{slug}/blob/{ref}/notebooks/"
        f"{ipynb.name}",
        f"{repository}/blob/{ref}/notebooks/{ipynb.name}",
        f"https://raw.githubusercontent.com/{slug}/{ref}/notebooks/{ipynb.name}",
    ]


def test_only_01_holds_the_split_settings():
    """02-06 and 08 take the image size and the test set from split.json: none of
    them has a setting that could re-split the data. (07 stands alone, on the
    learner's own folder, and splits that folder itself.)"""
    import nbformat

    for path in NOTEBOOKS:
        names = nbrun.parameter_names(nbformat.read(path, as_version=4))
        if path.stem in ("01_data", "07_your_own_data"):
            assert {"BATCH_SIZE", "TEST_FRACTION", "SEED", "IMG_SIZE"} <= names
        else:
            assert not names & {"TEST_FRACTION", "IMG_SIZE"}, path.name


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_smoke_switches_or_nbval_comments_in_the_lesson(ipynb):
    import jupytext
    from badges import SETUP_MARK

    nb = jupytext.read(ipynb.parent / "py" / (ipynb.stem + ".py"))
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                     and not c.source.startswith(SETUP_MARK))
    for switch in ("TL_SMOKE", "NBVAL", "TL_VERBOSE", "google.colab"):
        assert switch not in code, f"{switch} in {ipynb.name}"


def test_environment_yml_matches_requirements():
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    reqs = [x.strip() for x in lines if x.strip() and not x.startswith("#")]

    def normalise(items):
        return sorted(i.lower().replace("_", "-") for i in items)

    assert normalise(pip_section) == normalise(reqs)
    pinned = re.compile(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*")
    assert all(pinned.fullmatch(r) for r in reqs), "pin every requirement with =="
    python = [d for d in env["dependencies"] if isinstance(d, str) and
              d.startswith("python")]
    assert python == ["python=3.11"]


# -- the badge row and the setup cell (scripts/badges.py) --------------------

#: An image loaded from the web: what the badge row must not hold.
WEB_IMAGE = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", re.I)


IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"', re.I | re.S)


def icons(markdown: str) -> list[bytes]:
    """The PNG bytes of every ``data:`` image of a badge row."""
    sources = IMG_SRC.findall(markdown)
    prefix = "data:image/png;base64,"
    assert sources and all(s.startswith(prefix) for s in sources), sources
    return [base64.b64decode("".join(s[len(prefix):].split())) for s in sources]


@pytest.mark.parametrize("edition", badges.EDITIONS, ids=lambda e: e.folder)
def test_the_badge_row_needs_no_network(edition):
    repository, ref = badges.read_config()
    cell = badges.badge_cell("01_data", repository, ref, edition)
    assert not WEB_IMAGE.search(cell)
    pngs = icons(cell)
    assert len(pngs) == 3
    for png in pngs:
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 1024
        assert struct.unpack(">II", png[16:24]) == (32, 32)  # IHDR width, height
    assert max(map(len, cell.splitlines())) <= 120  # the URLs; the icons wrap


def notebook_paths():
    return [p for edition in badges.EDITIONS
            for p in sorted((ROOT / edition.folder).glob("[0-9][0-9]_*.ipynb"))]


@pytest.mark.parametrize("path", notebook_paths(),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_notebook_loads_a_badge_image_from_the_web(path):
    nb = nbformat.read(path, as_version=4)
    row = next(c.source for c in nb.cells if c.source.startswith(badges.BADGE_MARK))
    assert not WEB_IMAGE.search(row), f"{path.name}: run `make badges`"
    assert len(icons(row)) == 3


def test_the_setup_cell_is_five_lines_and_a_form_on_colab():
    repository, ref = badges.read_config()
    lines = badges.setup_cell(repository, ref).splitlines()
    assert len(lines) <= 5
    assert lines[0].startswith("# @title ") and lines[0].startswith(badges.SETUP_MARK)
    assert f"%pip install --quiet --no-deps git+{repository}@{ref}" in lines[-1]
    assert badges.SETUP_METADATA["tags"] == ["course"]
    assert badges.SETUP_METADATA["jupyter"] == {"source_hidden": True}
    assert badges.SETUP_METADATA["cellView"] == "form"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """``badges.py --root`` on a copy of both editions and the READMEs."""
    root = tmp_path_factory.mktemp("badges")
    for name in ("notebooks", "notebooks-hi"):
        shutil.copytree(ROOT / name, root / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in ("README.md", "README.hi.md", "jupytext.toml"):
        shutil.copy(ROOT / name, root / name)
    assert badges.main(["--root", str(root), "--unpublished"]) == 0
    return root


def test_badges_writes_the_setup_cell_into_both_twins(written):
    repository, ref = badges.read_config()
    expected = badges.setup_cell(repository, ref)
    for edition in badges.EDITIONS:
        for py in sorted((written / edition.folder / "py").glob("[0-9][0-9]_*.py")):
            ipynb = py.parent.parent / f"{py.stem}.ipynb"
            for nb in (jupytext.read(py), nbformat.read(ipynb, as_version=4)):
                code = [c for c in nb.cells if c.cell_type == "code"]
                assert code[0].source == expected, py
                assert badges.SETUP_METADATA.items() <= code[0].metadata.items()
                assert sum(c.source.startswith((badges.SETUP_MARK,
                                                badges.OLD_SETUP_MARK))
                           for c in code) == 1
                assert nb.cells[1].source == badges.badge_cell(
                    py.stem, repository, ref, edition)
            text = py.read_text()
            assert "# %% tags=[\"course\"] jupyter={\"source_hidden\": true} " \
                   "cellView=\"form\" active=\"ipynb\"\n# # @title " in text
            assert "TL_COURSE_SOURCE" not in text


def test_the_written_py_files_are_valid_and_short_lined(written):
    """ruff: no syntax error (the %pip line) and no line over 88 characters."""
    files = sorted(map(str, written.glob("notebooks*/py/*.py")))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config",
         str(ROOT / "pyproject.toml"), "--select", "E501,E9", *files],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_badges_changes_nothing_the_second_time(written, capsys):
    capsys.readouterr()
    assert badges.main(["--root", str(written), "--unpublished"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if not line.startswith("unpublished")] == []


# -- the course's plumbing (scripts/plumbing.py, scripts/nbrun.py) -----------

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


@pytest.mark.parametrize(
    "ipynb", sorted(ROOT.glob("notebooks*/[0-9][0-9]_*.ipynb")),
    ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_stored_outputs_show_no_machine_path_and_no_stderr(ipynb):
    """What a learner reads in the stored outputs: paths relative to the notebook
    or the dataset folder (never the author's machine), and no stderr block (the
    kernel leaves TensorFlow's C++ log lines in the terminal)."""
    import re

    import nbformat

    machine = re.compile(r"(?<![\w.])(/(home|root|tmp|work|Users|content)/|[A-Z]:\\)")
    for number, cell in enumerate(nbformat.read(ipynb, as_version=4).cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert not machine.search(text), (
                f"{ipynb.name} cell {number} prints a machine path: "
                f"{machine.search(text).group(0)!r}")
            assert out.get("name") != "stderr", (
                f"{ipynb.name} cell {number} has a stderr block: {text[:200]}")


#: Tools for testing and linting: requirements-dev.txt, never a learner's laptop.
DEV_TOOLS = {"pytest", "pytest-xdist", "nbval", "ruff", "nbclient", "nbformat",
             "pyyaml", "packaging", "playwright"}


def requirement_names(path: Path) -> set[str]:
    lines = path.read_text().splitlines()
    return {re.split(r"[=<>\[ ]", x.strip())[0].lower().replace("_", "-")
            for x in lines if x.strip() and not x.startswith(("#", "-"))}


def test_a_learner_installs_no_test_tools_and_make_setup_installs_both():
    learner = requirement_names(ROOT / "requirements.txt")
    assert not learner & DEV_TOOLS, f"test tools: {learner & DEV_TOOLS}"
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in dev.splitlines()
    assert {"pytest", "nbval", "ruff", "pytest-xdist"} <= requirement_names(
        ROOT / "requirements-dev.txt")
    assert "-r requirements-dev.txt" in (ROOT / "Makefile").read_text()
