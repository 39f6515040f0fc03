"""scripts/nbrun.py, read without running a notebook: where injected values go,
and what a smoke run's content hash covers."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import nbrun
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_injected_parameters_follow_the_parameters_cell():
    nb = nbformat.read(ROOT / "notebooks" / "03_feature_extraction.ipynb", 4)
    nbrun.inject_parameters(nb, {"INITIAL_EPOCHS": 2})
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    at = max(i for i, t in enumerate(tags) if "parameters" in t or "switches" in t)
    assert tags[at + 1] == [nbrun.INJECTED]
    assert nb.cells[at + 1].source.endswith("INITIAL_EPOCHS = 2")
    with pytest.raises(KeyError, match="TYPO"):
        nbrun.inject_parameters(nb, {"TYPO": 1})
    assert sum(nbrun.INJECTED in t for t in
               (c.metadata.get("tags", []) for c in nb.cells)) == 1
    nbrun.remove_injected(nb)
    assert not any(nbrun.INJECTED in c.metadata.get("tags", []) for c in nb.cells)


def test_the_smoke_hash_follows_the_notebook_and_helpers(tmp_path, monkeypatch):
    """A notebook is run again when its source, a helpers module or the smoke
    settings change; not otherwise (nbrun.py smoke --changed-only)."""
    path = ROOT / "notebooks" / "02_augmentation.ipynb"
    before = nbrun.hash_inputs(path)
    assert nbrun.hash_inputs(path) == before  # the same inputs, the same hash
    assert nbrun.hash_inputs(ROOT / "notebooks" / "03_feature_extraction.ipynb") \
        != before
    monkeypatch.setitem(nbrun.SMOKE, "INITIAL_EPOCHS", 2)
    assert nbrun.hash_inputs(path) != before
    monkeypatch.setitem(nbrun.SMOKE, "INITIAL_EPOCHS", 1)
    out = tmp_path / "smoke"
    nbrun.write_smoke_copies(out, ["02"])
    assert nbrun.record_passed(out) == ["02_augmentation"]
    assert nbrun.find_unchanged(out, ["02", "03"]) == ["02_augmentation"]


STAGE_READ = re.compile(r"(?:ensure_stage|load_stage)\(\s*(?:\w+,\s*)?\"(\w+)\"")
STAGE_SAVED = re.compile(r"save_stage\(\s*\w+,\s*\"(\w+)\"")
#: ``save_split(split, folder)`` saves 01's split; with a third argument, that
#: stage (06's ``"cleaned_split"``).
SPLIT_SAVED = re.compile(r"save_split\(\s*\w+,\s*\w+(?:,\s*\"(\w+)\")?\s*\)")


def stages_of(name: str) -> tuple[set[str], set[str]]:
    """(stages notebook ``NN_*`` reads, stages it saves), from its code."""
    code = next((ROOT / "notebooks" / "py").glob(f"{name}_*.py")).read_text()
    saved = set(STAGE_SAVED.findall(code)) | {
        stage or "split" for stage in SPLIT_SAVED.findall(code)}
    read = set(STAGE_READ.findall(code)) | ({"split"} if "load_split(" in code
                                             else set())
    return read - saved, saved


def test_the_stages_each_notebook_saves_are_found_in_its_code():
    """The check below reads what each notebook saves from its code: 06 reads
    01's split and saves its own cleaned copy, not 01's split."""
    assert stages_of("01")[1] == {"split"}
    assert stages_of("06") == ({"split"}, {"fast_path", "cleaned_split"})


def test_the_smoke_order_runs_each_notebook_after_what_it_reads():
    """`make smoke` runs chains side by side: a notebook must come after (in its
    chain, or in an earlier phase) every notebook whose stage it reads."""
    listed = [n for phase in nbrun.SMOKE_ORDER for chain in phase for n in chain]
    assert sorted(listed) == [p.name[:2] for p in nbrun.notebook_paths()]
    before: set[str] = set()  # stages saved by earlier phases
    for phase in nbrun.SMOKE_ORDER:
        saved_here = set()
        for chain in phase:
            available = set(before)
            for name in chain:
                read, saved = stages_of(name)
                assert read <= available, (
                    f"{name} reads {sorted(read - available)}, made later or in "
                    "another chain of its phase: reorder nbrun.SMOKE_ORDER")
                available |= saved
                saved_here |= saved
        before |= saved_here


def test_the_smoke_plan_puts_chains_in_order(tmp_path):
    copies = [tmp_path / f"{n}_x.ipynb" for n in ("08", "05", "01", "03", "99")]
    phases = nbrun.plan_phases(copies)
    assert [[[p.name[:2] for p in chain] for chain in phase] for phase in phases] \
        == [[["01"]], [["03", "05"], ["08"]], [["99"]]]
