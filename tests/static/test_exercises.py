"""The exercises at the end of each notebook: at least three, each with a folded
hint and a folded worked solution; solution code only in the smoke copies.

Fast: nothing here runs a notebook (``make smoke`` runs the solutions)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import nbrun
import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The course's lessons, each ending with exercises (00_check is a check, not a
#: lesson: it has none).
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                   if p.stem != "00_check")
HINT = re.compile(r"<details>\s*<summary>\s*Hint\s*</summary>\n\n.*?\n\n</details>",
                  re.DOTALL)
SOLUTION = re.compile(
    r"<details>\s*<summary>\s*Solution\s*</summary>\n\n.*?\n\n</details>", re.DOTALL)


def exercise_cells(nb) -> list:
    """The markdown cells after ``## Exercises`` that start ``### Exercise``."""
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                 and c.source.startswith("## Exercises"))
    return [c for c in nb.cells[start + 1:] if c.cell_type == "markdown"
            and c.source.startswith("### Exercise")]


def read(path: Path):
    return nbformat.read(path, as_version=4)


def test_every_notebook_is_checked():
    assert [p.stem[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(1, 10)]


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_at_least_three_exercises_each_with_hint_and_solution(ipynb):
    nb = read(ipynb)
    assert nb.cells[-1].cell_type == "markdown"
    exercises = exercise_cells(nb)
    assert len(exercises) >= 3, f"{ipynb.name}: {len(exercises)} exercises"
    for number, cell in enumerate(exercises, 1):
        title = cell.source.splitlines()[0]
        assert title.startswith(f"### Exercise {number} "), title
        # One hint, then one solution, each folded with a blank line after the
        # summary (so the markdown inside renders) and before </details>.
        assert len(HINT.findall(cell.source)) == 1, title
        assert len(SOLUTION.findall(cell.source)) == 1, title
        assert cell.source.index("Hint") < cell.source.index("Solution"), title
        assert cell.source.count("<details>") == cell.source.count("</details>") == 2
        # Whatever code the solution holds, it is in the solution, nowhere else.
        code = nbrun.solution_blocks(cell.source)
        assert cell.source.count("```python") == len(code), title


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_code_in_the_learners_code_cells(ipynb):
    """"Run all" never runs a solution: no code cell holds one, or is tagged."""
    nb = read(ipynb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(nbrun.SOLUTION_TAG in c.metadata.get("tags", [])
                   for c in nb.cells)
    blocks = [b for c in exercise_cells(nb) for b in nbrun.solution_blocks(c.source)]
    assert blocks, f"{ipynb.name} has no solution code at all"
    for block in blocks:
        lines = [x for x in block.splitlines() if x.strip() and not x.startswith("#")]
        for cell in code_cells:
            assert not all(x in cell.source for x in lines), (
                f"{ipynb.name}: a code cell holds a solution:\n{block[:200]}")


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_solution_code_is_valid_python(ipynb):
    import ast

    for cell in exercise_cells(read(ipynb)):
        for block in nbrun.solution_blocks(cell.source):
            ast.parse(block)
            assert max(map(len, block.splitlines())) <= 88


EXAMPLE = """### Exercise 1 (predict): example
Do this.

<details><summary>Hint</summary>

Think. Not collected:

```python
print("hint")
```

</details>

<details><summary>Solution</summary>

First part:

```python
a = 1
```

then the second:

```python
assert a == 1
```

</details>
"""
WORDS_ONLY = """### Exercise 2 (think): no code
<details><summary>Hint</summary>

Look.

</details>

<details>
<summary>Solution</summary>

Because. A `python` word and ``` fences without a language are not code:

```
not run
```

</details>
"""


def test_solution_blocks_two_blocks_none_and_hints_left_out():
    assert nbrun.solution_blocks(EXAMPLE) == ["a = 1", "assert a == 1"]
    assert nbrun.solution_blocks(WORDS_ONLY) == []
    assert nbrun.solution_blocks("no exercise here") == []


def test_append_solutions_in_order_tagged_and_only_once():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("x = 0"),
                nbformat.v4.new_markdown_cell(EXAMPLE),
                nbformat.v4.new_markdown_cell(WORDS_ONLY),
                nbformat.v4.new_markdown_cell(EXAMPLE.replace("a = 1", "b = 2"))]
    nbrun.append_solutions(nb)
    nbrun.append_solutions(nb)  # again: the same cells, not twice as many
    added = [c for c in nb.cells if nbrun.SOLUTION_TAG in c.metadata.get("tags", [])]
    code = [c for c in added if c.cell_type == "code"]
    assert [c.source for c in code] == ["a = 1", "assert a == 1", "b = 2",
                                        "assert a == 1"]
    assert nb.cells[-len(added):] == added, "appended at the end"
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)
    nbformat.validate(nb)

    empty = nbformat.v4.new_notebook()
    empty.cells = [nbformat.v4.new_markdown_cell(WORDS_ONLY)]
    assert len(nbrun.append_solutions(empty).cells) == 1


def test_smoke_copies_end_with_the_tagged_solution_cells(tmp_path):
    written = nbrun.write_smoke_copies(tmp_path)
    assert [p.name for p in written] == [p.name for p in nbrun.notebook_paths()]
    assert {p.name for p in NOTEBOOKS} <= {p.name for p in written}
    for path, original in zip(written, nbrun.notebook_paths()):
        copy = read(path)
        expected = [b for c in read(original).cells if c.cell_type == "markdown"
                    for b in nbrun.solution_blocks(c.source)]
        tagged = [c for c in copy.cells
                  if nbrun.SOLUTION_TAG in c.metadata.get("tags", [])]
        code = [c for c in tagged if c.cell_type == "code"]
        assert [c.source for c in code] == expected, path.name
        if original in NOTEBOOKS:
            assert code, f"{path.name}: no solution cell appended"
        if code:
            assert copy.cells[-len(code):] == code, "the solutions come last"
        injected = [c for c in copy.cells
                    if nbrun.INJECTED in c.metadata.get("tags", [])]
        assert len(injected) == 1, "the smoke parameters are still injected"


def test_the_colab_lanes_copies_hold_the_lesson_only(tmp_path):
    """make colab-test (--no-solutions): the notebook as "Run all" runs it, with
    the smoke parameters; the solutions ran in make smoke."""
    written = nbrun.write_smoke_copies(tmp_path, ["03"], solutions=False)
    copy = read(written[0])
    original = read(nbrun.notebook_paths(["03"])[0])
    assert not [c for c in copy.cells
                if nbrun.SOLUTION_TAG in c.metadata.get("tags", [])]
    assert len(copy.cells) == len(original.cells) + 1  # the injected parameters
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "nbrun.py"), "smoke", "--out",
         str(tmp_path / "cli"), "--only", "03", "--no-solutions"],
        capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert read(tmp_path / "cli" / written[0].name).cells == copy.cells
