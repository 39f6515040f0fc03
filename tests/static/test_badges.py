"""scripts/badges.py's guard before publishing for Colab, and the GPU runtime
every notebook asks Colab for."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import badges
import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = "https://github.com/tl-course/transfer-learning-course"


@pytest.mark.parametrize("repository, remote, says", [
    ("https://github.com/<owner>/transfer-learning-course", HERE, "a placeholder"),
    ("https://github.com/OWNER/course", HERE, "a placeholder"),
    ("https://github.com/your-name/course", HERE, "a placeholder"),
    ("https://github.com/example/course", HERE, "a placeholder"),
    ("https://gitlab.com/tl-course/transfer-learning-course", HERE,
     "not a GitHub repository address"),
    ("https://github.com/tl-course", HERE, "not a GitHub repository address"),
    (HERE, None, "no git remote 'origin'"),
    (HERE, "https://github.com/someone-else/transfer-learning-course.git",
     "another repository's code"),
])
def test_badges_refuse_an_address_that_is_not_this_projects(repository, remote, says):
    problem = badges.check_address(repository, remote)
    assert problem is not None and says in problem
    assert "pyproject.toml" in problem or "--unpublished" in problem


@pytest.mark.parametrize("remote", [
    HERE, HERE + ".git", HERE + "/",
    "git@github.com:tl-course/transfer-learning-course.git",
    "ssh://git@github.com/TL-Course/transfer-learning-course.git",
])
def test_badges_accept_the_remote_in_any_spelling(remote):
    assert badges.check_address(HERE, remote) is None


def test_make_badges_stops_before_writing_anything(tmp_path):
    """A checkout with no remote: the script exits 1, says why, changes nothing."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "notebooks" / "py").mkdir(parents=True)
    py = tmp_path / "notebooks" / "py" / "01_data.py"
    py.write_text((ROOT / "notebooks" / "py" / "01_data.py").read_text())
    before = py.read_bytes()
    assert badges.main(["--root", str(tmp_path)]) == 1
    assert py.read_bytes() == before


@pytest.mark.parametrize("ipynb", sorted(ROOT.glob("notebooks*/[0-9][0-9]_*.ipynb")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_notebook_asks_colab_for_a_gpu(ipynb):
    metadata = json.loads(ipynb.read_text(encoding="utf-8"))["metadata"]
    assert metadata.get("accelerator") == "GPU", "run `make badges`"
    assert metadata.get("colab", {}).get("gpuType") == "T4"
