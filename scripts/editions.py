"""Write the Hindi notebooks' code from the English ones; find stale translations.

    make editions                      # = python scripts/editions.py
    python scripts/editions.py --check # exit 1 if a Hindi notebook is not current

One code, two languages: a Hindi notebook (``notebooks-hi/py/NN_name.py``) holds
the English twin's code cells, tags and cell metadata, written here, and Hindi
markdown, written by people. Each Hindi markdown cell records, in its metadata
(``translates="<hash>"``), a hash of the English cell it translates. When the
English prose changes, the hash no longer matches: the Hindi cell is *stale*,
and ``--check`` names it, unless its English hash is listed in
``notebooks-hi/pending.json`` (a translation knowingly pending). A new English
markdown cell arrives in the Hindi notebook in English, stale, until translated.
After translating, ``--adopt NN_name`` records the current English hashes.

Cells are paired in order: code cells by position (the Hindi edition has no
code of its own), markdown cells by their recorded hash where it still matches,
otherwise by position between the same code cells. The generated cells (badges,
the Colab cell, the link between twins) come from ``scripts/badges.py``. The
``.ipynb`` twins are synced with jupytext, keeping their outputs, and every
Hindi cell gets the cell id of its English twin (as tensorflow/docs translations
do), so that a tool can pair the two notebooks cell by cell.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from badges import ENGLISH, HINDI, _is_generated, read_config, update_notebook  # noqa: E402

PENDING = ROOT / HINDI.folder / "pending.json"
KEY = "translates"


def hash_source(source: str) -> str:
    """The short hash a Hindi cell records of the English cell it translates."""
    return hashlib.sha256(source.strip().encode()).hexdigest()[:12]


def read_pending(path: Path = PENDING) -> dict[str, list[str]]:
    """``{notebook: [English hash, ...]}`` of translations knowingly pending."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def pair_markdown(english: list, hindi: list) -> list:
    """For each English markdown cell, its Hindi cell or ``None``.

    Pairs by recorded hash first (unchanged English cells), then by position
    inside each stretch of unmatched cells of equal length (changed English
    cells); an English cell left over has no translation yet.
    """
    en_keys = [hash_source(c.source) for c in english]
    hi_keys = [c.metadata.get(KEY) for c in hindi]
    pairs: list = [None] * len(english)
    matcher = difflib.SequenceMatcher(a=en_keys, b=hi_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for offset in range(i2 - i1):
                pairs[i1 + offset] = hindi[j1 + offset]
    return pairs


def split_at_anchors(english: list, hindi: list) -> tuple[list, list]:
    """Both notebooks' markdown cells in stretches between *anchors*: the code
    cells the two have in common, in the same order (so a code cell added or
    removed in English moves no translation to another place)."""
    en_code = [i for i, c in enumerate(english) if c.cell_type == "code"]
    hi_code = [j for j, c in enumerate(hindi) if c.cell_type == "code"]
    matcher = difflib.SequenceMatcher(
        a=[english[i].source for i in en_code], b=[hindi[j].source for j in hi_code],
        autojunk=False)
    anchors = [(en_code[b.a + k], hi_code[b.b + k])
               for b in matcher.get_matching_blocks() for k in range(b.size)]
    en_stretches, hi_stretches, i0, j0 = [], [], 0, 0
    for i, j in [*anchors, (len(english), len(hindi))]:
        en_stretches.append([c for c in english[i0:i] if c.cell_type != "code"])
        hi_stretches.append([c for c in hindi[j0:j] if c.cell_type != "code"])
        i0, j0 = i + 1, j + 1
    return en_stretches, hi_stretches


def build_hindi(english_nb, hindi_nb, adopt: bool = False) -> tuple[list, list]:
    """The Hindi notebook's cells (generated ones left out: badges.py adds them)
    and the stale ones: ``(cells, [(English hash, first line of English)])``.

    A Hindi cell is dropped only when the English cell it recorded is gone;
    one that cannot be paired otherwise stops with ``ValueError``: no Hindi
    text is lost without a word.
    """
    from nbformat.v4 import new_code_cell, new_markdown_cell

    en_cells = [c for c in english_nb.cells if not _is_generated(c.source)]
    hi_cells = [c for c in hindi_nb.cells if not _is_generated(c.source)]
    pairs = [p for en, hi in zip(*split_at_anchors(en_cells, hi_cells))
             for p in pair_markdown(en, hi)]
    used = {id(c) for c in pairs if c is not None}
    en_keys = {hash_source(c.source) for c in en_cells if c.cell_type == "markdown"}
    for cell in hi_cells:
        if cell.cell_type == "code" or id(cell) in used:
            continue
        if cell.metadata.get(KEY) and cell.metadata[KEY] not in en_keys:
            continue  # its English cell is gone: the translation goes too
        raise ValueError(
            "a Hindi markdown cell has no English twin to pair with (the two "
            "notebooks have a different number of markdown cells between the same "
            "code cells): merge or split it to match the English cells, then run "
            f"this again. It begins: {cell.source.strip()[:80]!r}")
    pairs = iter(pairs)
    cells, stale = [], []
    for cell in en_cells:
        if cell.cell_type == "code":
            cells.append(new_code_cell(cell.source, metadata=dict(cell.metadata)))
            continue
        key = hash_source(cell.source)
        twin = next(pairs)
        if twin is None:  # no translation yet: the English text, marked stale
            twin = new_markdown_cell(cell.source)
        metadata = dict(twin.metadata)
        if adopt:
            metadata[KEY] = key
        if metadata.get(KEY) != key:
            stale.append((key, cell.source.strip().splitlines()[0][:70]))
        cells.append(new_markdown_cell(twin.source, metadata=metadata))
    return cells, stale


def twins() -> list[tuple[Path, Path]]:
    """(English .py, Hindi .py) for every notebook that has a Hindi twin."""
    hindi = ROOT / HINDI.folder / "py"
    return [(en, hindi / en.name)
            for en in sorted((ROOT / ENGLISH.folder / "py").glob("[0-9][0-9]_*.py"))
            if (hindi / en.name).exists()]


def render(english_py: Path, hindi_py: Path, adopt: bool = False) -> tuple[str, list]:
    """The text the Hindi ``.py`` should have, and its stale cells."""
    import tempfile

    import jupytext

    english_nb, hindi_nb = jupytext.read(english_py), jupytext.read(hindi_py)
    hindi_nb.cells, stale = build_hindi(english_nb, hindi_nb, adopt)
    repository, ref = read_config()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / hindi_py.name
        jupytext.write(hindi_nb, path, fmt="py:percent")
        update_notebook(path, repository, ref, HINDI)
        return path.read_text(encoding="utf-8"), stale


def copy_cell_ids(english_ipynb: Path, hindi_ipynb: Path) -> bool:
    """Give each Hindi cell its English twin's id (the link to the English twin,
    the Hindi edition's own cell, keeps its own); return whether any changed."""
    import nbformat

    en = nbformat.read(english_ipynb, as_version=4)
    hi = nbformat.read(hindi_ipynb, as_version=4)
    own = [c for c in hi.cells if c.cell_type == "markdown"
           and c.source.startswith(HINDI.twin_link.split("{")[0])]
    paired = [c for c in hi.cells if not any(c is o for o in own)]
    if len(paired) != len(en.cells):
        return False
    changed = False
    for a, b in zip(en.cells, paired):
        if b.get("id") != a.get("id"):
            b["id"] = a["id"]
            changed = True
    if changed:
        nbformat.write(hi, hindi_ipynb)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a Hindi notebook is not "
                        "what this script writes, or has a stale translation")
    parser.add_argument("--adopt", nargs="*", default=[], metavar="NN_name",
                        help="record the English hashes of these notebooks' Hindi "
                        "cells as translated (after translating them)")
    args = parser.parse_args(argv)
    pending = read_pending()
    problems = []
    for english_py, hindi_py in twins():
        name = english_py.stem
        try:
            text, stale = render(english_py, hindi_py, adopt=name in args.adopt)
        except ValueError as error:
            problems.append(f"{hindi_py.relative_to(ROOT)}: {error}")
            continue
        current = hindi_py.read_text(encoding="utf-8")
        if text != current:
            if args.check:
                problems.append(f"{hindi_py.relative_to(ROOT)} is not current: "
                                "run `make editions`")
            else:
                import subprocess

                hindi_py.write_text(text, encoding="utf-8")
                print("updated", hindi_py.relative_to(ROOT))
                subprocess.run([sys.executable, "-m", "jupytext", "--sync",
                                "--quiet", str(hindi_py)], check=True)
        if not args.check:
            ipynb = hindi_py.parents[1] / f"{name}.ipynb"
            english_ipynb = english_py.parents[1] / f"{name}.ipynb"
            if copy_cell_ids(english_ipynb, ipynb):
                print("cell ids of", ipynb.relative_to(ROOT), "follow the English")
        for key, first_line in stale:
            where = f"notebooks-hi/{name}: the cell translating {first_line!r} ({key})"
            if key in pending.get(name, []):
                print(f"pending: {where}")
            else:
                problems.append(f"stale: {where}: its English text changed; "
                                f"translate it, then `scripts/editions.py --adopt "
                                f"{name}` (or list {key} under {name!r} in "
                                "notebooks-hi/pending.json)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
