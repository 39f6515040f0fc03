"""scripts/benchmark_accelerator.py: end to end in its smoke configuration on
generated data (here on the CPU), the JSON it writes, and the GPU sampler
against a stand-in for ``nvidia-smi``. The smoke run leaves out the jit_compile
path: XLA compiling MobileNetV2's steps on a CPU took 37 of the smoke run's 88 s
here; the path is the default path compiled with ``jit_compile=True``, which a
small model checks below."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import benchmark_accelerator as bench
import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("feature_extraction", "fine_tuning")


SMOKE_PATHS = ("default", "mixed_precision", "cached_features")


def test_smoke_run_measures_each_path_and_writes_its_json(tmp_path, dataset_dir,
                                                          weights_file):
    env = {**os.environ, "TL_DATA_DIR": str(dataset_dir),
           "TL_WEIGHTS": str(weights_file), "KERAS_HOME": str(tmp_path / "keras"),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("TF_CONFIG", None)
    output = tmp_path / "b.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "benchmark_accelerator.py"),
         "--smoke", "--paths", ",".join(SMOKE_PATHS), "--work",
         str(tmp_path / "work"), "--output", str(output)],
        env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    r = json.loads(output.read_text())
    assert r["command"] == "make benchmark-accelerator (smoke)"
    assert r["environment"]["replicas"] >= 1
    assert r["settings"]["global_batch_size"] == 32 * r["environment"]["replicas"]
    assert r["settings"]["train_images"] == r["settings"]["validation_images"] == 32
    pipe = r["pipeline_images_per_second"]
    assert pipe["images"] == 32
    assert min(pipe["first_pass"], pipe["second_pass"], pipe["with_augmentation"]) > 0
    assert set(r["paths"]) == set(SMOKE_PATHS)
    for name, path in r["paths"].items():
        for stage in STAGES:
            s = path[stage]
            assert len(s["seconds_per_epoch"]) == 1  # one epoch per stage
            assert s["steady_epoch_seconds"] == s["first_epoch_seconds"] > 0
            assert s["images_per_second"] == pytest.approx(
                32 / s["steady_epoch_seconds"], rel=0.05)
            assert 0 <= s["val_accuracy"] <= 1
            assert s["gpu"] is None or s["gpu"]["samples"] >= 1
        assert r["steady_seconds_over_default"][name]["fine_tuning"] > 0
    paths = r["paths"]
    assert paths["default"]["policy"] == "float32"
    assert paths["mixed_precision"]["policy"] in ("mixed_float16", "mixed_bfloat16")
    assert paths["default"]["jit_compile"] is False
    assert paths["cached_features"]["cache_seconds"] > 0
    assert r["steady_seconds_over_default"]["default"] == {s: 1.0 for s in STAGES}
    assert "input pipeline alone" in done.stdout


def test_the_jit_path_compiles_the_steps_with_xla():
    """What the jit_compile path changes: the model is compiled with
    ``jit_compile=True`` (Bench.compile_with, as run_full calls it), and a
    training step then runs through XLA."""
    import numpy as np
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
    bench.Bench.compile_with(None, model, tf.keras.optimizers.Adam(1e-3), jit=True)
    assert model.jit_compile is True
    x = np.ones((8, 4), "float32")
    history = model.fit(x, np.ones((8, 1), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert "jit_compile" in bench.PATHS


def test_unknown_path_is_refused():
    with pytest.raises(SystemExit):
        bench.main(["--paths", "default,warp_speed"])


FAKE_SMI = "import sys; print('40, 1000'); print('60, 3000')"


def test_gpu_sampler_reads_utilisation_and_memory_of_every_gpu():
    """Two GPUs at 40% and 60%, 1,000 and 3,000 MiB: mean 50%, 4,000 MiB."""
    sampler = bench.GpuSampler([sys.executable, "-c", FAKE_SMI], interval=0.05)
    assert sampler.available
    sampler.start()
    time.sleep(0.5)
    summary = sampler.stop()
    assert summary["samples"] >= 1
    assert summary["utilization_percent_mean"] == 50.0
    assert summary["utilization_percent_max"] == 50.0
    assert summary["memory_used_mib_max"] == 4000.0


def test_gpu_sampler_without_nvidia_smi_says_none():
    missing = bench.GpuSampler(["/nonexistent/nvidia-smi"])
    assert not missing.available
    missing.start()
    assert missing.stop() is None
    garbage = [sys.executable, "-c", "print('No devices were found')"]
    assert bench.read_gpu_sample(garbage) is None
    failing = [sys.executable, "-c", "raise SystemExit(9)"]
    assert bench.read_gpu_sample(failing) is None
