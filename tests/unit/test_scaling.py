"""helpers/scaling.py (08_scaling_up), in this process: the strategy found here,
the TPU address from the environment, which worker is the chief, the global
batch size and learning rate, and the mixed-precision policy (the logit stays
float32). Training with two devices or two workers, in subprocesses, is
tests/system/test_distribute.py."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest

from helpers import scaling


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
