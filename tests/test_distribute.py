"""Distribution strategies and mixed precision (notebook 08, helpers/scaling.py):
the strategies train the same weights as one device, on CPUs.

Two tests need a fresh Python (``tests/distribute_worker.py``): splitting the CPU
into logical devices and ``MultiWorkerMirroredStrategy`` both configure
TensorFlow's runtime, which only a process that has not used TensorFlow yet can
do. Every subprocess has a timeout and is killed, with its process group, when
the test ends. The whole file takes under a minute on a 2-core CPU.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

from helpers import compat, scaling

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "distribute_worker.py"
#: Distributed weights against one device's, after 8 SGD steps of a tiny model.
#: Both compute the same average gradient over the same 16 examples per step;
#: only the order of float32 additions differs (two half-batch means averaged vs
#: one mean), a relative error of about 1e-7 per step. Measured: about 3e-8
#: after 8 steps. 1e-5 leaves room for other CPUs and TensorFlow versions, and is
#: far below what any real mistake moves (a learning rate 1% off moves the
#: weights by about 1e-3: asserted below).
ATOL = 1e-5
TIMEOUT = 120  # seconds, per subprocess


def start(args, log: Path, env=None) -> subprocess.Popen:
    """A worker in its own process group, its output to ``log``."""
    full_env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    full_env.update(TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    return subprocess.Popen([sys.executable, str(WORKER), *map(str, args)],
                            env=full_env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


def wait_all(procs: dict, logs: dict, timeout: float = TIMEOUT) -> None:
    """Wait until every process ends; fail with the log of one that failed or
    did not end in time (the caller kills them)."""
    deadline = time.monotonic() + timeout
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} still running after {timeout} s:\n"
                        + logs[name].read_text()[-3000:])
        if proc.returncode != 0:
            pytest.fail(f"{name} failed ({proc.returncode}):\n"
                        + logs[name].read_text()[-3000:])


def load(out: Path) -> tuple[dict, dict]:
    with np.load(out.with_suffix(".npz")) as arrays:
        weights = {name: arrays[name] for name in arrays.files}
    return weights, json.loads(out.with_suffix(".json").read_text())


def run_of(weights: dict, run: str) -> list:
    keys = sorted((k for k in weights if k.startswith(f"{run}/")),
                  key=lambda k: int(k.split("/")[1]))
    assert keys, f"no weights for {run}"
    return [weights[k] for k in keys]


def max_difference(a: list, b: list) -> float:
    assert [x.shape for x in a] == [y.shape for y in b]
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mirrored_strategy_on_two_cpus_trains_like_one_device(tmp_path):
    out, log = tmp_path / "mirrored", tmp_path / "mirrored.log"
    proc = start(["mirrored", out], log)
    try:
        wait_all({"mirrored": proc}, {"mirrored": log})
    finally:
        stop(proc)
    weights, info = load(out)
    assert info["replicas"] == 2 and len(info["devices"]) == 2
    one, mirrored = run_of(weights, "one_device"), run_of(weights, "mirrored")
    assert max_difference(one, mirrored) <= ATOL
    np.testing.assert_allclose(info["mirrored_loss"], info["one_device_loss"],
                               rtol=1e-5)
    # The tolerance tells real differences apart: 1% off in the learning rate.
    assert max_difference(one, run_of(weights, "one_percent_more")) > 20 * ATOL
    assert max_difference(one, [w * 0 for w in one]) > 0.1  # they did train


def test_two_workers_train_together_like_one_device(tmp_path):
    """MultiWorkerMirroredStrategy: two processes on 127.0.0.1, each with its
    own TF_CONFIG, each keeping half of every global batch (DATA sharding). They
    end with identical weights, and with one device's on the same batches: so
    they exchanged gradients every step."""
    cluster = {"worker": [f"127.0.0.1:{free_port()}" for _ in range(2)]}
    procs, logs = {}, {}
    try:
        for index in range(2):
            config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
            name = f"worker{index}"
            logs[name] = tmp_path / f"{name}.log"
            procs[name] = start(["worker", tmp_path / name], logs[name],
                                {"TF_CONFIG": json.dumps(config)})
        logs["single"] = tmp_path / "single.log"
        procs["single"] = start(["single", tmp_path / "single"], logs["single"])
        wait_all(procs, logs)
    finally:
        for proc in procs.values():
            stop(proc)
    results = {name: load(tmp_path / name) for name in ("worker0", "worker1")}
    for index, (_, info) in enumerate(results.values()):
        assert info["multi_worker"]
        assert info["replicas"] == 2
        assert info["description"].startswith(
            "MultiWorkerMirroredStrategy: 2 machines (TF_CONFIG)")
        assert info["is_chief"] == (index == 0)
    w0 = run_of(results["worker0"][0], "worker")
    w1 = run_of(results["worker1"][0], "worker")
    assert max_difference(w0, w1) == 0.0  # every worker applies the same update
    single_weights, single = load(tmp_path / "single")
    assert max_difference(w0, run_of(single_weights, "single")) <= ATOL
    np.testing.assert_allclose(results["worker0"][1]["loss"], single["loss"],
                               rtol=1e-5)


@pytest.fixture
def mixed_float16():
    import tensorflow as tf

    before = tf.keras.mixed_precision.global_policy().name
    tf.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        yield
    finally:
        tf.keras.mixed_precision.set_global_policy(before)


def test_mixed_precision_keeps_the_logit_in_float32(mixed_float16):
    import tensorflow as tf

    images = tf.keras.Input((32, 32, 3))
    conv = tf.keras.layers.Conv2D(8, 3, activation="relu")
    base = tf.keras.Model(images, tf.keras.layers.Conv2D(4, 3)(conv(images)),
                          name="tiny_base")
    model = scaling.make_classifier(base, dropout=0.2)
    hidden = [conv, model.get_layer("rescaling"),
              model.layers[-3]]  # a convolution, the rescaling, the pooling
    assert all(layer.compute_dtype == "float16" for layer in hidden)
    assert conv.variable_dtype == "float32"
    logit = model.get_layer("logit")
    assert logit.compute_dtype == "float32" and model.output.dtype == "float32"
    images = np.random.default_rng(0).uniform(0, 255, (4, 32, 32, 3))
    assert model(images.astype("float32")).dtype == tf.float32
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    assert isinstance(model.optimizer, tf.keras.mixed_precision.LossScaleOptimizer)


def test_the_policy_is_reset_after_the_mixed_precision_test():
    import tensorflow as tf

    assert tf.keras.mixed_precision.global_policy().name == "float32"


def test_detect_strategy_here_finds_one_device(monkeypatch):
    import tensorflow as tf

    for name in ("TF_CONFIG", "TPU_NAME", "COLAB_TPU_ADDR"):
        monkeypatch.delenv(name, raising=False)
    if scaling.find_tpu() is not None:
        pytest.skip("this machine has a TPU")
    gpus = tf.config.list_physical_devices("GPU")
    strategy, description = scaling.detect_strategy()
    if len(gpus) > 1:
        assert isinstance(strategy, tf.distribute.MirroredStrategy)
        assert description == f"MirroredStrategy: {len(gpus)} GPUs on this machine"
        return
    assert strategy is tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    device = "one GPU" if gpus else "the CPU (no GPU or TPU found)"
    assert description == f"default strategy: one device, {device}"
    assert scaling.get_device_kind(strategy) == ("GPU" if gpus else "CPU")
    assert scaling.is_chief(strategy)


def test_find_tpu_reads_only_the_environment(monkeypatch):
    no_accel = not list(Path("/dev").glob("accel*"))
    assert scaling.find_tpu({"TPU_NAME": "my-tpu"}) == "my-tpu"
    assert scaling.find_tpu({"COLAB_TPU_ADDR": "10.0.0.2:8470"}) == (
        "grpc://10.0.0.2:8470")
    if no_accel:
        assert scaling.find_tpu({}) is None


def test_is_chief_the_chief_else_worker_0():
    import tensorflow as tf

    def strategy(cluster, task_type, task_id):
        resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
            tf.train.ClusterSpec(cluster), task_type=task_type, task_id=task_id)
        return types.SimpleNamespace(cluster_resolver=resolver)

    workers = {"worker": ["a:1", "b:1"]}
    assert scaling.is_chief(strategy(workers, "worker", 0))
    assert not scaling.is_chief(strategy(workers, "worker", 1))
    with_chief = {"chief": ["c:1"], **workers}
    assert scaling.is_chief(strategy(with_chief, "chief", 0))
    assert not scaling.is_chief(strategy(with_chief, "worker", 0))
    assert scaling.is_chief(types.SimpleNamespace(cluster_resolver=None))


@pytest.mark.parametrize("per_replica, replicas, expected", [
    (32, 1, 32), (32, 2, 64), (32, 8, 256), (16, 3, 48)])
def test_global_batch_and_learning_rate_grow_with_the_replicas(per_replica,
                                                               replicas, expected):
    assert scaling.scale_batch_size(per_replica, replicas) == expected
    assert scaling.scale_learning_rate(1e-4, replicas) == pytest.approx(
        1e-4 * expected / per_replica)


def test_scaling_refuses_zero_replicas():
    with pytest.raises(ValueError, match="positive"):
        scaling.scale_batch_size(32, 0)
    with pytest.raises(ValueError, match="positive"):
        scaling.scale_learning_rate(1e-4, 0)


def test_mixed_precision_policy_by_device_and_setting():
    choose = scaling.choose_mixed_precision_policy
    assert [choose(kind) for kind in ("GPU", "TPU", "CPU")] == [
        "mixed_float16", "mixed_bfloat16", "float32"]
    assert [choose(kind, True) for kind in ("GPU", "TPU", "CPU")] == [
        "mixed_float16", "mixed_bfloat16", "mixed_bfloat16"]
    assert choose("GPU", False) == "float32"
    assert choose("CPU", "mixed_float16") == "mixed_float16"
    with pytest.raises(ValueError, match="MIXED_PRECISION"):
        choose("GPU", "float16")
    with pytest.raises(ValueError, match="device_kind"):
        choose("NPU")


def test_patched_reduce_reduces_a_tuple_and_a_scalar_with_an_axis():
    """What Keras 3's fit asks of the strategy, on one device, where the patch
    must not change any result. (Two workers: the test above.)"""
    import tensorflow as tf

    strategy = compat.patch_multi_worker_reduce(
        tf.distribute.OneDeviceStrategy("/cpu:0"))
    batch = (tf.ones((4, 2)), tf.range(4))
    reduced = strategy.reduce("MEAN", batch, axis=None)
    assert [tuple(t.shape) for t in reduced] == [(4, 2), (4,)]
    assert float(strategy.reduce("MEAN", tf.constant(3.0), axis=0)) == 3.0
    assert float(strategy.reduce("SUM", tf.constant([1.0, 2.0]), axis=0)) == 3.0
