"""`make check` (scripts/check.py) end to end on generated data and weights: the
report, the prediction, READY; a missing dataset gives NOT READY with the fix."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check.py"),
                           "--repeats", "1"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def test_check_reports_the_machine_and_predicts_the_training_minutes(
        tmp_path, dataset_dir, weights_file):
    done = run_check({"TL_DATA_DIR": str(dataset_dir),
                      "TL_WEIGHTS": str(weights_file),
                      "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts")})
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    out = done.stdout
    counts = re.search(r"dataset: .* \((\d+) training, (\d+) validation, (\d+) "
                       r"test images\)", out)  # 40 + 40 per class: 80 and 80
    assert counts and int(counts[1]) == 80 and int(counts[2]) + int(counts[3]) == 80
    assert "(verified)" in out and "disk: " in out and "Devanagari font:" in out
    steps = re.search(r"feature extraction ([\d.]+) s, fine-tuning ([\d.]+) s", out)
    assert steps and float(steps[1]) > 0 and float(steps[2]) > 0
    for notebook in ("03", "04"):
        assert re.search(rf"predicted training time of {notebook} here: [\d.]+ "
                         "minutes", out)
    assert out.strip().splitlines()[-1] == "READY: this machine can run the course."


def test_a_missing_dataset_is_not_ready_and_says_what_to_do(tmp_path,
                                                            weights_file):
    done = run_check({"TL_DATA_DIR": str(tmp_path / "nowhere"),
                      "TL_WEIGHTS": str(weights_file),
                      "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts")})
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("NOT READY: the dataset: ") and "TL_DATA_DIR" in last
    assert "Traceback" not in done.stderr
