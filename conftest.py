"""pytest setup shared by the unit tests and the nbval notebook runs.

When pytest collects notebooks (nbval), every notebook runs in a smoke
configuration against small generated assets, never the network or ../shared:

- one epoch per training stage: ``scripts/nbrun.py`` injects the smoke
  parameters into the copies that ``make smoke`` runs;
- ``TL_DATA_DIR``: a generated folder in the tutorial's layout;
- ``TL_OWN_DATA_DIR``: a generated folder of three imbalanced classes, with a
  ``test/`` split, for 07_your_own_data;
- ``TL_WEIGHTS``: randomly initialised MobileNetV2 weights written here;
- ``TL_ARTIFACTS_DIR``: ``build/smoke/work/artifacts`` (kept, for the tests of
  the notebooks lane that read what the notebooks saved), never the artifacts of
  a real run.
- no ``TF_CONFIG`` or TPU address: 08_scaling_up trains on this machine alone,
  never waiting for other machines.

The variables are set before the first notebook kernel starts, so kernels inherit
them. Unit tests that care about these variables set or clear them themselves.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))


def pytest_addoption(parser):
    parser.addoption("--strict-lanes", action="store_true",
                     help="fail on a test outside tests/<lane>/ (tests/conftest.py)")


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    if not getattr(config.option, "nbval_lax", False) and not getattr(
        config.option, "nbval", False
    ):
        return

    os.environ.pop("TL_PERSIST_DIR", None)  # never the developer's own folder
    for name in ("TF_CONFIG", "TPU_NAME", "COLAB_TPU_ADDR"):  # 08: one device
        os.environ.pop(name, None)
    work = find_smoke_work_dir(config.args)
    if work is None:  # notebooks from anywhere: a temporary folder, removed after
        work = Path(tempfile.mkdtemp(prefix="tl-smoke-"))
        config._tl_smoke_dir = work
    data = work / "data"
    make_smoke_data(data)
    os.environ.update(
        TL_DATA_DIR=str(data / "cats_and_dogs"),
        TL_OWN_DATA_DIR=str(data / "own_data"),
        TL_WEIGHTS=str(data / "random_mobilenet_v2_no_top.h5"),
        TL_ARTIFACTS_DIR=str(work / "artifacts"),
        KERAS_HOME=str(work / "keras_home"),
        MPLBACKEND="Agg",
    )


def make_smoke_data(data: Path) -> None:
    """The generated dataset, own-data folder and weights, made once (the same
    bytes every time); `make smoke` runs two pytest processes side by side
    (scripts/nbrun.py check), so the first makes them while the other waits.
    The own-data folder is flat (``<class>/``), as a learner's photos come: the
    smoke run of 07 splits it by file. ``complete`` records a hash of the code
    that made the data, so data made by older code is made again."""
    import fcntl
    import hashlib
    import shutil

    import synthetic

    code = hashlib.sha256(Path(synthetic.__file__).read_bytes()
                          + b"own_data flat").hexdigest()
    data.parent.mkdir(parents=True, exist_ok=True)
    with open(data.parent / ".data.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = data / "complete"
        if done.exists() and done.read_text() == code:
            return
        shutil.rmtree(data, ignore_errors=True)
        synthetic.make_dataset(data / "cats_and_dogs")
        synthetic.make_multiclass_dataset(data / "own_data", flat=True)
        synthetic.write_weights(data / "random_mobilenet_v2_no_top.h5")
        done.write_text(code)


def find_smoke_work_dir(args) -> Path | None:
    """``<folder>/work`` when every argument is a notebook in one folder (``make
    smoke``'s build/smoke): kept between runs, so that a notebook skipped as
    unchanged (scripts/nbrun.py --changed-only) leaves the artifacts the next
    one reads, and the notebook-lane tests can read them afterwards."""
    folders = {Path(a).resolve().parent for a in args if a.endswith(".ipynb")}
    if len(folders) != 1 or not all(a.endswith(".ipynb") for a in args):
        return None
    return folders.pop() / "work"


def pytest_unconfigure(config):
    work = getattr(config, "_tl_smoke_dir", None)
    if work is not None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
