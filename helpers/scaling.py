"""Scaling up: the distribution strategy, the global batch size and learning rate,
and the mixed-precision policy for what this machine has (08_scaling_up).

08_scaling_up writes each of these out in a cell first; they are kept here for
``scripts/benchmark_accelerator.py`` and the tests. Nothing here prints.

- ``detect_strategy``: ``TPUStrategy`` on a TPU, ``MultiWorkerMirroredStrategy``
  when ``TF_CONFIG`` describes several machines, ``MirroredStrategy`` for several
  GPUs, else the default strategy (one device).
- ``scale_batch_size`` / ``scale_learning_rate``: one batch per replica, so the
  global batch and (linearly) the learning rate grow with the replicas.
- ``choose_mixed_precision_policy``: ``mixed_float16`` on GPUs,
  ``mixed_bfloat16`` on TPUs, ``float32`` on CPUs.
- ``add_augmentation``: 02's augmentation in the input pipeline, not the model.
- ``make_classifier``: notebook 03's model with its logit layer in float32.
"""

from __future__ import annotations

import glob
import json
import os

#: What ``choose_mixed_precision_policy`` picks with ``setting="auto"``.
AUTO_POLICY = {"TPU": "mixed_bfloat16", "GPU": "mixed_float16", "CPU": "float32"}
#: With ``setting=True``: mixed precision even on a CPU, where bfloat16 is the
#: less slow of the two (08 measures both).
FORCED_POLICY = {"TPU": "mixed_bfloat16", "GPU": "mixed_float16",
                 "CPU": "mixed_bfloat16"}
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def find_tpu(environ=None) -> str | None:
    """What to pass ``TPUClusterResolver(tpu=...)``, or ``None`` without a TPU
    (08_scaling_up).

    ``TPU_NAME`` (Cloud TPU) or ``COLAB_TPU_ADDR`` (Colab's older TPU runtime,
    a TPU across the network); ``"local"`` where TPU chips are attached to this
    machine (``/dev/accel*``, a TPU VM). Reads only the environment and ``/dev``:
    on a machine without a TPU it contacts nothing.
    """
    environ = os.environ if environ is None else environ
    if environ.get("TPU_NAME"):
        return environ["TPU_NAME"]
    if environ.get("COLAB_TPU_ADDR"):
        return "grpc://" + environ["COLAB_TPU_ADDR"]
    if glob.glob("/dev/accel*"):
        return "local"
    return None


def detect_strategy(environ=None):
    """``(strategy, description)`` for what this machine has (08_scaling_up).

    In this order: a TPU (connected and initialised first), ``TF_CONFIG`` set
    (several machines: ``MultiWorkerMirroredStrategy``, with Keras 3's ``fit``
    made to work by ``compat.patch_multi_worker_reduce``), several GPUs
    (``MirroredStrategy``), else the default strategy: one device, the GPU if
    there is one, else the CPU. Call it before anything else runs in TensorFlow:
    the TPU and several-machine strategies must configure the runtime first.
    """
    import tensorflow as tf

    from .compat import patch_multi_worker_reduce

    environ = os.environ if environ is None else environ
    tpu = find_tpu(environ)
    if tpu is not None:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        strategy = tf.distribute.TPUStrategy(resolver)
        return strategy, (f"TPUStrategy: {strategy.num_replicas_in_sync} TPU "
                          f"cores ({tpu})")
    if environ.get("TF_CONFIG"):
        cluster = json.loads(environ["TF_CONFIG"]).get("cluster", {})
        machines = sum(len(cluster.get(k, [])) for k in ("chief", "worker"))
        strategy = patch_multi_worker_reduce(
            tf.distribute.MultiWorkerMirroredStrategy())
        return strategy, (f"MultiWorkerMirroredStrategy: {machines} machines "
                          f"(TF_CONFIG), {strategy.num_replicas_in_sync} "
                          "replicas in all")
    gpus = tf.config.list_physical_devices("GPU")
    if len(gpus) > 1:
        strategy = tf.distribute.MirroredStrategy()
        return strategy, (f"MirroredStrategy: {strategy.num_replicas_in_sync} "
                          "GPUs on this machine")
    device = "one GPU" if gpus else "the CPU (no GPU or TPU found)"
    return tf.distribute.get_strategy(), f"default strategy: one device, {device}"


def get_device_kind(strategy) -> str:
    """``"TPU"``, ``"GPU"`` or ``"CPU"``: what ``strategy`` trains on
    (08_scaling_up)."""
    import tensorflow as tf

    if isinstance(strategy, tf.distribute.TPUStrategy):
        return "TPU"
    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"


def is_chief(strategy) -> bool:
    """Whether this process saves what training made (08_scaling_up).

    With several machines every worker trains, but one writes: the ``chief``
    task if ``TF_CONFIG`` has one, else worker 0. On one machine, always.
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    task_type = getattr(resolver, "task_type", None)
    if not task_type or task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and resolver.task_id == 0 and not has_chief


def scale_batch_size(batch_size_per_replica: int, num_replicas: int) -> int:
    """The global batch: one batch per replica, all in one step (08_scaling_up).

    ``fit`` splits each global batch into ``num_replicas`` equal parts.
    """
    if batch_size_per_replica < 1 or num_replicas < 1:
        raise ValueError("the batch size per replica and the number of replicas "
                         f"must be positive, not {batch_size_per_replica} and "
                         f"{num_replicas}")
    return batch_size_per_replica * num_replicas


def scale_learning_rate(base_learning_rate: float, num_replicas: int) -> float:
    """The linear scaling rule: a global batch ``num_replicas`` times larger
    takes steps ``num_replicas`` times larger (08_scaling_up).

    A rule of thumb (Goyal et al., 2017), good up to a few thousand images per
    batch and best with a warm-up of a few epochs at the start.
    """
    if num_replicas < 1:
        raise ValueError(f"the number of replicas must be positive, not "
                         f"{num_replicas}")
    return base_learning_rate * num_replicas


def choose_mixed_precision_policy(device_kind: str, setting="auto") -> str:
    """The Keras dtype policy for ``device_kind`` (08_scaling_up).

    ``setting="auto"``: ``mixed_float16`` on a GPU (tensor cores compute in
    float16), ``mixed_bfloat16`` on a TPU (its matrix units compute in
    bfloat16), ``float32`` on a CPU (no faster in 16 bits: 08 measures it).
    ``True``: mixed precision even on a CPU; ``False``: ``float32``; a policy
    name is returned as it is.
    """
    if device_kind not in AUTO_POLICY:
        raise ValueError(f"device_kind must be one of {sorted(AUTO_POLICY)}, "
                         f"not {device_kind!r}")
    if setting == "auto":
        return AUTO_POLICY[device_kind]
    if setting is True:
        return FORCED_POLICY[device_kind]
    if setting is False:
        return "float32"
    if setting in POLICIES:
        return setting
    raise ValueError(f"MIXED_PRECISION must be 'auto', True, False or one of "
                     f"{POLICIES}, not {setting!r}")


def add_augmentation(dataset, augmentation):
    """Augment each batch in the input pipeline, on the CPU (08_scaling_up).

    ``augmentation`` is 02's layer (``model_parts.make_augmentation``), called
    with ``training=True`` in parallel ``map`` calls: new flips and rotations
    for every batch of every epoch, prepared while the accelerator trains. The
    model itself then holds no ``RandomRotation``, which XLA cannot compile.
    """
    import tensorflow as tf

    return dataset.map(lambda x, y: (augmentation(x, training=True), y),
                       num_parallel_calls=tf.data.AUTOTUNE)


def make_classifier(base_model, dropout: float = 0.2):
    """Notebook 03's classifier around ``base_model``, its logit in float32 and
    without augmentation (``add_augmentation`` does it) (08_scaling_up).

    Rescaling to [-1, 1], the base in inference mode, pooling, dropout and
    ``Dense(1)``. Built under a mixed-precision policy, every layer computes in
    16 bits except the last, ``Dense(1, dtype="float32")``: the logit, the loss
    and its gradient stay in float32, where small differences do not round away.
    """
    import tensorflow as tf

    from .model_parts import make_rescaling

    inputs = tf.keras.Input(shape=tuple(base_model.input.shape[1:]))
    x = make_rescaling()(inputs)
    x = base_model(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(dropout)(x)
    outputs = tf.keras.layers.Dense(1, dtype="float32", name="logit")(x)
    return tf.keras.Model(inputs, outputs)
