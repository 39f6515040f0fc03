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
# # 4. Fine-tuning the top of MobileNetV2

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/04_fine_tuning.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/04_fine_tuning.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/04_fine_tuning.ipynb">
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
# हिंदी में: [04_fine_tuning](../notebooks-hi/04_fine_tuning.ipynb)
#
# Feature extraction used ImageNet's features as they are. *Fine-tuning* lets the
# top layers of the base adapt to cats and dogs: we unfreeze them and keep
# training, slowly, so the ImageNet knowledge is adjusted rather than erased. The
# lower layers, which detect generic edges and textures, stay frozen.

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
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import (
    artifacts,
    catchup,
    model_parts,
    pipeline,
    plots,
    session,
    splits,
    stages,
    training,
)

# %% [markdown]
# The tutorial's settings:

# %% tags=["parameters"]
BATCH_SIZE = 32
SEED = 123
BASE_LEARNING_RATE = 0.0001
FINE_TUNE_EPOCHS = 10
FINE_TUNE_AT = 100

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch
BACKUP = True  # save after each epoch, so that re-running fit resumes

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("04"))

# %% [markdown]
# Fixed random seeds (weights of the new layers, augmentation, dropout, shuffling),
# so a re-run on the same machine and versions gives the same numbers.

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown]
# **If you start here**, the next cell fetches or makes what
# [01_data](01_data.ipynb) and [03_feature_extraction](03_feature_extraction.ipynb)
# save ([how](../docs/course-cells.md#if-you-start-here)).

# %% tags=["course"]
print(catchup.ensure_stage("feature_extraction", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown]
# ## What notebooks 01 and 03 saved
# The split, and the trained feature-extraction model with its history. If one is
# missing, the message names the notebook to run first; if 01 was re-run with other
# settings since 03 trained, it says that too. The number of feature-extraction
# epochs comes from what 03 saved.

# %%
split = splits.load_split(ARTIFACTS_DIR)
model, results = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
history = results["history"]
INITIAL_EPOCHS = results["epochs"]
base_model = model_parts.find_base_model(model)
print(base_model.name, "| feature extraction ran", INITIAL_EPOCHS, "epochs")

# %% [markdown]
# The same datasets as in 03.

# %%
IMG_SIZE = split.image_size
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(AUTOTUNE)
validation_dataset = pipeline.make_dataset(
    split.validation, IMG_SIZE, BATCH_SIZE
).prefetch(AUTOTUNE)

# %% [markdown]
# ## Unfreeze the top layers
# Why only now, after 03: a freshly initialised head makes large, random errors,
# and their large gradients would flow into the pretrained layers and destroy what
# they learned. With the head trained first, the gradients are small and adjust
# the base gently. Why only the top: early layers learn generic edges and textures
# that suit any photo; the later ones are the most specific to ImageNet.
#
# First unfreeze the whole base, then freeze again every layer below
# `FINE_TUNE_AT`.

# %% tags=["nbval-check-output"]
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
# ## Keep BatchNormalization in inference mode (Keras 3)
# In the tutorial (Keras 2), `base_model(x, training=False)` in notebook 03 kept
# every BatchNormalization layer in inference mode even after unfreezing. Keras 3
# overrides that `training=False` during `fit` (keras-team/keras#20285): the
# unfrozen BatchNormalization layers would normalise each batch with its own
# statistics and overwrite the ImageNet ones, and the head trained in 03 would no
# longer fit what it receives.
#
# Keras 3 runs a BatchNormalization layer whose `trainable` is False in inference
# mode. So we freeze those layers again. The effect on what trains: the tutorial
# (Keras 2) also trained each unfrozen BatchNormalization layer's scale and
# offset, two variables per layer; here only the convolutions of the top layers
# and the head train. The saved model holds only Keras' own layers, so it loads
# anywhere Keras runs. (`compat.freeze_batch_norm` keeps this loop for notebook 06.)

# %%
for layer in base_model.layers:
    if isinstance(layer, tf.keras.layers.BatchNormalization):
        layer.trainable = False

# %% [markdown]
# Now the 18 convolution kernels among the top 54 layers train, plus the head's
# kernel and bias: 20 variables. (The tutorial counted 56: with Keras 2 the 18
# BatchNormalization layers up there trained their scale and offset too.)

# %% tags=["nbval-check-output"]
print("trainable variables:", len(model.trainable_variables))
if FINE_TUNE_AT == 100:  # the tutorial's setting
    assert len(model.trainable_variables) == 20

# %% [markdown]
# ## Recompile with a lower learning rate
# A model must be compiled again after `trainable` changes. The learning rate is a
# tenth of before: we now train 1.8 million pretrained weights on 2,000 images,
# and with large steps "the model could overfit very quickly", as the tutorial
# warns, or wreck the pretrained weights. The tutorial switches to RMSprop here,
# which scales each weight's step by the size of its recent gradients, so a few
# large gradients cannot move the pretrained weights far. (Adam, used in 03, does
# the same with momentum; both work here.) Overfitting shows in 06's learning
# curves: training accuracy keeps rising while the validation loss stalls.

# %%
model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
    metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
)

# %% [markdown]
# The model again: trainable and non-trainable parameters have moved, and the base
# now trains in part (its Trainable column says Y).

# %%
model.summary(show_trainable=True)

# %% [markdown]
# Inside the base, around the cut at `FINE_TUNE_AT`: from index 100 on, every
# layer with weights trains (Y) except the BatchNormalization layers frozen above
# (N); below the cut nothing trains (N). Layers without weights show a dash.

# %%
first, last = base_model.layers[FINE_TUNE_AT - 3], base_model.layers[FINE_TUNE_AT + 4]
base_model.summary(show_trainable=True, layer_range=[first.name, last.name])

# %% [markdown]
# ## Continue training
# Epochs continue from where feature extraction stopped: the next epoch index is
# `len(history.epoch)`. The tutorial passes `initial_epoch=history.epoch[-1]`, the
# index of the last epoch already trained, so its fine-tuning runs one epoch
# *more* than `fine_tune_epochs` (11 epochs, numbered 10 to 20 in its logs).
# tensorflow.org's newer version of the tutorial fixed it the same way:
# `initial_epoch=len(history.epoch)`.

# %%
total_epochs = INITIAL_EPOCHS + FINE_TUNE_EPOCHS
initial_epoch = training.initial_epoch_after(history)
assert initial_epoch == INITIAL_EPOCHS

bn_layer = base_model.get_layer("block_16_project_BN")
moving_mean = bn_layer.moving_mean.numpy()

# %% [markdown]
# A `ResumableRun` as in 03, now for epochs 11 to 20:

# %% tags=["course"]
run = training.ResumableRun(
    ARTIFACTS_DIR, "fine_tuning", model, split.id, epochs=total_epochs,
    initial_epoch=initial_epoch, verbose=VERBOSE, backup=BACKUP, batch_size=BATCH_SIZE,
    seed=SEED, started_from=history,  # 03's run, epoch by epoch
)
print(run.message)

# %% [markdown]
# The tutorial's `fit`, plus `callbacks=run.callbacks`:

# %%
history_fine = model.fit(
    train_dataset,
    epochs=total_epochs,
    initial_epoch=initial_epoch,
    validation_data=validation_dataset,
    callbacks=run.callbacks,
)
hist_fine = run.history()
assert hist_fine["epoch"] == list(range(INITIAL_EPOCHS, total_epochs))

# %% [markdown]
# The BatchNormalization layers stayed in inference mode: their ImageNet
# statistics did not move.

# %%
assert np.array_equal(moving_mean, bn_layer.moving_mean.numpy())

# %% [markdown]
# ## Learning curves, both stages
# Notebook 03's plot of the tutorial, over all epochs (`plots.plot_history` draws
# it), with the tutorial's line where fine-tuning starts.

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
# A plateau, not yet overfitting, in the stored run: the training loss fell from
# 0.1991 in epoch 11 to 0.0808 in epoch 20, while the validation loss was lowest in
# epoch 19 (0.0502) and ended at 0.0612; the best validation accuracy, 0.9814 in
# epoch 17, was not the last. The validation loss stayed below the training loss in
# all 20 epochs (augmentation and dropout act only in training, which makes the
# training loss the harder one): it stopped improving and went up and down from
# epoch to epoch, but it never rose above the training loss. Overfitting looks
# different: 06, which trains the same layers on unaugmented images, reaches
# a training accuracy of 0.999 while its validation loss rises from its lowest,
# 0.050, to 0.071. Augmentation slows this down. Exercise 4 below shows how to stop
# at the right time.

# %% [markdown]
# ## What ImageNet bought
# Would 2,000 images have been enough without ImageNet? `scripts/from_scratch.py`
# trains this notebook's network from random weights, every layer of it, with the
# same augmentation, head, split and 20 epochs, and Adam at 0.001: ten times the
# tutorial's rate, since a network learning from nothing needs larger steps (d2l's
# fine-tuning chapter gives its from-scratch network ten times the rate too). It
# took 26.8 minutes on our 2-core CPU. Validation accuracy after the first epoch
# and after the last: from scratch, 0.4926 and 0.4926 (test accuracy 0.5312); from
# ImageNet's weights, 0.7661 after 03's first epoch, 0.9653 after its tenth and
# 0.9752 after 04's tenth (test accuracy 0.9375, 05).
#
# From scratch, the network calls every validation image the same class for all
# 20 epochs, while its training accuracy climbs to 0.7635. Both are true at once,
# and 06's BatchNormalization experiment explains why: in training, each
# BatchNormalization layer normalises with the batch's own statistics; at
# validation, with its moving statistics, which MobileNetV2's layers update slowly
# (they keep 0.999 of the old value at each step). After 1,260 steps they are
# still far from the statistics the network learned with. Even the training
# accuracy, 0.7635 after 20 epochs, is below what feature extraction reached on
# the validation images after one epoch. That is what ImageNet bought: features
# that already separate cats from dogs, and statistics that already fit them.
#
# ![Accuracy per epoch, three ways of training](../results/from_scratch.png)
#
# (`results/from_scratch.json` holds every epoch. Run it at home, not in class: it
# trains all 2.26 million weights, at about 80 s an epoch here.)

# %% [markdown]
# ## Save the fine-tuned model
# For notebook 05, with the split's id and this stage's numbers.

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "fine_tuning", split, model, history=hist_fine,
    epochs=FINE_TUNE_EPOCHS, fine_tune_at=FINE_TUNE_AT, train_seconds=run.seconds(),
)
print("saved", " and ".join(path.name for path in saved))

# %% tags=["course"]
catchup.keep(ARTIFACTS_DIR, "fine_tuning", use_drive=USE_DRIVE)

# %% [markdown]
# ## Exercises
# From changing one parameter and predicting the effect, to extending the code.
# Each exercise has a **hint** and a worked **solution**, folded: try first, then
# click *Hint* or *Solution* to open them. Solution code runs in this notebook after
# it has run from the top (Run All first): paste it into a new cell at the end. It
# saves nothing over what this notebook saved.

# %% [markdown]
# ### Exercise 1 (predict): fine-tune everything
# Set `FINE_TUNE_AT = 0`: the whole base trains. Predict: how many variables
# train then, is an epoch faster or slower, and does validation accuracy improve
# faster, or does the model overfit?
#
# <details><summary>Hint</summary>
#
# Every convolution in MobileNetV2 has a kernel and no bias (the BatchNormalization
# after it holds the offset), and BatchNormalization stays frozen: count the
# convolutions. For the time: the gradient now flows back through all 154 layers,
# not the top 54.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Every convolution kernel of the base trains, plus the head's kernel and bias:
# about 2.2 million weights instead of 1.8 million. The code counts them on a fresh
# copy of 03's model. Each epoch runs backward through the whole network, so it
# gets slower (not measured here). The first layers compute edges and textures that
# suit any photo; re-learning them from 2,000 images rarely helps and makes
# overfitting easier: expect training accuracy to climb faster than validation
# accuracy, and watch the validation loss in the curves. To run it: set the
# parameter, then *Restart Kernel and Run All Cells* (the check for 20 trainable
# variables only applies to `FINE_TUNE_AT == 100`); afterwards set it back to 100
# and run 04 again, and 05, to return to the course's model.
#
# ```python
# def unfrozen_copy(fine_tune_at):
#     """03's model, loaded again, its base unfrozen from layer ``fine_tune_at``
#     as above (BatchNormalization kept frozen); the notebook's model is untouched."""
#     copy, _ = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
#     base = model_parts.find_base_model(copy)
#     base.trainable = True
#     for layer in base.layers[:fine_tune_at]:
#         layer.trainable = False
#     for layer in base.layers:
#         if isinstance(layer, tf.keras.layers.BatchNormalization):
#             layer.trainable = False
#     return copy
#
#
# everything = unfrozen_copy(0)
# print("trainable variables:", len(everything.trainable_variables))
# print("trainable parameters:",
#       model_parts.count_params(everything.trainable_variables))
# assert len(everything.trainable_variables) == 54  # 52 convolutions + the head
# assert (len(unfrozen_copy(FINE_TUNE_AT).trainable_variables)
#         == len(model.trainable_variables))
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (predict): a ten times larger learning rate
# In the cell under *Recompile with a lower learning rate*, use
# `BASE_LEARNING_RATE` itself instead of a tenth of it. What happens in the first
# fine-tuning epoch?
#
# <details><summary>Hint</summary>
#
# In the stored run, validation accuracy went from 0.9653 (the last epoch of 03) to
# 0.9740 in the first fine-tuning epoch. Now 1.8 million pretrained weights take
# steps ten times larger, pushed by a head that was trained for the old features.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Larger steps move the pretrained weights further from the features the head was
# trained on: expect a worse first epoch, with a higher loss, and validation
# accuracy that may drop below 03's before it recovers, then quicker overfitting.
# This is the tutorial's warning: with a large learning rate "the model could
# overfit very quickly". (The stored run used only the small rate.) The code trains
# one epoch on a fresh copy of 03's model with each rate and prints both; each
# epoch takes about 39 s on a CPU (in the stored run).
#
# ```python
# def unfrozen_copy(fine_tune_at):
#     """03's model, loaded again, its base unfrozen from layer ``fine_tune_at``
#     as above (BatchNormalization kept frozen); the notebook's model is untouched."""
#     copy, _ = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
#     base = model_parts.find_base_model(copy)
#     base.trainable = True
#     for layer in base.layers[:fine_tune_at]:
#         layer.trainable = False
#     for layer in base.layers:
#         if isinstance(layer, tf.keras.layers.BatchNormalization):
#             layer.trainable = False
#     return copy
#
#
# for learning_rate in (BASE_LEARNING_RATE / 10, BASE_LEARNING_RATE):
#     trial = unfrozen_copy(FINE_TUNE_AT)
#     trial.compile(
#         loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#         optimizer=tf.keras.optimizers.RMSprop(learning_rate=learning_rate),
#         metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
#     )
#     first = trial.fit(train_dataset, epochs=1, validation_data=validation_dataset,
#                       verbose=0).history
#     print(f"learning rate {learning_rate:g}: loss {first['loss'][0]:.4f}, "
#           f"validation accuracy {history['val_accuracy'][-1]:.4f} -> "
#           f"{first['val_accuracy'][0]:.4f}")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (check): one epoch more
# The tutorial continues with `initial_epoch=history.epoch[-1]`; this course with
# `len(history.epoch)` (`training.initial_epoch_after`). How many epochs does each
# run, and how are they numbered? Check it on a tiny model: it takes a second.
#
# <details><summary>Hint</summary>
#
# `fit(epochs=E, initial_epoch=I)` runs the epochs with the 0-based indices I, I+1,
# ..., E-1: E - I epochs. What is `history.epoch[-1]` after 10 epochs, and what is
# `len(history.epoch)`?
#
# </details>
#
# <details><summary>Solution</summary>
#
# After 10 epochs, `history.epoch` is `[0, 1, ..., 9]`: `history.epoch[-1]` is 9,
# `len(history.epoch)` is 10. With `epochs=20`, the tutorial's fine-tuning runs the
# indices 9 to 19: 11 epochs, one *more* than `fine_tune_epochs`, the first logged
# as "Epoch 10/20" like the last epoch of feature extraction. Ours runs 10 to 19:
# exactly 10, logged "Epoch 11/20" to "Epoch 20/20", as above. The newer version of
# the tutorial on tensorflow.org has the same fix: `initial_epoch=len(history.epoch)`.
#
# ```python
# x = np.zeros((8, 1), "float32")
# toy = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
# toy.compile(optimizer="sgd", loss="mse")
# first = toy.fit(x, x, epochs=3, verbose=0)
# tutorial = toy.fit(x, x, epochs=3 + 2, initial_epoch=first.epoch[-1], verbose=0)
# ours = toy.fit(x, x, epochs=3 + 2, initial_epoch=len(first.epoch), verbose=0)
# print("3 epochs, then 2 more. tutorial:", tutorial.epoch, "| ours:", ours.epoch)
# assert len(tutorial.epoch) == 3 and len(ours.epoch) == 2
# ```
#
# </details>

# %% [markdown]
# ### Exercise 4 (extend): stop at the right time
# Fine-tuning overfits sooner or later. Add an `EarlyStopping` callback that
# watches the validation loss and keeps the best weights. In the stored run, when
# would it have stopped, and which epoch's model would you have kept?
#
# <details><summary>Hint</summary>
#
# `tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=2,
# restore_best_weights=True)` stops once the validation loss has not improved for 2
# epochs in a row. `hist_fine["val_loss"]` holds this run's values: walk through
# them.
#
# </details>
#
# <details><summary>Solution</summary>
#
# In the stored run the validation loss fell to 0.0588 (epoch 13), rose (14), fell
# to 0.0524 (15), then rose twice (16 and 17): with `patience=2` training stops
# after epoch 17 and restores epoch 15's weights, with validation accuracy 0.9790
# instead of the last epoch's 0.9752. With `patience=3` it runs to the end and
# restores epoch 19 (0.0502, the lowest loss; accuracy 0.9802). Patience trades
# time against the risk of stopping in a dip. The code first replays the rule on
# the history above.
#
# Do not add `early_stopping` to the `fit` under *Continue training*: when training
# stops early, the check after that `fit` (`hist_fine["epoch"]` holds all epochs 11
# to 20) fails, nothing is saved, and 05 finds no model. To try it for real, the
# code then fine-tunes a fresh copy of 03's model with `early_stopping` (at most as
# long as the fine-tuning above) and saves nothing: the notebook's model and its
# saved stage stay as they are. `restore_best_weights=True` leaves the copy with
# its best epoch's weights whether it stopped early or ran to the end. Its numbers
# are not the stored run's: a new run augments and shuffles differently. One
# caution: picking the epoch on the validation set makes validation accuracy a
# little more optimistic still (05 explains why the test set stays out of it).
#
# ```python
# early_stopping = tf.keras.callbacks.EarlyStopping(
#     monitor="val_loss", patience=2, restore_best_weights=True)
#
#
# def replay_early_stopping(val_loss, patience):
#     # the index of the epoch EarlyStopping stops after, and of the best epoch
#     best, wait = 0, 0
#     for i in range(1, len(val_loss)):
#         if val_loss[i] < val_loss[best]:
#             best, wait = i, 0
#         else:
#             wait += 1
#             if wait >= patience:
#                 return i, best
#     return len(val_loss) - 1, best
#
#
# for patience in (2, 3):
#     stop, best = replay_early_stopping(hist_fine["val_loss"], patience)
#     print(f"patience {patience}: stops after epoch {hist_fine['epoch'][stop] + 1},"
#           f" keeps epoch {hist_fine['epoch'][best] + 1} (validation accuracy "
#           f"{hist_fine['val_accuracy'][best]:.4f})")
#
#
# def unfrozen_copy(fine_tune_at):
#     """03's model, loaded again, its base unfrozen from layer ``fine_tune_at``
#     as above (BatchNormalization kept frozen); the notebook's model is untouched."""
#     copy, _ = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
#     base = model_parts.find_base_model(copy)
#     base.trainable = True
#     for layer in base.layers[:fine_tune_at]:
#         layer.trainable = False
#     for layer in base.layers:
#         if isinstance(layer, tf.keras.layers.BatchNormalization):
#             layer.trainable = False
#     return copy
#
#
# trial = unfrozen_copy(FINE_TUNE_AT)
# trial.compile(
#     loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#     optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
#     metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
# )
# stopped = trial.fit(train_dataset, epochs=total_epochs, initial_epoch=initial_epoch,
#                     validation_data=validation_dataset, callbacks=[early_stopping],
#                     verbose=VERBOSE)
# best = int(np.argmin(stopped.history["val_loss"]))
# print(f"the copy trained {len(stopped.epoch)} of {FINE_TUNE_EPOCHS} epochs and "
#       f"kept epoch {stopped.epoch[best] + 1} (validation accuracy "
#       f"{stopped.history['val_accuracy'][best]:.4f})")
# kept = trial.evaluate(validation_dataset, verbose=0, return_dict=True)
# assert np.isclose(kept["loss"], stopped.history["val_loss"][best], rtol=1e-3)
# ```
#
# </details>

# %% [markdown]
# Next: [05_evaluation](05_evaluation.ipynb).
