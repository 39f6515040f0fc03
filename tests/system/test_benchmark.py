"""scripts/benchmark.py end to end in its smoke configuration, on generated
data: both paths timed, the JSON it writes has the documented shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smoke_env(tmp_path, dataset_dir, weights_file):
    return {**os.environ, "TL_DATA_DIR": str(dataset_dir),
            "TL_WEIGHTS": str(weights_file),
            "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
            "KERAS_HOME": str(tmp_path / "keras"), "MPLBACKEND": "Agg"}


def run(script, args, env):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_benchmark_compares_both_paths_and_writes_its_json(tmp_path, smoke_env):
    out = run("benchmark.py", ["--smoke", "--work", str(tmp_path / "work"),
                               "--output", str(tmp_path / "b.json")], smoke_env)
    b = json.loads((tmp_path / "b.json").read_text())
    assert b["command"] == "make benchmark (smoke)"
    for path in ("default_path", "fast_path"):
        assert {"feature_extraction_seconds", "fine_tuning_seconds", "total_seconds",
                "val_accuracy", "test_accuracy", "peak_memory_mib"} <= set(b[path])
    assert b["ratio_fast_over_default_seconds"] == pytest.approx(
        b["fast_path"]["total_seconds"] / b["default_path"]["total_seconds"],
        rel=0.01)
    assert b["pipeline_images_per_second"]["images"] == 80
    catch_up = b["catch_up_03_04"]
    assert catch_up["seconds"] > 0 and 0 <= catch_up["val_accuracy"] <= 1
    assert "trained both stages now the quick way" in catch_up["message"]
    assert "fast / default training time" in out


