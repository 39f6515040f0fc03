"""scripts/editions.py end to end, on a copy of the project: changing English
code rewrites the Hindi twin (and its .ipynb), changing English prose makes its
translation stale (unless listed as pending), and a Hindi cell that cannot be
paired stops the script without writing. (That the Hindi notebooks are what the
script writes now: tests/static/test_editions.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_editions(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "editions.py"),
                           *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def project_copy(tmp_path):
    """What the script reads and writes, copied: notebooks, scripts, settings."""
    root = tmp_path / "project"
    for name in ("notebooks", "notebooks-hi", "scripts", "docs/images"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("pyproject.toml", "jupytext.toml", "README.md", "README.hi.md"):
        shutil.copy(ROOT / name, root / name)
    return root


def test_changing_english_code_changes_the_hindi_twin(project_copy):
    english = project_copy / "notebooks" / "py" / "03_feature_extraction.py"
    hindi = project_copy / "notebooks-hi" / "py" / "03_feature_extraction.py"
    old = "global_average_layer = tf.keras.layers.GlobalAveragePooling2D()"
    new = "global_average_layer = tf.keras.layers.GlobalAveragePooling2D()  # 5x5 -> 1"
    assert old in hindi.read_text(encoding="utf-8")
    english.write_text(english.read_text(encoding="utf-8").replace(old, new),
                       encoding="utf-8")
    checked = run_editions(project_copy, "--check")
    assert checked.returncode == 1
    assert "03_feature_extraction.py is not current" in checked.stderr
    done = run_editions(project_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert new in hindi.read_text(encoding="utf-8")
    ipynb = project_copy / "notebooks-hi" / "03_feature_extraction.ipynb"
    assert new in ipynb.read_text(encoding="utf-8")  # synced to the .ipynb too
    assert run_editions(project_copy, "--check").returncode == 0


def test_changing_english_prose_makes_its_translation_stale(project_copy):
    import jupytext

    english = project_copy / "notebooks" / "py" / "04_fine_tuning.py"
    nb = jupytext.read(english)
    prose = [c for c in nb.cells if c.cell_type == "markdown"
             and c.source.startswith("## Continue training")]
    assert len(prose) == 1
    prose[0].source += "\nOne more sentence."
    jupytext.write(nb, english, fmt="py:percent")
    done = run_editions(project_copy, "--check")
    assert done.returncode == 1
    assert "stale: notebooks-hi/04_fine_tuning" in done.stderr
    assert "'## Continue training'" in done.stderr
    # listed as knowingly pending, the same cell is reported but not a failure
    key = done.stderr.split("'## Continue training' (")[1].split(")")[0]
    (project_copy / "notebooks-hi" / "pending.json").write_text(
        json.dumps({"04_fine_tuning": [key]}), encoding="utf-8")
    done = run_editions(project_copy, "--check")
    assert done.returncode == 0, done.stderr
    assert "pending: notebooks-hi/04_fine_tuning" in done.stdout


def test_a_hindi_cell_that_cannot_be_paired_stops_the_script(project_copy):
    """No Hindi text is dropped silently: an extra Hindi markdown cell with no
    recorded English twin is an error that says what to do."""
    hindi = project_copy / "notebooks-hi" / "py" / "02_augmentation.py"
    before = hindi.read_text(encoding="utf-8")
    marker = "# %% tags=[\"parameters\"]"
    assert marker in before
    hindi.write_text(before.replace(marker, "# %% [markdown]\n# एक नया वाक्य\n\n"
                                    + marker, 1), encoding="utf-8")
    changed = hindi.read_text(encoding="utf-8")
    done = run_editions(project_copy)
    assert done.returncode == 1
    assert "has no English twin to pair with" in done.stderr
    assert "एक नया वाक्य" in done.stderr
    assert hindi.read_text(encoding="utf-8") == changed  # nothing written
