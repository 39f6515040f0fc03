"""scripts/benchmark.py's tutorial baseline on the notebooks lane's smoke run:
the tutorial's code as written (scripts/tutorial_baseline.py) runs once on the
smoke run's generated data and weights, against what 03 and 04 saved there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_times_the_tutorial_against_the_smoke_runs_course(tmp_path,
                                                                    smoke_work):
    """`make benchmark`'s comparison with the tutorial's code, in smoke: one
    repeat, the tutorial run now (1 + 1 epochs, and the one more its
    ``initial_epoch=history.epoch[-1]`` runs), the course's seconds per epoch
    from the smoke run's epoch logs; medians, spreads and ratios in the JSON and
    the table."""
    work = shutil.copytree(smoke_work / "artifacts", tmp_path / "artifacts")
    data = smoke_work / "data"
    env = {**os.environ, "TL_ARTIFACTS_DIR": str(work),
           "TL_DATA_DIR": str(data / "cats_and_dogs"),
           "TL_WEIGHTS": str(data / "random_mobilenet_v2_no_top.h5"),
           "KERAS_HOME": str(tmp_path / "keras"), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--smoke",
         "--collect-only", "--parts", "baseline", "--output",
         str(tmp_path / "b.json")],
        env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    b = json.loads((tmp_path / "b.json").read_text())["tutorial_baseline"]
    assert b["order"] == ["tutorial", "course"] and b["repeats"] == 1
    tutorial, course = b["runs"]
    assert len(tutorial["feature_extraction"]) == 1
    assert len(tutorial["fine_tuning"]) == 2  # the tutorial's one epoch more
    assert len(course["feature_extraction"]) == len(course["fine_tuning"]) == 1
    for path in ("tutorial", "course"):
        for stage in ("feature_extraction", "fine_tuning"):
            s = b["seconds_per_epoch"][path][stage]["all_epochs"]
            assert 0 < s["min"] <= s["median"] <= s["max"]
    for stage in ("feature_extraction", "fine_tuning"):
        medians = [b["seconds_per_epoch"][p][stage]["all_epochs"]["median"]
                   for p in ("course", "tutorial")]
        assert b["ratio_course_over_tutorial"][stage]["all_epochs"] == (
            pytest.approx(medians[0] / medians[1], rel=0.02))
    assert "course/tutorial" in done.stdout
