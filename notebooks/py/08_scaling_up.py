# ---
# jupyter:
#   accelerator: GPU
#   colab:
#     gpuType: T4
#   jupytext:
#     cell_metadata_filter: tags,jupyter,cellView,active,translates,-all
#     formats: ipynb,py//py:percent
#     notebook_metadata_filter: kernelspec,jupytext,accelerator,colab
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8. Scaling up: GPUs, TPUs and several machines

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/08_scaling_up.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEUAAADtcwr7rgD0cgP8rQD/
# +QD5rAD/AADpcQnpcQn6rQCvXwBEchvPAAAADHRSTlMA9vYLEQKiAaRgZANdnNQoAAABNklEQVR4
# 2rWOMUsCYQBA333f2V3Q0NGgVNhxNSZ8cEEEDmdWkBAehDQ0aEHNQkNDQ9ZUm4uQS4hIQ5M0NzU1
# REjQZmG0RBCJhCQiNRTRH/CNb3g86AMSMGLO5CN77dG16x/pAYsSkFkAUnrivIJyi0UlQSPQLecg
# XjHBCFHT8Nt1gHQeEM2eFkjeAvAOwATi6+I3iwE8GyIahcNTW9jmSQsGbgQ2YsO9Gr8LrkZsPhUz
# jpPxUTIrkYOWpUQN4k3uVwoR9ARkBFCGbrXrQRUQPqwPk0oZBTpZKOFtOlP6AijcWdOyZlFlx/FY
# 2jJHkAdWSGqBWB3duySd3+3kEfOa1ML/1vdLGn6r8SfM157k4SnZABF+A8aCL4Cvn21XYO7oWEkA
# AgqQOwAKNEDGhj6m8y45fZn+8A1nS0xnxi7yOwAAAABJRU5ErkJggg==">
#   Run in Google Colab</a></td>
#   <td><a target="_blank" href=
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/08_scaling_up.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEUjKC4FBwf5+fkkKS8kKTCb
# naBZXWIAAFwMWlpRUVF7foF/goVjbSp7AAAADHRSTlP7A/6fVf/+AgYG//8NrahyAAABK0lEQVR4
# 2lXRsWoUYRTF8d93ZzJGFJxBITaBJaBYWMyCvUlhHwQbC8kj5BG2TBnfIE/gMyz24hZWAWHKFC4b
# EYybZHYtZjJJbnf/93z3no+TKkNNJggUsp3FYqeeHCJViDkYN70i63rf6x68vlnyFakqrufD2lQK
# l9u3d6Jg6xkbJ1Dss/dZVbLxAt6PSM9z9ZT25dvfj6dYL1O1IEZg1VBF5l6NYn0fzOJOU0C0OOjA
# Wm/d+a0qu/ukHRT7/XQA0/5raLNHF/x4Aq7PSZFw1Sl2UUcLDeQnKEON1THZaef0sOnvJMilrfYX
# H9qZ/BTj3axYvzrz76zPYjkLGmqDkyDVvjQdKA9kD/lzIZVibvz3m8Cnp1aQNx+7bIvLmOPNTzdh
# s3lVvzt6sMR/BplK4/Ii/50AAAAASUVORK5CYII=">
#   View on GitHub</a></td>
#   <td><a href=
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/08_scaling_up.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEVeYGlfY2ddYWdiZmsAAH//
# //8AAABjZ21eYmdVVVV+fn5eYmcZtVHgAAAADHRSTlMUh1TZAgEA/fkDA7t8Tnn/AAABFklEQVR4
# 2rWRPUsDQRRFz0w2ClHICv6ANDaBQBoNaGHCipVF1FYhoKS1FKxS2NttsRaJqLUWlkK2CHbCgqB/
# wCoImWqRuHEtZvYDsfUVA+/A3HfffaILgOXiBgAIDbKy9Pt5Xy7WbQCpebyyZ7fJAdFa7pEHcaoh
# f2n+JwgBVA7MCSBIQcHx+nDmVQd6Wyt829V2+z0fCdGamkwgVmPH119eNsQSiPJtzWjMtu4AxvtB
# MmW0riAetswU7yZa3YSP12jqNZFMG93Cw46KZ0f+9WmnLqEtqRwOlVujSMU4jbaDr+MgS71RCi/P
# 3wedBHw/AU0eD6QBC1dm9fkTDRaT6wljTCXhxAosqJbSuMIL+69jOyprn/kB4LBNPyaK8vsAAAAA
# SUVORK5CYII=">
#   Download notebook</a></td>
# </table>

# %% [markdown]
# हिंदी में: [08_scaling_up](../notebooks-hi/08_scaling_up.ipynb)
#
# Notebook 03 trained its model on whatever TensorFlow found: one GPU if there
# was one, else the CPU. This notebook trains the same model (03's frozen
# MobileNetV2 and a new head, on 01's split) so that it can use more:
#
# 1. find out what this machine has (a CPU, one GPU, several GPUs, a TPU, or
#    several machines) and pick a `tf.distribute` *strategy* for it;
# 2. make the global batch and the learning rate grow with the number of
#    replicas;
# 3. *mixed precision*: 16-bit arithmetic where the hardware has fast units for
#    it, with the logit kept in float32;
# 4. XLA compilation (`jit_compile`), used where it is measured to help;
# 5. an input pipeline fast enough to keep an accelerator busy, measured.
#
# The course's reference machine has two CPU cores and no GPU. There, most of
# these choices come out as "the plain way", and each cell says so. Where a cell
# does more on a GPU, a TPU or several machines, the text says what, labelled
# *not run here*: the outputs you see are this machine's.

# %% [markdown]
# *On Colab*, the next cell installs this course's `helpers` at this
# notebook's version; anywhere else it does nothing.

# %% tags=["course"] jupyter={"source_hidden": true} cellView="form" active="ipynb"
# # @title Colab: install this course's helpers (elsewhere this cell does nothing)
# import sys
#
# if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
#     %pip install --quiet --no-deps git+https://github.com/tl-course/transfer-learning-course@v1.1.0

# %% [markdown]
# ## Setup
# The tutorial's imports, and `helpers`: the code these notebooks share.

# %%
import glob
import os
import time

import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    catchup,
    compat,
    model_parts,
    pipeline,
    scaling,
    session,
    splits,
    stages,
    training,
)

# %% tags=["parameters"]
BATCH_SIZE_PER_REPLICA = 32  # the tutorial's BATCH_SIZE, on each replica
SEED = 123
BASE_LEARNING_RATE = 0.0001  # for one replica; scaled with the replicas below
INITIAL_EPOCHS = 10
DROPOUT = 0.2
MIXED_PRECISION = "auto"  # "auto": by device; True, False, or a policy's name
JIT_COMPILE = "auto"  # "auto": XLA only where it measured faster here; True, False
TIMING_STEPS = 3  # training steps timed per setting, after one warm-up step
WEIGHTS = "imagenet"  # or the path of a local .h5 copy

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_WEIGHTS) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("08"))

# %% [markdown]
# ## What this machine has, and the strategy for it
# A *distribution strategy* decides where the model's variables live and how a
# training step is shared out. With several devices, each holds a copy of the
# model (a *replica*), takes its share of the batch and computes gradients; the
# strategy averages the gradients over the replicas (an *all-reduce*) and every
# replica applies the same update, so the copies stay identical.
#
# | found | strategy | replicas |
# |---|---|---|
# | a TPU (on Colab: a TPU runtime) | `TPUStrategy` | one per TPU core |
# | `TF_CONFIG`: several machines | `MultiWorkerMirroredStrategy` | all their devices |
# | several GPUs | `MirroredStrategy` | one per GPU |
# | one GPU, or only the CPU | the default strategy | 1 |
#
# This cell must run before anything else in TensorFlow: the TPU and the
# several-machine strategies configure TensorFlow's runtime, which is possible
# only before it starts (even the random seeds come after it).


# %%
def find_tpu():
    """What TPUClusterResolver needs to reach a TPU, or None: no TPU here."""
    if os.environ.get("TPU_NAME"):  # a Cloud TPU, named by the platform
        return os.environ["TPU_NAME"]
    if os.environ.get("COLAB_TPU_ADDR"):  # Colab's older TPU runtime, via network
        return "grpc://" + os.environ["COLAB_TPU_ADDR"]
    if glob.glob("/dev/accel*"):  # TPU chips attached to this machine (a TPU VM)
        return "local"
    return None


tpu = find_tpu()
gpus = tf.config.list_physical_devices("GPU")
if tpu is not None:
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    strategy = tf.distribute.TPUStrategy(resolver)
    DEVICE_KIND = "TPU"
    choice = f"TPUStrategy: {strategy.num_replicas_in_sync} TPU cores"
elif os.environ.get("TF_CONFIG"):  # several machines, described in TF_CONFIG
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    compat.patch_multi_worker_reduce(strategy)  # Keras 3's fit needs it (see below)
    DEVICE_KIND = "GPU" if gpus else "CPU"
    choice = "MultiWorkerMirroredStrategy: the machines in TF_CONFIG"
elif len(gpus) > 1:
    strategy = tf.distribute.MirroredStrategy()  # every GPU of this machine
    DEVICE_KIND = "GPU"
    choice = f"MirroredStrategy: {len(gpus)} GPUs"
else:  # one device: TensorFlow places everything on it by itself
    strategy = tf.distribute.get_strategy()
    DEVICE_KIND = "GPU" if gpus else "CPU"
    choice = f"the default strategy: one device, the {DEVICE_KIND}"
print(choice)
print("replicas in sync:", strategy.num_replicas_in_sync)

# %% [markdown]
# `scaling.detect_strategy` is this cell, kept for the accelerator benchmark
# (`make benchmark-accelerator`).
#
# **Elsewhere (not run here).** On a Colab TPU, `find_tpu` finds the TPU, the
# first branch connects to it and initialises it (a few seconds), and the cell
# prints the number of TPU cores. On a machine with two GPUs, the third branch
# picks `MirroredStrategy`, which keeps a copy of every variable on each GPU, and
# the cell prints 2 replicas. With one GPU, nothing needs sharing out: the
# default strategy, and TensorFlow runs each operation on the GPU by itself.
#
# **Several machines (not run here).** Each machine runs this same notebook (or
# script) with `TF_CONFIG` set before Python starts, naming every machine and
# saying which one this is:
#
# ```python
# os.environ["TF_CONFIG"] = json.dumps({
#     "cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]},
#     "task": {"type": "worker", "index": 0},  # 1 on the second machine
# })
# ```
#
# The workers wait for each other, then train in lock step: every step, each
# takes its share of the batch and all gradients are averaged over the network.
# Keras 3's `fit` needs one repair under this strategy: it hands
# `strategy.reduce` values this strategy refuses with more than one worker
# (keras-team/keras#20585), and `compat.patch_multi_worker_reduce` makes it
# reduce each one properly. The course's tests run two workers on one machine
# (`tests/test_distribute.py`) and check that they end with the same weights as
# one device trained on the same batches.

# %% [markdown]
# Fixed random seeds (weights of the new layer, augmentation, dropout, shuffling),
# so a re-run on the same machine and versions gives nearly the same numbers
# (augmentation now runs in parallel in the input pipeline, see below).

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown]
# **If you start here**, the next cell fetches or makes the split that
# [01_data](01_data.ipynb) saves
# ([how](../docs/course-cells.md#if-you-start-here)).

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown]
# The split from [01_data](01_data.ipynb). The image size comes with it.

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
IMG_SHAPE = IMG_SIZE + (3,)
print({part: len(getattr(split, part)) for part in splits.PARTS}, "| image size",
      IMG_SIZE)

# %% [markdown]
# ## The global batch and the learning rate
# Each step, every replica takes `BATCH_SIZE_PER_REPLICA` images: one step of the
# whole system sees that many times the number of replicas, the *global batch*.
# The dataset is batched with the global batch, and Keras splits every batch
# among the replicas.
#
# With N replicas, each gradient averages N times more images, and an epoch has
# N times fewer steps. The *linear scaling rule* (Goyal et al., 2017, who trained
# ImageNet in one hour this way) multiplies the learning rate by N, so an epoch
# moves the weights about as far as before. It is a rule of thumb, with limits:
#
# - large steps at the very start, while the new head is random, can throw the
#   training off: start at the one-replica rate and raise it over the first few
#   epochs (a *warm-up*, exercise 2);
# - it holds up to a few thousand images per batch, not beyond;
# - Adam and RMSprop already adapt their steps; for them a smaller increase
#   (the square root of N) is often enough. Try both when you scale up;
# - with 2,000 training images, 8 replicas leave only 8 steps per epoch: fewer,
#   larger steps are not always as good as many small ones.

# %% tags=["nbval-check-output"]
REPLICAS = strategy.num_replicas_in_sync
GLOBAL_BATCH_SIZE = BATCH_SIZE_PER_REPLICA * REPLICAS
LEARNING_RATE = BASE_LEARNING_RATE * REPLICAS
assert GLOBAL_BATCH_SIZE == scaling.scale_batch_size(BATCH_SIZE_PER_REPLICA, REPLICAS)
assert LEARNING_RATE == scaling.scale_learning_rate(BASE_LEARNING_RATE, REPLICAS)
print(f"global batch: {GLOBAL_BATCH_SIZE} images "
      f"({BATCH_SIZE_PER_REPLICA} per replica x {REPLICAS} replicas)")
print(f"learning rate: {LEARNING_RATE:g} ({BASE_LEARNING_RATE:g} x {REPLICAS})")

# %% [markdown]
# `scaling.scale_batch_size` and `scaling.scale_learning_rate` are these two
# lines, kept for the benchmark script.

# %% [markdown]
# ## An input pipeline that keeps an accelerator busy
# A GPU that waits for images is wasted. The pipeline of 01, with four things
# that matter more on an accelerator:
#
# - **parallel decoding**: `map(..., num_parallel_calls=AUTOTUNE)` decodes as
#   many images at once as there are CPU cores free;
# - **augmentation in the pipeline**: 02's flip and rotation run here, on the
#   CPU, on each batch, while the accelerator trains on the previous one. In the
#   model (as in 03) they would run on the accelerator, and `RandomRotation`
#   cannot be compiled by XLA, so the model could not use `jit_compile` (below)
#   nor a TPU's compiler. New flips and rotations still come every epoch;
# - **prefetch**: the next batches are ready before they are needed;
# - **sharding**, with several machines: every worker reads the same file list
#   and keeps every n-th image (`AutoShardPolicy.DATA`). And on a TPU, every
#   batch must have the same shape (`drop_remainder=True`): a TPU compiles the
#   step for one shape, and a smaller last batch would make it compile again.

# %%
AUTOTUNE = tf.data.AUTOTUNE
data_augmentation = model_parts.make_augmentation()  # 02's flip and rotation


def load(path, label):
    return pipeline.load_image(path, IMG_SIZE), label


sharding = tf.data.Options()
sharding.experimental_distribute.auto_shard_policy = (
    tf.data.experimental.AutoShardPolicy.DATA)  # several machines: every n-th image

train_dataset = (
    tf.data.Dataset.from_tensor_slices((list(split.train.paths),
                                        list(split.train.labels)))
    .shuffle(len(split.train), seed=SEED)
    .map(load, num_parallel_calls=AUTOTUNE)  # decode several images at once
    .batch(GLOBAL_BATCH_SIZE, drop_remainder=DEVICE_KIND == "TPU")
    .map(lambda x, y: (data_augmentation(x, training=True), y),
         num_parallel_calls=AUTOTUNE)  # augment here, on the CPU
    .prefetch(AUTOTUNE)  # prepare the next batches while this one trains
    .with_options(sharding)
)
validation_dataset = (
    pipeline.make_dataset(split.validation, IMG_SIZE, GLOBAL_BATCH_SIZE)
    .prefetch(AUTOTUNE).with_options(sharding)
)

# %% [markdown]
# (`scaling.add_augmentation` is the second `map`.) `fit` hands each global batch
# to the strategy, which splits it among the replicas:
# `strategy.experimental_distribute_dataset` does it, and `fit` calls it by
# itself. Here is what it makes of the first batch: with one replica, the whole
# batch goes to it.

# %% tags=["nbval-check-output"]
distributed = strategy.experimental_distribute_dataset(train_dataset)
images, labels = next(iter(distributed))
per_replica = strategy.experimental_local_results(images)
print(f"{len(per_replica)} replica(s) here, each with a batch of shape "
      f"{tuple(per_replica[0].shape)}")

# %% [markdown]
# How fast is the input pipeline alone, without a model? One pass over the
# training images, decoding only, then decoding and augmenting as training reads
# them. The model's own speed follows below: if the pipeline is the slower of the
# two, the accelerator waits.


# %%
def images_per_second(dataset):
    """Images per second of one pass over ``dataset``, doing nothing with them."""
    start = time.perf_counter()
    n = sum(int(x.shape[0]) for x, _ in dataset)
    return n / (time.perf_counter() - start)


decode_only = pipeline.make_dataset(split.train, IMG_SIZE, GLOBAL_BATCH_SIZE)
pipeline_speed = {
    "decode": images_per_second(decode_only.prefetch(AUTOTUNE)),
    "decode and augment": images_per_second(train_dataset),
}
for stage, speed in pipeline_speed.items():
    print(f"input pipeline alone, {stage}: {speed:,.0f} images/s")

# %% [markdown]
# ## Mixed precision
# Keras computes in float32 by default. *Mixed precision* computes in 16 bits,
# half the memory traffic and, on hardware with 16-bit matrix units, several
# times the arithmetic, while the weights stay in float32 (an update too small
# for 16 bits would round away):
#
# - **GPUs** (NVIDIA since Volta, 2017: the tensor cores) compute in **float16**.
#   Its range is small (above 65,504 is infinite; gradients below about 6e-8
#   become 0), so the loss is multiplied before the gradients are computed and
#   the gradients divided after: *loss scaling*. Keras does it by itself under
#   `mixed_float16` (it wraps the optimizer in a `LossScaleOptimizer`).
# - **TPUs** compute in **bfloat16**: float32's range with fewer digits, no loss
#   scaling needed.
# - **CPUs** mostly have no 16-bit matrix units: they convert back and forth and
#   run slower. So no mixed precision on a CPU; measured below.
#
# Whatever the policy, the **last layer computes in float32**: the logit, the
# sigmoid inside the loss and the loss itself, where 16 bits would round small
# differences away (`Dense(1, dtype="float32")`).

# %% tags=["nbval-check-output"]
if MIXED_PRECISION == "auto":  # by device: what its fast matrix units compute in
    POLICY = {"GPU": "mixed_float16", "TPU": "mixed_bfloat16",
              "CPU": "float32"}[DEVICE_KIND]
elif MIXED_PRECISION is True:  # even on a CPU (bfloat16 is the less slow there)
    POLICY = {"GPU": "mixed_float16", "TPU": "mixed_bfloat16",
              "CPU": "mixed_bfloat16"}[DEVICE_KIND]
elif MIXED_PRECISION is False:
    POLICY = "float32"
else:  # a policy's name
    POLICY = MIXED_PRECISION
assert POLICY == scaling.choose_mixed_precision_policy(DEVICE_KIND, MIXED_PRECISION)
print(f"{DEVICE_KIND}: dtype policy {POLICY}")

# %% [markdown]
# The model of 03, built under a policy: `set_global_policy` decides what the
# layers created next compute in. The rescaling stays in the model (it takes
# pixels in [0, 255]), the augmentation is in the pipeline, and the logit layer
# is float32 whatever the policy. `compile_model` is 03's compile, plus
# `jit_compile` (below). Models are built and compiled inside `strategy.scope()`,
# so that their variables, and the optimizer's, are created on every replica.
# (`scaling.make_classifier` is `build_model`, kept for the benchmark script.)

# %%
WEIGHTS = assets.prepare_weights(WEIGHTS)


def build_model(policy):
    """03's classifier, every layer computing under ``policy`` but the logit."""
    tf.keras.mixed_precision.set_global_policy(policy)
    try:
        base_model = tf.keras.applications.MobileNetV2(
            input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS
        )
        base_model.trainable = False
        inputs = tf.keras.Input(shape=IMG_SHAPE)
        x = model_parts.make_rescaling()(inputs)
        x = base_model(x, training=False)
        x = tf.keras.layers.GlobalAveragePooling2D()(x)
        x = tf.keras.layers.Dropout(DROPOUT)(x)
        outputs = tf.keras.layers.Dense(1, dtype="float32")(x)  # the logit
        return tf.keras.Model(inputs, outputs)
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")  # for what follows


def compile_model(model, jit_compile):
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
        jit_compile=jit_compile,
    )


# %% [markdown]
# What a policy does to the layers, shown with `mixed_float16` (building a model
# costs nothing on any device): a convolution of the base computes in float16 and
# keeps its weights in float32; the logit layer computes in float32, and so the
# model outputs float32. Compiling wraps the optimizer for loss scaling.

# %% tags=["nbval-check-output"]
with strategy.scope():
    mixed = build_model("mixed_float16")
    compile_model(mixed, jit_compile=False)
conv = model_parts.find_base_model(mixed).get_layer("Conv1")
print(f"a convolution: computes in {conv.compute_dtype}, "
      f"weights in {conv.variable_dtype}")
print(f"the logit layer: computes in {mixed.layers[-1].compute_dtype}; "
      f"the model outputs {mixed.output.dtype}")
print("optimizer:", type(mixed.optimizer).__name__)
assert conv.compute_dtype == "float16" and conv.variable_dtype == "float32"
assert mixed.layers[-1].compute_dtype == "float32"
assert mixed.output.dtype == "float32"
assert isinstance(mixed.optimizer, tf.keras.mixed_precision.LossScaleOptimizer)

# %% [markdown]
# ### Measured: each policy on this machine
# A few training steps of 03's model (frozen base, new head) on one global batch
# held in memory, so that only the model is timed. The first step traces the
# step function (and compiles it, with XLA); the others are the speed that
# training keeps. (Several machines: every worker times the same batch.)

# %%
tf.get_logger().setLevel("ERROR")  # each fresh model traces anew: no warnings
no_sharding = tf.data.Options()
no_sharding.experimental_distribute.auto_shard_policy = (
    tf.data.experimental.AutoShardPolicy.OFF)
timing_batch = tf.data.Dataset.from_tensors(next(iter(train_dataset)))
timing_batch = timing_batch.with_options(no_sharding)


def time_steps(model, steps=TIMING_STEPS):
    """(seconds of the first step, seconds per step after it) of ``fit``."""
    start = time.perf_counter()
    model.fit(timing_batch, epochs=1, verbose=0)
    first = time.perf_counter() - start
    start = time.perf_counter()
    model.fit(timing_batch.repeat(steps), epochs=1, verbose=0)
    return first, (time.perf_counter() - start) / steps


# %% [markdown]
# The policies this kind of device can use, each in a fresh model: on a CPU all
# three, on a GPU float32 and float16, on a TPU float32 and bfloat16.

# %%
candidates = {"CPU": ["float32", "mixed_float16", "mixed_bfloat16"],
              "GPU": ["float32", "mixed_float16"],
              "TPU": ["float32", "mixed_bfloat16"]}[DEVICE_KIND]
policy_timings = {}
for policy in candidates:
    with strategy.scope():
        candidate = build_model(policy)
        compile_model(candidate, jit_compile=False)
    policy_timings[policy] = time_steps(candidate)
    del candidate
reference = policy_timings["float32"][1]
for policy, (first, per_step) in policy_timings.items():
    print(f"{policy:<15} first step {first:5.1f} s | {per_step:6.3f} s per step | "
          f"{GLOBAL_BATCH_SIZE / per_step:6.0f} images/s | "
          f"{per_step / reference:4.1f} x float32's time")

# %% [markdown]
# On a CPU, 16 bits gain little or nothing. Most CPUs have no float16 arithmetic:
# the values are converted to and from float32 around every operation, which
# costs time (the last column above). Some recent CPUs, this one among them
# (TensorFlow's start-up log lists `AVX512_BF16`), have bfloat16 instructions,
# which can bring it close to float32 or a little past it, for 8 bits of
# precision less in every activation. "auto" keeps float32 on a CPU all the same:
# the gain, where there is one, depends on the CPU, and a few timed steps are a
# rough measurement; set `MIXED_PRECISION = "mixed_bfloat16"` where it measured
# faster on yours. On a GPU with tensor cores, `mixed_float16` is much faster than
# float32 by NVIDIA's and TensorFlow's documentation (TensorFlow's mixed precision
# guide: "more than 3 times on modern GPUs"); this course has not measured that
# (`make benchmark-accelerator` measures it where there is a GPU).

# %% [markdown]
# ## XLA: `jit_compile`, measured
# `jit_compile=True` has XLA compile the whole training step into one program
# for this device, fusing operations together. It can speed up a GPU, and a TPU
# always works this way, but compiling takes time, and it does not help every
# model or device: measure it. Keras compiles a model only if XLA can compile
# each of its layers; `RandomRotation` cannot, which is one more reason why the
# augmentation now lives in the input pipeline:

# %%
print("RandomRotation can be compiled by XLA:",
      tf.keras.layers.RandomRotation(0.2).supports_jit)

# %% [markdown]
# The same timed steps, under the chosen policy, without and with XLA (on a TPU
# there is nothing to choose: XLA compiles every step there).

# %%
jit_timings = {False: policy_timings[POLICY]}
if DEVICE_KIND != "TPU":
    with strategy.scope():
        candidate = build_model(POLICY)
        compile_model(candidate, jit_compile=True)
    assert candidate.jit_compile  # Keras compiles this model with XLA
    jit_timings[True] = time_steps(candidate)
    del candidate
for jit, (first, per_step) in jit_timings.items():
    print(f"jit_compile={jit!s:<5}  first step {first:5.1f} s | "
          f"{per_step:6.3f} s per step | {GLOBAL_BATCH_SIZE / per_step:6.0f} images/s")
if True in jit_timings:
    ratio = jit_timings[True][1] / jit_timings[False][1]
    print(f"with XLA, a step takes {ratio:.2f} x the time it takes without")

# %% [markdown]
# The choice: with `JIT_COMPILE = "auto"`, XLA only if it was faster here.

# %%
if DEVICE_KIND == "TPU":
    USE_JIT = True  # the TPU's compiler is XLA
elif JIT_COMPILE == "auto":
    USE_JIT = jit_timings[True][1] < jit_timings[False][1]
else:
    USE_JIT = bool(JIT_COMPILE)
print("jit_compile for training:", USE_JIT)

# %% [markdown]
# On this course's CPU, XLA's compiled step was far slower than TensorFlow's own
# kernels (the ratio above), so "auto" leaves it off here. On a GPU the
# measurement decides, not an assumption.

# %% [markdown]
# ## Build, compile and train in the strategy's scope
# The model that trains: built and compiled inside `strategy.scope()`, under the
# chosen policy, with the chosen `jit_compile`. Only the head trains, as in 03.

# %% tags=["nbval-check-output"]
tf.keras.utils.set_random_seed(SEED)
with strategy.scope():
    model = build_model(POLICY)
    compile_model(model, jit_compile=USE_JIT)
assert model.output.dtype == "float32"  # the logit, whatever the policy
print("trainable variables:", len(model.trainable_variables))
print("trainable parameters:", model_parts.count_params(model.trainable_variables))
assert model_parts.count_params(model.trainable_variables) == 1281

# %% [markdown]
# 03's `fit`, with the global batch from the input pipeline; each epoch's
# metrics and seconds go to a log as in 03 (`training.ResumableRun`, here without
# a backup: with several workers, a backup must be planned per worker).

# %% tags=["course"]
run = training.ResumableRun(ARTIFACTS_DIR, "scaling_up", model, split.id,
                            epochs=INITIAL_EPOCHS, verbose=VERBOSE, backup=False)

# %% [markdown]
# 03's `fit`, on the strategy's datasets:

# %%
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    callbacks=run.callbacks,
)
train_seconds = run.seconds()
hist = run.history()
assert hist["epoch"] == list(range(INITIAL_EPOCHS))

# %% [markdown]
# ## Where the time goes
# Three speeds side by side: the input pipeline alone, the model alone (the timed
# steps above) and `fit` (both, an epoch of training plus its validation pass;
# the first epoch, which also traces the step, left out when there are more).
# The slowest sets the pace: if the pipeline is slower than the model, the
# accelerator waits for data, and the remedy is in the pipeline (more parallel
# calls, caching decoded images as 06 does, fewer and smaller files), not in the
# model.

# %%
steady = hist["seconds"][1:] or hist["seconds"]
fit_speed = (len(split.train) + len(split.validation)) / (sum(steady) / len(steady))
model_speed = GLOBAL_BATCH_SIZE / jit_timings[USE_JIT][1]
print(f"input pipeline alone:   {pipeline_speed['decode and augment']:7,.0f} images/s")
print(f"model alone (training): {model_speed:7,.0f} images/s")
print(f"fit, per epoch:         {fit_speed:7,.0f} images/s")
slower = "the model" if model_speed < pipeline_speed["decode and augment"] else (
    "the input pipeline")
print("the slower of the two here:", slower)

# %% [markdown]
# Here the CPU does both jobs, preparing images and running the model, and the
# model is the slower one. A GPU changes that: the model becomes tens of times
# faster, while the pipeline stays on the CPU (two cores on Colab's free
# machines), and the pipeline can become the slower of the two. That is why it
# decodes and augments in parallel and prefetches; if it still holds the GPU
# back, cache the decoded images (`pipeline.make_dataset(..., cache=True)`).

# %% [markdown]
# Where feature extraction ends, beside 03's result when 03 ran in this artifacts
# folder (the same recipe, with augmentation inside the model):

# %%
val_accuracy = hist["val_accuracy"][-1]
print(f"validation accuracy after {INITIAL_EPOCHS} epochs: {val_accuracy:.4f}")
if stages.has_stage(ARTIFACTS_DIR, "feature_extraction"):
    fe = stages.load_results(ARTIFACTS_DIR, "feature_extraction")
    if fe.get("split_id") == split.id and fe["epochs"] == INITIAL_EPOCHS:
        print(f"03, same split and epochs: {fe['history']['val_accuracy'][-1]:.4f}")

# %% [markdown]
# The same recipe, two runs, two numbers: in the stored run, 0.9468 here and 0.9653
# in 03, 15 of the 808 validation images apart. On this machine there is one
# replica, so the global batch (32) and the learning rate (0.0001) are 03's: no
# scaling is involved. The difference is a different run: the augmentation draws
# its random flips and rotations in the input pipeline instead of inside the model,
# so the head learns from other versions of the images, and randomness of that
# kind moves a validation accuracy from run to run. One run of each cannot say how
# much of the gap is chance. On several replicas the scaled batch and learning
# rate would change the result too.

# %% [markdown]
# ## Save
# With several machines every worker trains, but only one writes: the `chief`
# task if `TF_CONFIG` names one, else worker 0 (`scaling.is_chief`; on one
# machine, always this one). The model and its numbers get this notebook's own
# names, so nothing of 03's is replaced.

# %%
if scaling.is_chief(strategy):
    saved = stages.save_stage(
        ARTIFACTS_DIR, "scaling_up", split, model, history=hist,
        epochs=INITIAL_EPOCHS, strategy=choice, replicas=REPLICAS,
        global_batch_size=GLOBAL_BATCH_SIZE, learning_rate=LEARNING_RATE,
        policy=POLICY, jit_compile=USE_JIT, train_seconds=train_seconds,
        policy_step_seconds={p: t[1] for p, t in policy_timings.items()},
        jit_step_seconds={str(j): t[1] for j, t in jit_timings.items()},
        pipeline_images_per_second=pipeline_speed,
        model_images_per_second=model_speed, fit_images_per_second=fit_speed,
    )
    print("saved", " and ".join(path.name for path in saved))

# %% [markdown]
# ## Recap
# - Detect first, before anything else runs in TensorFlow: `TPUStrategy`,
#   `MultiWorkerMirroredStrategy` (`TF_CONFIG`), `MirroredStrategy` (several
#   GPUs) or the default strategy; build and compile inside `strategy.scope()`.
# - Batch the dataset with the global batch, `BATCH_SIZE_PER_REPLICA x
#   replicas`, and scale the learning rate with the replicas, with care (warm-up,
#   limits).
# - Mixed precision where the hardware computes fast in 16 bits
#   (`mixed_float16` on GPUs, `mixed_bfloat16` on TPUs), on a CPU only where it
#   measured faster (`mixed_float16` did not here); the logit layer always in
#   float32.
# - `jit_compile` and mixed precision are measured on the machine at hand, not
#   assumed: on this CPU, a training step took 1.6 times as long in
#   `mixed_float16`, about as long in `mixed_bfloat16` (0.8 times) and 8.84 times
#   as long with XLA, in the stored run.
# - The input pipeline decodes and augments in parallel, on the CPU, and
#   prefetches; compare its speed with the model's to know which one to improve.

# %% [markdown]
# ## Exercises
# From predicting numbers to running a strategy this notebook only describes.
# Each exercise has a **hint** and a worked **solution**, folded: try first, then
# click *Hint* or *Solution* to open them. Solution code runs in this notebook after
# it has run from the top (Run All first): paste it into a new cell at the end. It
# saves nothing over what this notebook saved.

# %% [markdown]
# ### Exercise 1 (predict): two GPUs, eight GPUs
# This notebook on a machine with 2 GPUs, then 8: what global batch, learning rate
# and number of steps per epoch do you expect, with the 2,000 training images?
# And what happens to the number of weight updates in 10 epochs?
#
# <details><summary>Hint</summary>
#
# The global batch is `BATCH_SIZE_PER_REPLICA` times the replicas; an epoch is
# the training images divided by the global batch, the last batch possibly
# smaller.
#
# </details>
#
# <details><summary>Solution</summary>
#
# With 2 GPUs: 64 images per step, a learning rate of 0.0002, 32 steps per epoch.
# With 8: 256 images, 0.0008, 8 steps. Ten epochs then make 80 updates instead of
# 630 on one device: each update is larger (the learning rate) and better informed
# (the gradient of 8 times more images), but there are far fewer of them. Expect
# to need some more epochs, or a per-replica batch smaller than 32, when the
# dataset is this small. The code prints the numbers for this split:
#
# ```python
# import math
#
# for replicas in (1, 2, 8):
#     global_batch = scaling.scale_batch_size(BATCH_SIZE_PER_REPLICA, replicas)
#     rate = scaling.scale_learning_rate(BASE_LEARNING_RATE, replicas)
#     steps = math.ceil(len(split.train) / global_batch)
#     print(f"{replicas} replica(s): global batch {global_batch}, learning rate "
#           f"{rate:g}, {steps} steps per epoch, {steps * INITIAL_EPOCHS} updates "
#           f"in {INITIAL_EPOCHS} epochs")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (extend): a warm-up for the scaled learning rate
# Write a schedule for 8 replicas that starts at `BASE_LEARNING_RATE` and rises
# in equal steps to the scaled rate over the first 3 epochs, then stays there.
# Check its values for the first 5 epochs.
#
# <details><summary>Hint</summary>
#
# `tf.keras.callbacks.LearningRateScheduler` calls a function with the epoch
# number (from 0) and the current rate before each epoch and sets the rate it
# returns; pass it to `fit(callbacks=[...])`.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Epochs 0, 1 and 2 rise by a third of the difference each; from epoch 3 on, the
# full rate. With only 8 steps per epoch on 8 replicas, a warm-up per *step* is
# smoother: a `tf.keras.optimizers.schedules.LearningRateSchedule` passed as the
# optimizer's `learning_rate` does that.
#
# ```python
# TARGET = scaling.scale_learning_rate(BASE_LEARNING_RATE, 8)
# WARMUP_EPOCHS = 3
#
#
# def warmup(epoch, rate=None):
#     """From BASE_LEARNING_RATE to TARGET over WARMUP_EPOCHS, then TARGET."""
#     if epoch >= WARMUP_EPOCHS:
#         return TARGET
#     return BASE_LEARNING_RATE + (TARGET - BASE_LEARNING_RATE) * epoch / WARMUP_EPOCHS
#
#
# schedule = tf.keras.callbacks.LearningRateScheduler(warmup)  # for fit(callbacks=)
# rates = [warmup(epoch) for epoch in range(5)]
# print([f"{rate:.6f}" for rate in rates])
# assert rates[0] == BASE_LEARNING_RATE and rates[3] == rates[4] == TARGET
# assert all(a < b for a, b in zip(rates[:4], rates[1:4]))
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (extend): `MirroredStrategy` on this machine
# Without a second GPU, TensorFlow can still split the CPU into two *logical*
# devices and mirror a model over them: a way to try `MirroredStrategy` anywhere
# (slower, not faster). Try `tf.config.set_logical_device_configuration` in this
# notebook first. Why does it fail, and how do the course's tests do it?
#
# <details><summary>Hint</summary>
#
# Like `TF_CONFIG` and the TPU, logical devices must be set before TensorFlow
# starts its runtime. A fresh Python, started from here with `subprocess`, has
# not started it yet.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Here TensorFlow has run for a while: "Virtual devices cannot be modified after
# being initialized". A new Python process can split its CPU before running
# anything, then create a `MirroredStrategy` over both halves: 2 replicas.
# `tests/test_distribute.py` goes further: it trains a small model there and
# checks that the weights match one device's, trained on the same global batches.
#
# ```python
# import subprocess
# import textwrap
#
# cpu = tf.config.list_physical_devices("CPU")[0]
# try:
#     tf.config.set_logical_device_configuration(
#         cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
# except RuntimeError as error:
#     print("in this notebook:", error)
# code = textwrap.dedent("""
#     import tensorflow as tf
#     cpu = tf.config.list_physical_devices("CPU")[0]
#     tf.config.set_logical_device_configuration(
#         cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
#     strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
#     print("in a fresh Python: replicas in sync:", strategy.num_replicas_in_sync)
# """)
# done = subprocess.run([sys.executable, "-c", code], capture_output=True,
#                       text=True, timeout=300)
# print(done.stdout.strip())
# assert "replicas in sync: 2" in done.stdout, done.stderr[-2000:]
# ```
#
# </details>

# %% [markdown]
# ### Exercise 4 (think): three machines, one chief
# Write the `TF_CONFIG` of each machine for a cluster of three: a chief at
# 10.0.0.1 and two workers at 10.0.0.2 and 10.0.0.3, all on port 12345. Which
# machine saves the model? What happens if the third machine is never started?
#
# <details><summary>Hint</summary>
#
# The `cluster` part is the same on every machine; only `task` differs. Think of
# what an all-reduce needs from every replica at every step.
#
# </details>
#
# <details><summary>Solution</summary>
#
# The chief saves (`scaling.is_chief`: the `chief` task, and worker 0 only when
# there is no chief). If one machine never starts, the others wait for it when
# the strategy is created: training cannot begin without every replica, because
# every step averages all of their gradients. The same holds if a machine stops
# mid-training: the others stop at the next all-reduce. (For long runs, Keras'
# `BackupAndRestore`, used in 03, lets a restarted cluster go on from the last
# epoch.)
#
# ```python
# import json
#
# cluster = {"chief": ["10.0.0.1:12345"],
#            "worker": ["10.0.0.2:12345", "10.0.0.3:12345"]}
# tasks = [{"type": "chief", "index": 0}, {"type": "worker", "index": 0},
#          {"type": "worker", "index": 1}]
# for task in tasks:
#     print(f"TF_CONFIG='{json.dumps({'cluster': cluster, 'task': task})}'")
# ```
#
# </details>
