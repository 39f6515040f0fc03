"""Write each notebook's badge row and Colab setup cell from pyproject.toml.

    make badges        # = python scripts/badges.py

The repository URL (``[project.urls] Repository``) and the version are kept in
one place, pyproject.toml. Every notebook gets, right after its title, the badge
row TensorFlow's notebooks use (Run in Google Colab, View on GitHub, Download
notebook), pointing at the notebook itself at the tag ``v<version>``; and, as its
first code cell, the setup cell that on Colab installs the course at that same
tag. Run it after changing either; the tests fail while a notebook disagrees.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BADGE_MARK = '<table class="tfo-notebook-buttons" align="left">'
SETUP_MARK = "# Colab: install this course"
SETUP_PROSE = ("*On Colab*, the next cell installs this course's `helpers` at this\n"
               "notebook's version; anywhere else it does nothing.")


def read_config() -> tuple[str, str]:
    """(repository URL, git ref) from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["urls"]["Repository"].rstrip("/"), f"v{project['version']}"


def badge_cell(name: str, repository: str, ref: str) -> str:
    """The markdown of the badge row for ``notebooks/<name>.ipynb``."""
    path = f"{repository.removeprefix('https://github.com/')}/blob/{ref}/notebooks/"
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/")
    img = "https://www.tensorflow.org/images"
    links = (
        (f"https://colab.research.google.com/github/{path}{name}.ipynb",
         "colab_logo_32px.png", "Run in Google Colab", ' target="_blank"'),
        (f"{repository}/blob/{ref}/notebooks/{name}.ipynb",
         "GitHub-Mark-32px.png", "View on GitHub", ' target="_blank"'),
        (f"{raw}/{ref}/notebooks/{name}.ipynb",
         "download_logo_32px.png", "Download notebook", ""),
    )
    lines = [BADGE_MARK]
    for url, logo, label, target in links:
        # Each URL on a line of its own: lines stay short but for the URL.
        lines += [f"  <td><a{target} href=", f'  "{url}">',
                  f'  <img src="{img}/{logo}" />', f"  {label}</a></td>"]
    return "\n".join(lines + ["</table>"])


def setup_cell(repository: str, ref: str) -> str:
    """The first code cell: on Colab, install the course at ``ref``."""
    return f'''{SETUP_MARK} at this notebook's version (elsewhere: nothing).
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    source = os.environ.get("TL_COURSE_SOURCE",
                            "git+{repository}")
    package = f"{{source}}@{ref}"
    # --no-deps: Colab's own TensorFlow, Keras and numpy are kept as they are.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    package], check=True)
    print("installed the course's helpers from", package)'''


def update_notebook(py: Path, repository: str, ref: str) -> bool:
    """Put the badge row and the setup cell into one ``.py`` notebook; return
    whether it changed (then run ``make sync``)."""
    import jupytext
    from nbformat.v4 import new_code_cell, new_markdown_cell

    nb = jupytext.read(py)
    badges = new_markdown_cell(badge_cell(py.stem, repository, ref))
    setup = new_code_cell(setup_cell(repository, ref))
    cells = [c for c in nb.cells if not (c.source.startswith(BADGE_MARK)
                                         or c.source.startswith(SETUP_MARK)
                                         or c.source.startswith(SETUP_PROSE[:30]))]
    title = cells[0]
    if "\n" in title.source.strip():  # split "# Title\n\ntext" in two cells
        head, rest = title.source.split("\n", 1)
        title.source = head
        cells.insert(1, new_markdown_cell(rest.strip()))
    cells.insert(1, badges)
    first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    # before the prose that introduces the first code cell ("## Setup ...")
    cells[first_code - 1:first_code - 1] = [new_markdown_cell(SETUP_PROSE), setup]
    before = py.read_text()
    nb.cells = cells
    jupytext.write(nb, py, fmt="py:percent")
    return py.read_text() != before


README_START, README_END = "<!-- colab-table -->", "<!-- /colab-table -->"


def readme_table(names: list[str], repository: str, ref: str) -> str:
    """The README's Colab section: one "Open in Colab" badge per notebook."""
    slug = repository.removeprefix("https://github.com/")
    badge = "https://colab.research.google.com/assets/colab-badge.svg"
    rows = ["| notebook | open it |", "|---|---|"]
    rows += [f"| `{name}` | [![Open In Colab]({badge})](https://colab.research."
             f"google.com/github/{slug}/blob/{ref}/notebooks/{name}.ipynb) |"
             for name in names]
    return "\n".join([README_START, *rows, README_END])


def update_readme(names: list[str], repository: str, ref: str) -> bool:
    path = ROOT / "README.md"
    text = path.read_text()
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    new = text[:start] + readme_table(names, repository, ref) + text[end:]
    path.write_text(new)
    return new != text


def main() -> int:
    repository, ref = read_config()
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    for py in paths:
        if update_notebook(py, repository, ref):
            print("updated", py.relative_to(ROOT))
    if update_readme([p.stem for p in paths], repository, ref):
        print("updated README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
