"""pytest setup shared by the unit tests and the nbval notebook runs.

When pytest collects notebooks (nbval), every notebook runs in a smoke
configuration against small generated assets, never the network or ../shared:

- one epoch per training stage: ``scripts/nbrun.py`` injects the smoke
  parameters into the copies that ``make smoke`` runs;
- ``TL_DATA_DIR``: a generated folder in the tutorial's layout;
- ``TL_OWN_DATA_DIR``: a generated folder of three imbalanced classes, with a
  ``test/`` split, for 07_your_own_data;
- ``TL_WEIGHTS``: randomly initialised MobileNetV2 weights written here;
- ``TL_ARTIFACTS_DIR``: a temporary folder, so a test run never touches the
  artifacts of a real run.
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


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    if not getattr(config.option, "nbval_lax", False) and not getattr(
        config.option, "nbval", False
    ):
        return
    import synthetic

    os.environ.pop("TL_PERSIST_DIR", None)  # never the developer's own folder
    for name in ("TF_CONFIG", "TPU_NAME", "COLAB_TPU_ADDR"):  # 08: one device
        os.environ.pop(name, None)
    work = Path(tempfile.mkdtemp(prefix="tl-smoke-"))
    data_dir = synthetic.make_dataset(work / "data")
    own_data_dir = synthetic.make_multiclass_dataset(work / "own_data")
    weights = synthetic.write_weights(work / "random_mobilenet_v2_no_top.h5")
    os.environ.update(
        TL_DATA_DIR=str(data_dir),
        TL_OWN_DATA_DIR=str(own_data_dir),
        TL_WEIGHTS=str(weights),
        TL_ARTIFACTS_DIR=str(work / "artifacts"),
        KERAS_HOME=str(work / "keras_home"),
        MPLBACKEND="Agg",
    )
    config._tl_smoke_dir = work


def pytest_unconfigure(config):
    work = getattr(config, "_tl_smoke_dir", None)
    if work is not None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
