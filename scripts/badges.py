"""Write each notebook's badge row and Colab setup cell from pyproject.toml.

    make badges        # = python scripts/badges.py

The repository URL (``[project.urls] Repository``) and the version are kept in
one place, pyproject.toml. Every notebook gets, right after its title, the badge
row TensorFlow's notebooks use (Run in Google Colab, View on GitHub, Download
notebook), pointing at the notebook itself at the tag ``v<version>``; and, as its
first code cell, the setup cell that on Colab installs the course at that same
tag. Run it after changing either; the tests fail while a notebook disagrees.

Both editions: ``notebooks/`` (English) and ``notebooks-hi/`` (Hindi). A Hindi
notebook gets its badge row in Hindi, pointing at ``notebooks-hi/``, the same
setup cell as its English twin, and, under the badges, the link to that twin;
README.md and README.hi.md get their Colab tables. The Makefile syncs the
``.ipynb`` of ``notebooks/``; this script syncs those of ``notebooks-hi/`` that it
changed.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BADGE_MARK = '<table class="tfo-notebook-buttons" align="left">'
SETUP_MARK = "# Colab: install this course"
SETUP_PROSE = ("*On Colab*, the next cell installs this course's `helpers` at this\n"
               "notebook's version; anywhere else it does nothing.")


@dataclass(frozen=True)
class Edition:
    """One language edition of the notebooks: its folder, README and wording."""

    folder: str
    readme: str
    labels: tuple[str, str, str]  # Run in Google Colab, View on GitHub, Download
    setup_prose: str
    table_header: str
    twin_link: str = ""  # a line under the badges, "{name}" filled in


ENGLISH = Edition(
    "notebooks", "README.md",
    ("Run in Google Colab", "View on GitHub", "Download notebook"),
    SETUP_PROSE, "| notebook | open it |",
)
HINDI = Edition(
    "notebooks-hi", "README.hi.md",
    ("Google Colab में चलाएँ", "GitHub पर देखें", "नोटबुक डाउनलोड करें"),
    "*Colab पर* अगला सेल इस कोर्स का `helpers` पैकेज, इसी नोटबुक वाले वर्ज़न पर,\n"
    "इंस्टॉल करता है; कहीं और यह कुछ नहीं करता।",
    "| नोटबुक | खोलें |",
    "English: [{name}](../notebooks/{name}.ipynb)",
)
EDITIONS = (ENGLISH, HINDI)


def read_config() -> tuple[str, str]:
    """(repository URL, git ref) from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["urls"]["Repository"].rstrip("/"), f"v{project['version']}"


def badge_cell(name: str, repository: str, ref: str,
               edition: Edition = ENGLISH) -> str:
    """The markdown of the badge row for ``<edition folder>/<name>.ipynb``."""
    folder = edition.folder
    path = f"{repository.removeprefix('https://github.com/')}/blob/{ref}/{folder}/"
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/")
    img = "https://www.tensorflow.org/images"
    colab, github, download = edition.labels
    links = (
        (f"https://colab.research.google.com/github/{path}{name}.ipynb",
         "colab_logo_32px.png", colab, ' target="_blank"'),
        (f"{repository}/blob/{ref}/{folder}/{name}.ipynb",
         "GitHub-Mark-32px.png", github, ' target="_blank"'),
        (f"{raw}/{ref}/{folder}/{name}.ipynb",
         "download_logo_32px.png", download, ""),
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


def _is_generated(source: str) -> bool:
    """A cell this script writes (and so first removes)."""
    marks = [BADGE_MARK, SETUP_MARK]
    marks += [e.setup_prose[:30] for e in EDITIONS]
    marks += [e.twin_link.split("{")[0] for e in EDITIONS if e.twin_link]
    return source.startswith(tuple(marks))


def update_notebook(py: Path, repository: str, ref: str,
                    edition: Edition = ENGLISH) -> bool:
    """Put the badge row and the setup cell (and, in the Hindi edition, the link
    to the English twin) into one ``.py`` notebook; return whether it changed
    (then run ``make sync``)."""
    import jupytext
    from nbformat.v4 import new_code_cell, new_markdown_cell

    nb = jupytext.read(py)
    badges = new_markdown_cell(badge_cell(py.stem, repository, ref, edition))
    setup = new_code_cell(setup_cell(repository, ref))
    cells = [c for c in nb.cells if not _is_generated(c.source)]
    title = cells[0]
    if "\n" in title.source.strip():  # split "# Title\n\ntext" in two cells
        head, rest = title.source.split("\n", 1)
        title.source = head
        cells.insert(1, new_markdown_cell(rest.strip()))
    cells.insert(1, badges)
    if edition.twin_link:
        cells.insert(2, new_markdown_cell(edition.twin_link.format(name=py.stem)))
    first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    # before the prose that introduces the first code cell ("## Setup ...")
    cells[first_code - 1:first_code - 1] = [new_markdown_cell(edition.setup_prose),
                                            setup]
    before = py.read_text()
    nb.cells = cells
    jupytext.write(nb, py, fmt="py:percent")
    return py.read_text() != before


README_START, README_END = "<!-- colab-table -->", "<!-- /colab-table -->"


def readme_table(names: list[str], repository: str, ref: str,
                 edition: Edition = ENGLISH) -> str:
    """The README's Colab section: one "Open in Colab" badge per notebook."""
    slug = repository.removeprefix("https://github.com/")
    badge = "https://colab.research.google.com/assets/colab-badge.svg"
    rows = [edition.table_header, "|---|---|"]
    rows += [f"| `{name}` | [![Open In Colab]({badge})](https://colab.research."
             f"google.com/github/{slug}/blob/{ref}/{edition.folder}/{name}.ipynb) |"
             for name in names]
    return "\n".join([README_START, *rows, README_END])


def update_readme(names: list[str], repository: str, ref: str,
                  edition: Edition = ENGLISH) -> bool:
    path = ROOT / edition.readme
    if not path.exists() or README_START not in path.read_text():
        return False
    text = path.read_text()
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    new = text[:start] + readme_table(names, repository, ref, edition) + text[end:]
    path.write_text(new)
    return new != text


def sync(paths: list[Path]) -> None:
    """``jupytext --sync`` the given ``.py`` notebooks (their ``.ipynb`` keep their
    outputs)."""
    if paths:
        subprocess.run([sys.executable, "-m", "jupytext", "--sync", "--quiet",
                        *map(str, paths)], check=True)


def main() -> int:
    repository, ref = read_config()
    for edition in EDITIONS:
        paths = sorted((ROOT / edition.folder).glob("py/[0-9][0-9]_*.py"))
        changed = [py for py in paths if update_notebook(py, repository, ref, edition)]
        for py in changed:
            print("updated", py.relative_to(ROOT))
        if edition is not ENGLISH:  # `make badges` syncs notebooks/ itself
            sync(changed)
        if update_readme([p.stem for p in paths], repository, ref, edition):
            print("updated", edition.readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
