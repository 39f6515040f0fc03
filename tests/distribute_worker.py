"""Train one tiny model under a distribution strategy, in a fresh Python, and
write its final weights (run by tests/system/test_distribute.py).

    python distribute_worker.py mirrored OUT   # 2 logical CPUs: default strategy
                                               # and MirroredStrategy, side by side
    python distribute_worker.py single OUT     # one device: the reference
    python distribute_worker.py worker OUT     # one of several workers: TF_CONFIG

Each mode must start its own interpreter: splitting the CPU into logical devices
and ``MultiWorkerMirroredStrategy`` both configure TensorFlow's runtime, which is
possible only before it starts. Writes ``OUT.npz`` (weights, ``<run>/<i>``) and
``OUT.json`` (replicas, description, losses).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: 64 examples, 8 features; label: is the first feature positive.
N, FEATURES, EPOCHS, PER_REPLICA, LEARNING_RATE = 64, 8, 2, 8, 0.1


def make_data():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, FEATURES)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")  # int labels, like the notebooks'


def make_dataset(global_batch: int):
    """Unshuffled, batched by the global batch; several workers each keep every
    n-th example (DATA sharding), so a step's global batch is the same 16."""
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA)
    return (tf.data.Dataset.from_tensor_slices(make_data()).batch(global_batch)
            .with_options(options))


def train(strategy, global_batch: int, learning_rate: float = LEARNING_RATE):
    """A seeded two-layer model built and compiled in ``strategy``'s scope,
    trained for ``EPOCHS``; returns (weights, losses)."""
    import tensorflow as tf

    with strategy.scope():
        tf.keras.utils.set_random_seed(1)
        model = tf.keras.Sequential([
            tf.keras.Input((FEATURES,)),
            tf.keras.layers.Dense(16, activation="relu"),
            tf.keras.layers.Dense(1),
        ])
        model.compile(
            optimizer=tf.keras.optimizers.SGD(learning_rate),
            loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
            metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0)],
        )
    history = model.fit(make_dataset(global_batch), epochs=EPOCHS, verbose=0)
    return model.get_weights(), history.history["loss"]


def save(out: Path, weights: dict, info: dict) -> None:
    import numpy as np

    np.savez(out.with_suffix(".npz"), **{f"{run}/{i}": w for run, ws in
                                        weights.items() for i, w in enumerate(ws)})
    out.with_suffix(".json").write_text(json.dumps(info))


def main(mode: str, out: Path) -> None:
    import tensorflow as tf

    from helpers import scaling

    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        devices = [d.name for d in tf.config.list_logical_devices("CPU")]
        mirrored = tf.distribute.MirroredStrategy(devices)
        global_batch = scaling.scale_batch_size(PER_REPLICA,
                                                mirrored.num_replicas_in_sync)
        default = tf.distribute.get_strategy()
        weights, info = {}, {"devices": devices,
                             "replicas": mirrored.num_replicas_in_sync}
        weights["one_device"], info["one_device_loss"] = train(default, global_batch)
        weights["mirrored"], info["mirrored_loss"] = train(mirrored, global_batch)
        weights["one_percent_more"], _ = train(default, global_batch,
                                               LEARNING_RATE * 1.01)
        save(out, weights, info)
    elif mode == "single":
        weights, loss = train(tf.distribute.get_strategy(), 2 * PER_REPLICA)
        save(out, {"single": weights}, {"loss": loss})
    elif mode == "worker":
        strategy, description = scaling.detect_strategy()
        replicas = strategy.num_replicas_in_sync
        weights, loss = train(strategy,
                              scaling.scale_batch_size(PER_REPLICA, replicas))
        save(out, {"worker": weights}, {
            "description": description, "replicas": replicas, "loss": loss,
            "multi_worker": isinstance(strategy,
                                       tf.distribute.MultiWorkerMirroredStrategy),
            "is_chief": scaling.is_chief(strategy)})
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
