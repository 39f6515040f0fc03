"""The Hindi edition is not executed in CI (its code is the English code,
tests/static/test_editions.py; its stored outputs come from `make reproduce-hi`):
here each Hindi notebook is rendered as a learner's browser would get it, and
its stored outputs are checked to belong to its code."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
HINDI = sorted((ROOT / "notebooks-hi").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", HINDI, ids=lambda p: p.stem)
def test_each_hindi_notebook_renders_with_its_stored_outputs(path):
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    html, _ = HTMLExporter().from_notebook_node(nb)
    title = next(c.source for c in nb.cells if c.cell_type == "markdown")
    assert title.lstrip("# ").splitlines()[0] in html  # the Hindi title, rendered
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: a stored output is an error"
    assert any(c.outputs for c in code), f"{path.name} has no stored outputs"
    counts = [c.execution_count for c in code if c.outputs]
    assert counts == sorted(counts), f"{path.name}: outputs of another order of runs"
