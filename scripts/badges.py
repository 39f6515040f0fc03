"""Write each notebook's badge row and Colab setup cell from pyproject.toml.

    make badges                         # = python scripts/badges.py
    python scripts/badges.py --root /tmp/copy   # on a copy of the notebooks
    python scripts/badges.py --draw-icons       # redraw docs/images/badge_*.png

The repository URL (``[project.urls] Repository``) and the version are kept in
one place, pyproject.toml. Every notebook gets, right after its title, the badge
row TensorFlow's notebooks use (Run in Google Colab, View on GitHub, Download
notebook), pointing at the notebook itself at the tag ``v<version>``; and, as its
first code cell, the setup cell that on Colab installs the course at that same
tag (collapsed in JupyterLab, a titled form on Colab, tagged ``course``). Run it
after changing either; the tests fail while a notebook disagrees.

Publishing for Colab: a badge opens the notebook from GitHub, and the setup
cell installs the course from there, so the address must be this project's
public repository. ``make badges`` checks it first (``check_address``) and
refuses a placeholder, or an address that is not this checkout's git remote
``origin``: written into every notebook, a wrong address would open nothing, or
install someone else's code on every learner's runtime. ``--unpublished``
writes the cells anyway (the tests, a fork not yet pushed), saying the badges
will not work. Every notebook also asks Colab for a GPU runtime
(``COLAB_METADATA``).

The badges' three icons are drawn by this script (``--draw-icons``), kept in
``docs/images/`` and written into the badge row as ``data:`` URIs, so the row
looks the same with no network (a classroom), in JupyterLab, on GitHub and on
Colab (where a relative image path would not load).

Both editions: ``notebooks/`` (English) and ``notebooks-hi/`` (Hindi). A Hindi
notebook gets its badge row in Hindi, pointing at ``notebooks-hi/``, the same
setup cell as its English twin, and, under the badges, the link to that twin;
README.md and README.hi.md get their Colab tables. The ``.ipynb`` twin of every
``.py`` this script changed is synced with jupytext (its outputs kept).
"""

from __future__ import annotations

import argparse
import base64
import copy
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BADGE_MARK = '<table class="tfo-notebook-buttons" align="left">'
SETUP_MARK = "# @title Colab: install this course"
#: The first line of the setup cell before version 1.2 (still recognised, so that
#: ``make badges`` replaces it).
OLD_SETUP_MARK = "# Colab: install this course"
#: The setup cell's metadata: one of the course's own cells (scripts/plumbing.py),
#: collapsed in JupyterLab, a form on Colab, and active in the notebook only: the
#: ``.py`` twin holds it commented out, so that file stays valid Python around its
#: ``%pip`` line (jupytext keeps ``active`` when the notebook's
#: ``cell_metadata_filter`` lists it: ``update_notebook`` sees to that).
SETUP_METADATA = {"tags": ["course"], "jupyter": {"source_hidden": True},
                  "cellView": "form", "active": "ipynb"}
#: The badges' icons (``--draw-icons``), 32x32 PNGs of a few hundred bytes.
ICONS = ROOT / "docs" / "images"
ICON_FILES = ("badge_colab.png", "badge_github.png", "badge_download.png")
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


#: Notebook metadata Colab reads: open on a GPU runtime (Runtime > Change runtime
#: type shows "T4 GPU"), so a learner does not switch and restart per notebook.
COLAB_METADATA = {"accelerator": "GPU", "colab": {"gpuType": "T4"}}
#: Parts of an address that only a placeholder has.
PLACEHOLDER_PARTS = ("<", ">", "owner", "your-", "your_", "example", "username",
                     "user/", "xxx")


def normalise_address(url: str) -> str:
    """``host/owner/name`` of a git URL (https, ssh or ``git@host:owner/name``),
    lower case, without ``.git``: two spellings of one repository compare equal."""
    url = url.strip().rstrip("/")
    if url.startswith("git@"):
        url = url[4:].replace(":", "/", 1)
    for prefix in ("https://", "http://", "ssh://git@", "ssh://", "git://"):
        if url.startswith(prefix):
            url = url[len(prefix):]
    return url.removesuffix(".git").lower()


def read_remote(root: Path) -> str | None:
    """The URL of ``root``'s git remote ``origin``, or ``None``."""
    done = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                          capture_output=True, text=True)
    return done.stdout.strip() or None if done.returncode == 0 else None


def check_address(repository: str, remote: str | None) -> str | None:
    """Why ``repository`` (pyproject.toml) must not go into the notebooks, or
    ``None`` when it is the public repository this checkout pushes to."""
    fix = ("set [project.urls] Repository in pyproject.toml to this project's "
           "public GitHub address, then run `make badges` again (README: "
           "\"Publishing for Colab\")")
    address = normalise_address(repository)
    if not address.startswith("github.com/") or address.count("/") != 2:
        return f"{repository!r} is not a GitHub repository address: {fix}"
    if any(part in address for part in PLACEHOLDER_PARTS):
        return f"{repository!r} is a placeholder: {fix}"
    if remote is None:
        return (f"this checkout has no git remote 'origin', so nothing shows that "
                f"{repository} is this project: push it to its public repository "
                "(git remote add origin <address>; git push), or run `python "
                "scripts/badges.py --unpublished` to write the cells anyway (the "
                "badges will not work until it is published)")
    if normalise_address(remote) != address:
        return (f"pyproject.toml names {repository}, but this checkout's remote "
                f"'origin' is {remote}: the badges would open, and the setup cell "
                f"install, another repository's code: {fix}")
    return None


def read_config() -> tuple[str, str]:
    """(repository URL, git ref) from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["urls"]["Repository"].rstrip("/"), f"v{project['version']}"


def icon_uri(filename: str, width: int = 76) -> str:
    """One badge icon from ``docs/images/`` as a ``data:`` URI, its base64 text
    in lines of ``width`` characters (a browser drops the line breaks), so that
    no line of the notebook or its ``.py`` twin is long."""
    data = base64.b64encode((ICONS / filename).read_bytes()).decode()
    lines = [data[i:i + width] for i in range(0, len(data), width)]
    return "\n".join(["data:image/png;base64,", *lines])


def badge_cell(name: str, repository: str, ref: str,
               edition: Edition = ENGLISH) -> str:
    """The markdown of the badge row for ``<edition folder>/<name>.ipynb``."""
    folder = edition.folder
    path = f"{repository.removeprefix('https://github.com/')}/blob/{ref}/{folder}/"
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/")
    colab, github, download = edition.labels
    links = (
        (f"https://colab.research.google.com/github/{path}{name}.ipynb",
         ICON_FILES[0], colab, ' target="_blank"'),
        (f"{repository}/blob/{ref}/{folder}/{name}.ipynb",
         ICON_FILES[1], github, ' target="_blank"'),
        (f"{raw}/{ref}/{folder}/{name}.ipynb",
         ICON_FILES[2], download, ""),
    )
    lines = [BADGE_MARK]
    for url, icon, label, target in links:
        # Each URL on a line of its own: lines stay short but for the URL.
        lines += [f"  <td><a{target} href=", f'  "{url}">',
                  f'  <img width="32" height="32" alt="" src="{icon_uri(icon)}">',
                  f"  {label}</a></td>"]
    return "\n".join(lines + ["</table>"])


def setup_cell(repository: str, ref: str) -> str:
    """The first code cell: on Colab, install the course at ``ref``."""
    return f"""{SETUP_MARK}'s helpers (elsewhere this cell does nothing)
import sys

if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
    %pip install --quiet --no-deps git+{repository}@{ref}"""


def _is_generated(source: str) -> bool:
    """A cell this script writes (and so first removes)."""
    marks = [BADGE_MARK, SETUP_MARK, OLD_SETUP_MARK]
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
    setup = new_code_cell(setup_cell(repository, ref),
                          metadata=copy.deepcopy(SETUP_METADATA))
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
    keep_cell_metadata(nb, SETUP_METADATA)
    keep_notebook_metadata(nb, COLAB_METADATA)
    jupytext.write(nb, py, fmt="py:percent")
    return py.read_text() != before


def keep_notebook_metadata(nb, metadata: dict) -> None:
    """Set ``metadata`` on the notebook and list its keys in the notebook's
    jupytext ``notebook_metadata_filter``, so the ``.py`` carries them too."""
    nb.metadata.update(copy.deepcopy(metadata))
    settings = nb.metadata.setdefault("jupytext", {})
    names = settings.get("notebook_metadata_filter", "kernelspec,jupytext").split(",")
    names += [key for key in metadata if key not in names]
    settings["notebook_metadata_filter"] = ",".join(names)


def keep_cell_metadata(nb, metadata: dict) -> None:
    """Add ``metadata``'s keys to the notebook's jupytext ``cell_metadata_filter``
    (``tags,jupyter,-all`` and the like) where it does not list them yet."""
    settings = nb.metadata.setdefault("jupytext", {})
    names = settings.get("cell_metadata_filter", "-all").split(",")
    missing = [key for key in metadata if key not in names]
    if missing:
        at = names.index("-all") if "-all" in names else len(names)
        settings["cell_metadata_filter"] = ",".join(names[:at] + missing + names[at:])


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
                  edition: Edition = ENGLISH, root: Path = ROOT) -> bool:
    path = root / edition.readme
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


def draw_icons(folder: Path = ICONS) -> list[Path]:
    """Draw the three badge icons (after TensorFlow's: Colab's two rings,
    GitHub's cat in a circle, a download arrow) as 32x32 PNGs in ``folder``."""
    import io

    from PIL import Image, ImageDraw

    size = 128  # drawn at 4x, then scaled down (smooth edges)

    def colab(draw):
        draw.arc((8, 30, 76, 98), 40, 320, fill="#F9AB00", width=17)
        draw.arc((52, 30, 120, 98), 220, 140, fill="#E8710A", width=17)

    def github(draw):
        white = "#FFFFFF"
        draw.ellipse((4, 4, 124, 124), fill="#24292F")
        draw.ellipse((34, 38, 94, 92), fill=white)
        draw.polygon([(36, 60), (38, 28), (58, 42)], fill=white)
        draw.polygon([(92, 60), (90, 28), (70, 42)], fill=white)
        draw.rectangle((52, 86, 76, 118), fill=white)
        draw.rectangle((40, 98, 52, 106), fill=white)

    def download(draw):
        grey = "#5F6368"
        draw.rectangle((54, 10, 74, 66), fill=grey)
        draw.polygon([(30, 60), (98, 60), (64, 98)], fill=grey)
        for box in ((16, 106, 112, 118), (16, 84, 28, 118), (100, 84, 112, 118)):
            draw.rectangle(box, fill=grey)

    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for filename, paint in zip(ICON_FILES, (colab, github, download)):
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        paint(ImageDraw.Draw(image))
        small = image.resize((32, 32), Image.LANCZOS).quantize(
            colors=12, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        small.save(buffer, "PNG", optimize=True)
        (folder / filename).write_bytes(buffer.getvalue())
        written.append(folder / filename)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the folder holding notebooks/, notebooks-hi/ and the "
                             "READMEs (default: this project)")
    parser.add_argument("--draw-icons", action="store_true",
                        help="redraw docs/images/badge_*.png, then stop")
    parser.add_argument("--unpublished", action="store_true",
                        help="write the cells even though the address is not this "
                        "checkout's published repository (the badges will not work)")
    args = parser.parse_args(argv)
    if args.draw_icons:
        for path in draw_icons():
            print("drew", path.relative_to(ROOT))
        return 0
    repository, ref = read_config()
    problem = check_address(repository, read_remote(args.root))
    if problem and not args.unpublished:
        print(f"make badges: {problem}", file=sys.stderr)
        return 1
    if problem:
        print("unpublished (the badges will not work until the repository is "
              f"published): {problem}")
    for edition in EDITIONS:
        paths = sorted((args.root / edition.folder).glob("py/[0-9][0-9]_*.py"))
        changed = [py for py in paths if update_notebook(py, repository, ref, edition)]
        for py in changed:
            print("updated", py.relative_to(args.root))
        sync(changed)
        if update_readme([p.stem for p in paths], repository, ref, edition,
                         args.root):
            print("updated", edition.readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
