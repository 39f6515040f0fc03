"""A cell shows what the notebook's code printed, not TensorFlow's C++ log lines.

TensorFlow writes start-up lines to the process's stderr from C++ ("All log
messages before absl::InitializeLog() ...", oneDNN, "Could not find cuda
drivers", "failed call to cuInit"), some of them before TF_CPP_MIN_LOG_LEVEL is
read. ipykernel forwards what is written to file descriptor 2 into the running
cell (``capture_fd_output``), as a red stderr block. The course's kernels (``make
lab``: jupyter/kernels/python3; ``scripts/nbrun.py``: ``KERNEL_ARGS``) do not
capture it: it stays in the terminal, as on Colab. ``print`` and warnings still
show.

ipykernel never captures file descriptors under pytest (PYTEST_CURRENT_TEST), so
these tests start their kernels without that variable, as a learner's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import nbrun
import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The cells: TensorFlow's import and GPU query (its C++ log lines), then one
#: line printed to Python's stderr, which must still show.
CELLS = ["import tensorflow as tf\ngpus = tf.config.list_physical_devices('GPU')",
         "import sys\nprint('from Python', file=sys.stderr)"]
TF_LOG_LINE = re.compile(r"absl::InitializeLog|^[IWE]\d{4} ", re.M)


def stderr_texts(nb) -> list[str]:
    return [o.text for c in nb.cells for o in c.get("outputs", [])
            if o.output_type == "stream" and o.name == "stderr"]


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "tf_import.ipynb"
    nbformat.write(nb, path)
    return path


def as_a_learner(monkeypatch):
    """No PYTEST_CURRENT_TEST for the kernel (pytest sets it again for each
    phase of a test, so this is called in the test itself)."""
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)


def test_nbrun_kernel_keeps_tensorflow_log_lines_out_of_the_cells(notebook,
                                                                  monkeypatch):
    as_a_learner(monkeypatch)
    nb, _ = nbrun.execute(notebook)
    assert stderr_texts(nb) == ["from Python\n"]


def test_a_capturing_kernel_would_show_them(notebook, monkeypatch):
    """The control: ipykernel's default kernel shows TensorFlow's lines in the
    cell (so the test above can fail)."""
    from nbclient import NotebookClient

    as_a_learner(monkeypatch)
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=300).execute()
    texts = stderr_texts(nb)
    assert TF_LOG_LINE.search(texts[0]), texts
    assert texts[-1].endswith("from Python\n")


def test_make_lab_starts_the_same_kernel_as_nbrun():
    spec = json.loads((ROOT / "jupyter" / "kernels" / "python3" / "kernel.json")
                      .read_text())
    assert spec["argv"][:3] == ["python", "-m", "ipykernel_launcher"]
    assert spec["argv"][-len(nbrun.KERNEL_ARGS):] == nbrun.KERNEL_ARGS
    lab = (ROOT / "Makefile").read_text().split("\nlab:\n")[1].split("\n\n")[0]
    assert 'JUPYTER_PATH="$(CURDIR)/jupyter' in lab
