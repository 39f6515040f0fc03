# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
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
# # 3. Feature extraction with a frozen MobileNetV2
#
# MobileNetV2 learned, from 1.4 million ImageNet photos, to turn an image into
# features that describe it. We keep those features as they are (the network is
# *frozen*) and train only a small classifier on top: one weight per feature,
# 1,281 numbers in all. This is *feature extraction*.

# %% [markdown]
# ## Setup

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info logs
import time

import matplotlib.pyplot as plt
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    augmentation,
    compat,
    data,
    plots,
    session,
    training,
)

session.setup_notebook()

# %% tags=["parameters"]
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
TEST_FRACTION = 0.2
SEED = 123
BASE_LEARNING_RATE = 0.0001
INITIAL_EPOCHS = 10
DROPOUT = 0.2
SMOKE = os.environ.get("TL_SMOKE") == "1"  # tiny run for tests: one epoch
if SMOKE:
    INITIAL_EPOCHS = 1
VERBOSE = int(os.environ.get("TL_VERBOSE", "1"))  # 1: progress bar, 2: line/epoch
ARTIFACTS_DIR = artifacts.get_artifacts_dir(
    os.environ.get("TL_ARTIFACTS_DIR", "../artifacts")
)

# %% [markdown]
# Fixed random seeds (weights of the new layers, augmentation, dropout, shuffling),
# so a re-run on the same machine and versions gives the same numbers.

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown]
# The datasets from [01_data](01_data.ipynb), prefetched.

# %%
data_dir = assets.get_dataset_dir()
splits = data.prepare_splits(data_dir, ARTIFACTS_DIR, BATCH_SIZE, TEST_FRACTION, SEED)
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = data.make_dataset(
    splits["train"], IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(AUTOTUNE)
validation_dataset = data.make_dataset(
    splits["validation"], IMG_SIZE, BATCH_SIZE
).prefetch(AUTOTUNE)

# %% [markdown]
# ## The base model
# `include_top=False` drops ImageNet's 1000-class classifier and keeps the
# convolutional part, whose last block outputs a 5x5 grid of 1280 features for a
# 160x160 image. `get_weights_path` returns the ImageNet weights file: downloaded
# once into the Keras cache (the same file `weights="imagenet"` fetches), or your
# local copy from `TL_WEIGHTS`.

# %%
WEIGHTS = assets.get_weights_path()
print("weights:", WEIGHTS.name)
IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=str(WEIGHTS)
)

# %% [markdown]
# A batch of 32 images becomes a batch of 32 feature grids.

# %%
# NBVAL_CHECK_OUTPUT
image_batch, label_batch = next(iter(train_dataset))
feature_batch = base_model(image_batch)
print(feature_batch.shape)
# MobileNetV2 shrinks each side 32 times: 160 px -> a 5x5 grid
assert feature_batch.shape == (BATCH_SIZE, IMG_SIZE[0] // 32, IMG_SIZE[1] // 32, 1280)

# %% [markdown]
# ## Freeze the base
# `trainable = False` keeps every weight of the base as ImageNet left it: training
# will only change the classifier we add.

# %%
base_model.trainable = False
assert not base_model.trainable_variables

# %% [markdown]
# ### A note on BatchNormalization
# MobileNetV2 has BatchNormalization layers, which keep running statistics of
# their inputs. When we later unfreeze the base to fine-tune it, those layers must
# stay in *inference mode* (`training=False`): otherwise they normalise with the
# statistics of each small batch and update their ImageNet statistics, and the
# weights learned so far stop fitting, so accuracy drops.
#
# The tutorial writes `base_model(x, training=False)`. **Keras 3 changed this:**
# when `fit` trains a functional model it replays it with `training=True`, which
# overrides the `False` written in that call (keras-team/keras#20285), so the
# layers would leave inference mode once unfrozen. `compat.InferenceMode` wraps the
# call so it is made with `training=False` every time, as the tutorial intends.
# Notebook 04 checks that the statistics really stay put.

# %% [markdown]
# The base's layers (a long table: MobileNetV2 has 154 layers, 2.26 million
# parameters, none of them trainable now).

# %%
print(compat.summary_text(base_model))

# %% [markdown]
# ## The classification head
# Global average pooling turns each 5x5x1280 grid into 1280 numbers...

# %%
# NBVAL_CHECK_OUTPUT
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
feature_batch_average = global_average_layer(feature_batch)
print(feature_batch_average.shape)

# %% [markdown]
# ...and one `Dense` unit turns them into one number per image, a *logit*: positive
# means class 1 (dogs), negative class 0 (cats). No activation: the loss applies
# the sigmoid itself (`from_logits=True`), which is numerically safer.

# %%
# NBVAL_CHECK_OUTPUT
prediction_layer = tf.keras.layers.Dense(1)
prediction_batch = prediction_layer(feature_batch_average)
print(prediction_batch.shape)

# %% [markdown]
# ## The model
# Augmentation, rescaling, the frozen base in inference mode, pooling, dropout
# (which randomly silences 20% of the features during training) and the logit.

# %%
data_augmentation = augmentation.make_augmentation()
rescale = augmentation.make_rescaling()  # = preprocess_input, as a layer (see 02)

inputs = tf.keras.Input(shape=IMG_SHAPE)
x = data_augmentation(inputs)
x = rescale(x)
x = compat.InferenceMode(base_model)(x)  # base_model(x, training=False), see above
x = global_average_layer(x)
x = tf.keras.layers.Dropout(DROPOUT)(x)
outputs = prediction_layer(x)
model = tf.keras.Model(inputs, outputs)

# %% [markdown]
# ## Compile
# Adam with a small learning rate and binary cross-entropy on logits. The accuracy
# metric must threshold the *logit* at 0: the tutorial's `metrics=["accuracy"]`
# thresholds at 0.5, a probability, which miscounts every logit between 0 and 0.5.

# %%
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
)

# %% [markdown]
# The whole model: the base appears as one layer (its inference-mode wrapper).

# %%
print(compat.summary_text(model))

# %% [markdown]
# Only the head trains: a 1280x1 kernel and a bias, 1,281 parameters in two
# variables.

# %%
# NBVAL_CHECK_OUTPUT
print("trainable variables:", len(model.trainable_variables))
print("trainable parameters:", training.count_params(model.trainable_variables))
assert len(model.trainable_variables) == 2
assert training.count_params(model.trainable_variables) == 1281

# %% [markdown]
# ## Before training
# With a random head the model is guessing: about 50% accuracy.

# %%
loss0, accuracy0 = model.evaluate(validation_dataset, verbose=0)
print(f"initial loss: {loss0:.2f}")
print(f"initial accuracy: {accuracy0:.2f}")

# %% [markdown]
# ## Train the head
# Two callbacks make training survive an interruption: `make_backup` saves the
# state after each epoch (re-running this cell resumes after the last completed
# epoch), and `make_epoch_log` keeps every epoch's metrics and seconds on disk.

# %%
backup_dir = ARTIFACTS_DIR / "backup_feature_extraction"
history_path = ARTIFACTS_DIR / "feature_extraction_history.json"
resume_at = training.read_backup_epoch(backup_dir)
if resume_at is not None:
    print(f"Resuming an interrupted run after epoch {resume_at}.")
epoch_log = training.make_epoch_log(history_path, resume=resume_at is not None)

start = time.perf_counter()
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    callbacks=[training.make_backup(backup_dir), epoch_log],
    verbose=VERBOSE,
)
train_seconds = time.perf_counter() - start
hist = epoch_log.history
assert hist["epoch"] == list(range(INITIAL_EPOCHS))

# %% [markdown]
# ## Learning curves
# Validation accuracy above training accuracy is expected here: dropout and
# augmentation act only during training, and training metrics are averaged over an
# epoch while the model was still improving.

# %%
fig = plots.plot_history(hist)
plt.show()

# %% [markdown]
# Where feature extraction ends (the tutorial reports about 0.96 with its 160-px
# weights):

# %%
print(f"validation accuracy after feature extraction: {hist['val_accuracy'][-1]:.4f}")

# %% [markdown]
# ## Save for the next notebook
# The model and its history, written atomically (a crash never leaves half a file).

# %%
model_path = artifacts.save_model(model, ARTIFACTS_DIR / "feature_extraction.keras")
results_path = artifacts.save_json(
    {
        "initial_loss": loss0,
        "initial_accuracy": accuracy0,
        "train_seconds": train_seconds,
        "epochs": INITIAL_EPOCHS,
        "peak_memory_mib": training.peak_memory_mib(),
        "history": hist,
    },
    ARTIFACTS_DIR / "feature_extraction_results.json",
)
print("saved", model_path.name, "and", results_path.name)

# %% [markdown]
# ## Exercises
# 1. Replace the accuracy metric with `metrics=["accuracy"]` and train one epoch.
#    Why does it disagree with the loss?
# 2. Train for 20 epochs. Does validation accuracy keep rising?
#
# Next: [04_fine_tuning](04_fine_tuning.ipynb).
