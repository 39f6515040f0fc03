"""How much of each notebook is the course's own plumbing, not the tutorial.

    python scripts/plumbing.py                  # the English notebooks
    python scripts/plumbing.py --edition all    # both editions
    python scripts/plumbing.py --check          # exit 1 on a problem
    make plumbing                               # --edition all --check
    python scripts/plumbing.py --check my.ipynb # other notebooks

The course's own cells (the Colab install, the switches, catch-up, keeping work
in a persistent folder, backups, timers) are tagged ``course``
(docs/course-cells.md); the tutorial's are not. For each notebook this prints
the share of its code lines (not blank, not only a comment) in ``course`` cells,
and the first line of its first code cell that is not.

``--check`` fails when, in a lesson (notebooks 01-05), more than 20% of the code
lines are the course's, or the first code cell a learner sees (the first one not
collapsed, ``jupyter.source_hidden``) is a course cell instead of the tutorial's
imports or parameters; and, in every notebook, when a line that calls into
persistence, the classroom mirror, backups, Google Drive or the Colab install
(``PLUMBING``) sits in a cell not tagged ``course``.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbrun

ROOT = Path(__file__).resolve().parents[1]

COURSE = "course"
#: The lessons: their plumbing must stay small and out of the way.
LESSONS = ("01", "02", "03", "04", "05")
MAX_SHARE = 0.20
#: Code that belongs in a ``course`` cell: persistence, the mirror, backups and
#: resumable runs, Google Drive, the Colab install. Importing the course's modules
#: does not count (a tutorial cell may import them); comments do not either.
PLUMBING = re.compile(r"\bcatchup\.|persist|\bmirror\b|\bmirror\.|ResumableRun"
                      r"|google\.colab|%pip\b|drive\.mount|\bkeep\(|ensure_stage\(")


@dataclass
class Count:
    """One notebook's code lines, and what a learner meets first."""

    name: str  # the notebook's stem, NN_name
    folder: str = ""  # its edition's folder, for the table
    lines: int = 0
    course_lines: int = 0
    first_lesson_line: str = ""  # of the first code cell not tagged course
    first_visible_tags: list[str] | None = None  # None: no visible code cell
    first_visible_line: str = ""
    untagged: list[tuple[int, str]] = field(default_factory=list)  # (cell, line)

    @property
    def label(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name

    @property
    def share(self) -> float:
        return self.course_lines / self.lines if self.lines else 0.0


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def is_hidden(cell) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def code_lines(source: str) -> list[str]:
    """The lines that count: neither blank nor only a comment."""
    return [line for line in source.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def first_line(source: str) -> str:
    return next(iter(code_lines(source) or source.splitlines() or [""]))


def is_course_import(node) -> bool:
    """``from helpers import ...`` or ``import helpers...``: a tutorial cell may
    import the course's modules (calling them is another matter)."""
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "helpers"
    return isinstance(node, ast.Import) and all(
        alias.name.split(".")[0] == "helpers" for alias in node.names)


def calls(source: str) -> list[str]:
    """The lines of ``source`` that ``PLUMBING`` looks at: code without its
    comments, imports of the course's own modules left out. IPython's ``%`` and
    ``!`` lines are kept whole."""
    lines = source.splitlines()
    magic = {i for i, line in enumerate(lines, 1)
             if line.lstrip().startswith(("%", "!"))}
    python = "\n".join(re.sub(r"\S.*", "pass", line) if i in magic else line
                       for i, line in enumerate(lines, 1))
    try:
        tree = ast.parse(python)
        comments = [t for t in tokenize.generate_tokens(io.StringIO(python).readline)
                    if t.type == tokenize.COMMENT]
    except (SyntaxError, tokenize.TokenError):
        return [line.split("#")[0] for line in code_lines(source)]
    imports = {n for node in ast.walk(tree) if is_course_import(node)
               for n in range(node.lineno, node.end_lineno + 1)}
    for token in comments:
        row, col = token.start
        lines[row - 1] = lines[row - 1][:col]
    return [line for i, line in enumerate(lines, 1)
            if line.strip() and (i in magic or i not in imports)]


def count(nb, name: str, folder: str = "") -> Count:
    """Count one notebook (an ``nbformat`` notebook) named ``name``."""
    result = Count(name, folder)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = len(code_lines(cell.source))
        result.lines += lines
        course = COURSE in tags(cell)
        if course:
            result.course_lines += lines
        elif not result.first_lesson_line:
            result.first_lesson_line = first_line(cell.source)
        if result.first_visible_tags is None and not is_hidden(cell):
            result.first_visible_tags = tags(cell)
            result.first_visible_line = first_line(cell.source)
        if not course:
            result.untagged += [(index, line.strip()) for line in calls(cell.source)
                                if PLUMBING.search(line)]
    return result


def problems(counted: Count) -> list[str]:
    """What ``--check`` fails on, one sentence each."""
    found = []
    if counted.name[:2] in LESSONS:
        if counted.share > MAX_SHARE:
            found.append(f"{counted.label}: {counted.share:.0%} of the code lines are "
                         f"in '{COURSE}' cells (at most {MAX_SHARE:.0%})")
        visible = counted.first_visible_tags
        if visible is None or not set(visible) <= {"parameters"}:
            found.append(f"{counted.label}: the first code cell a learner sees is not "
                         f"the tutorial's (tags {visible}): "
                         f"{counted.first_visible_line!r}")
    found += [f"{counted.label}: cell {index} is not tagged '{COURSE}' but runs "
              f"course plumbing: {line!r}" for index, line in counted.untagged]
    return found


def read(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def table(counts: list[Count]) -> str:
    rows = [f"{'notebook':<32} {'code lines':>10} {COURSE:>7} {'share':>6}  "
            "first code cell not tagged course"]
    rows += [f"{c.label:<32} {c.lines:>10} {c.course_lines:>7} {c.share:>6.0%}  "
             f"{c.first_lesson_line[:60]}" for c in counts]
    return "\n".join(rows)


README_START, README_END = "<!-- plumbing-table -->", "<!-- /plumbing-table -->"


def indent(text: str) -> str:
    """A code block in markdown: each line indented four spaces."""
    return "\n".join("    " + line for line in text.splitlines())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help=".ipynb files (default: an edition's notebooks)")
    parser.add_argument("--edition", choices=[*sorted(nbrun.EDITIONS), "all"],
                        default="en", help="en: notebooks/, hi: notebooks-hi/")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a notebook breaks the rules above, or if "
                        "README.md's table is not this run's")
    parser.add_argument("--readme", action="store_true",
                        help="write the English notebooks' table into README.md")
    args = parser.parse_args(argv)
    paths = args.notebooks or [
        path for edition in (sorted(nbrun.EDITIONS) if args.edition == "all"
                             else [args.edition])
        for path in nbrun.notebook_paths(folder=nbrun.EDITIONS[edition])]
    counted = {path: count(read(path), path.stem, path.parent.name)
               for path in paths}
    counts = list(counted.values())
    print(table(counts))
    if not (args.readme or args.check):
        return 0
    english = [counted.get(p) or count(read(p), p.stem, p.parent.name)
               for p in nbrun.notebook_paths(folder=nbrun.EDITIONS["en"])]
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    current = text[:start] + README_START + "\n" + indent(table(english)) + "\n" + (
        text[end:])
    if args.readme and current != text:
        readme.write_text(current, encoding="utf-8")
        print("updated README.md")
    if not args.check:
        return 0
    found = [problem for c in counts for problem in problems(c)]
    if current != text:
        found.append("README.md's plumbing table is not current: run "
                     "`python scripts/plumbing.py --readme`")
    for problem in found:
        print("FAIL", problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
