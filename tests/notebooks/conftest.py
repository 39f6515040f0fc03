"""The notebooks lane: every English notebook runs once (`make smoke`, nbval), and
the tests here read what that run saved instead of running the notebooks again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbrun
import pytest

ROOT = Path(__file__).resolve().parents[2]
SMOKE_DIR = ROOT / "build" / "smoke"


def smoke_is_current() -> bool:
    """Whether build/smoke holds a passing run of every notebook as it is now."""
    passed = nbrun.read_passed(SMOKE_DIR)
    return (SMOKE_DIR / "work" / "artifacts").is_dir() and all(
        passed.get(p.stem) == nbrun.hash_inputs(p) for p in nbrun.notebook_paths())


@pytest.fixture(scope="session")
def smoke_work() -> Path:
    """build/smoke/work: the generated data (``data/``) and what each notebook
    saved (``artifacts/``) in the smoke run. `make test` makes it first; run
    alone, this lane makes it here (`make smoke`, the notebooks not yet run)."""
    if not smoke_is_current():
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PYTEST_") and not k.startswith("TL_")}
        done = subprocess.run(["make", "-s", "-C", str(ROOT), "smoke",
                               f"PY={sys.executable}"], env=env,
                              capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return SMOKE_DIR / "work"
