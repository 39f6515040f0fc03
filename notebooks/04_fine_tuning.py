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
# # 4. Fine-tuning the top of MobileNetV2
#
# Feature extraction used ImageNet's features as they are. *Fine-tuning* lets the
# top layers of the base adapt to cats and dogs: we unfreeze them and keep
# training, slowly, so the ImageNet knowledge is adjusted rather than erased. The
# lower layers, which detect generic edges and textures, stay frozen.

# %% [markdown]
# ## Setup

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info logs
import time

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    compat,
    data,
    evaluation,
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
FINE_TUNE_EPOCHS = 10
FINE_TUNE_AT = 100
SMOKE = os.environ.get("TL_SMOKE") == "1"  # tiny run for tests: one epoch each
if SMOKE:
    INITIAL_EPOCHS, FINE_TUNE_EPOCHS = 1, 1
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
# ## What notebook 03 saved
# The trained feature-extraction model and its history. If they are missing, the
# message names the notebook to run first.

# %%
model = artifacts.load_model(
    ARTIFACTS_DIR / "feature_extraction.keras", "03_feature_extraction"
)
history = artifacts.load_json(
    ARTIFACTS_DIR / "feature_extraction_results.json", "03_feature_extraction"
)["history"]
assert len(history["epoch"]) == INITIAL_EPOCHS, "re-run 03 with the same epochs"
base_model = evaluation.find_base_model(model)
print(base_model.name)

# %% [markdown]
# The same datasets as before.

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
# ## Unfreeze the top layers
# First unfreeze the whole base, then freeze again every layer below
# `FINE_TUNE_AT`.

# %%
# NBVAL_CHECK_OUTPUT
base_model.trainable = True
print("Number of layers in the base model:", len(base_model.layers))
assert len(base_model.layers) == 154

# %% [markdown]
# Layers below `FINE_TUNE_AT` go back to frozen: the generic low-level features
# they compute are worth keeping as they are.

# %%
for layer in base_model.layers[:FINE_TUNE_AT]:
    layer.trainable = False

# %% [markdown]
# Now the top 54 layers train: their convolution kernels and BatchNormalization
# scales and offsets, plus the head's kernel and bias.

# %%
# NBVAL_CHECK_OUTPUT
print("trainable variables:", len(model.trainable_variables))
if FINE_TUNE_AT == 100:  # the tutorial's setting
    assert len(model.trainable_variables) == 56

# %% [markdown]
# ## Recompile with a lower learning rate
# A model must be compiled again after `trainable` changes. The learning rate is a
# tenth of before: large steps would wreck the pretrained weights. The tutorial
# uses RMSprop here.

# %%
model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
    metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
)
print("trainable parameters:", training.count_params(model.trainable_variables))

# %% [markdown]
# ## Continue training
# Epochs continue from where feature extraction stopped. The tutorial passes
# `initial_epoch=history.epoch[-1]`, the *last* epoch already trained, so its
# fine-tuning repeats epoch 10 and ends one epoch short; the next epoch is
# `len(history.epoch)`.

# %%
total_epochs = INITIAL_EPOCHS + FINE_TUNE_EPOCHS
initial_epoch = compat.initial_epoch_after(history)
assert initial_epoch == INITIAL_EPOCHS

bn_layer = base_model.get_layer("block_16_project_BN")
moving_mean = bn_layer.moving_mean.numpy()

backup_dir = ARTIFACTS_DIR / "backup_fine_tuning"
history_path = ARTIFACTS_DIR / "fine_tuning_history.json"
resume_at = training.read_backup_epoch(backup_dir)
if resume_at is not None:
    print(f"Resuming an interrupted run after epoch {resume_at}.")
epoch_log = training.make_epoch_log(history_path, resume=resume_at is not None)

start = time.perf_counter()
history_fine = model.fit(
    train_dataset,
    epochs=total_epochs,
    initial_epoch=initial_epoch,
    validation_data=validation_dataset,
    callbacks=[training.make_backup(backup_dir), epoch_log],
    verbose=VERBOSE,
)
train_seconds = time.perf_counter() - start
hist_fine = epoch_log.history
assert hist_fine["epoch"] == list(range(INITIAL_EPOCHS, total_epochs))

# %% [markdown]
# The unfrozen BatchNormalization layers stayed in inference mode: their ImageNet
# statistics did not move (see the note in notebook 03).

# %%
assert np.array_equal(moving_mean, bn_layer.moving_mean.numpy())

# %% [markdown]
# ## Learning curves, both stages
# The dashed line marks where fine-tuning starts.

# %%
combined = training.merge_histories(history, hist_fine)
assert combined["epoch"] == list(range(total_epochs))
fig = plots.plot_history(combined, fine_tune_epoch=INITIAL_EPOCHS)
plt.show()

# %% [markdown]
# Both stages' final validation accuracy (the tutorial reports about 0.98 after
# fine-tuning with its 160-px weights):

# %%
fe_accuracy, ft_accuracy = history["val_accuracy"][-1], hist_fine["val_accuracy"][-1]
print(f"validation accuracy after feature extraction: {fe_accuracy:.4f}")
print(f"validation accuracy after fine-tuning: {ft_accuracy:.4f}")

# %% [markdown]
# ## Save the fine-tuned model

# %%
model_path = artifacts.save_model(model, ARTIFACTS_DIR / "fine_tuned.keras")
results_path = artifacts.save_json(
    {
        "train_seconds": train_seconds,
        "epochs": FINE_TUNE_EPOCHS,
        "fine_tune_at": FINE_TUNE_AT,
        "peak_memory_mib": training.peak_memory_mib(),
        "history": hist_fine,
    },
    ARTIFACTS_DIR / "fine_tuning_results.json",
)
print("saved", model_path.name, "and", results_path.name)

# %% [markdown]
# ## Exercises
# 1. Set `FINE_TUNE_AT = 0` (fine-tune everything). Faster progress, or
#    overfitting?
# 2. Use `BASE_LEARNING_RATE` instead of a tenth of it. What happens in the first
#    fine-tuning epoch?
#
# Next: [05_evaluation](05_evaluation.ipynb).
