"""scripts/nbrun.py, read without running a notebook: where injected values go,
and what a smoke run's content hash covers."""

from __future__ import annotations

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
