"""`make check` (scripts/check.py) end to end: a missing dataset gives NOT READY
with the fix, and exit status 1. The READY report on generated data:
tests/unit/test_readiness.py; the timed steps, end to end: the smoke run of
00_check (the same check, its READY line compared by nbval)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check.py"),
                           "--repeats", "1"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def test_a_missing_dataset_is_not_ready_and_says_what_to_do(tmp_path,
                                                            weights_file):
    done = run_check({"TL_DATA_DIR": str(tmp_path / "nowhere"),
                      "TL_WEIGHTS": str(weights_file),
                      "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts")})
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("NOT READY: the dataset: ") and "TL_DATA_DIR" in last
    assert "Traceback" not in done.stderr
