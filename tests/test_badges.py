"""The badge row loads offline, and the Colab cell is short, collapsed and tagged.

``scripts/badges.py`` writes both (``make badges``). The badge row's icons are
``data:`` URIs (no request to tensorflow.org: a classroom without network shows
them too); the setup cell is at most five lines, a titled form on Colab,
collapsed in JupyterLab, active in the notebook only (its ``.py`` twin holds it
commented out, so the ``%pip`` line keeps that file valid Python).
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
import pytest

ROOT = Path(__file__).resolve().parents[1]
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
    assert badges.main(["--root", str(root)]) == 0
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
    assert badges.main(["--root", str(written)]) == 0
    assert capsys.readouterr().out == ""
