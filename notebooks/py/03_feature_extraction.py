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
# # 3. Feature extraction with a frozen MobileNetV2

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/03_feature_extraction.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/03_feature_extraction.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/03_feature_extraction.ipynb">
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
# हिंदी में: [03_feature_extraction](../notebooks-hi/03_feature_extraction.ipynb)
#
# MobileNetV2 learned, from 1.4 million ImageNet photos, to turn an image into
# features that describe it. We keep those features as they are (the network is
# *frozen*) and train only a small classifier on top: one weight per feature,
# 1,281 numbers in all. This is *feature extraction*.

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
import os

import matplotlib.pyplot as plt
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    catchup,
    model_parts,
    pipeline,
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
INITIAL_EPOCHS = 10
DROPOUT = 0.2
WEIGHTS = "imagenet"  # or the path of a local .h5 copy

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_WEIGHTS) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch
BACKUP = True  # save after each epoch, so that re-running fit resumes

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("03"))

# %% [markdown]
# Fixed random seeds (weights of the new layers, augmentation, dropout, shuffling),
# so a re-run on the same machine and versions gives the same numbers.

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown]
# **If you start here**, the next cell fetches or makes the split that
# [01_data](01_data.ipynb) saves ([how](../docs/course-cells.md#if-you-start-here)).

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, use_drive=USE_DRIVE))

# %% [markdown]
# The split from [01_data](01_data.ipynb), as prefetched datasets. The image size
# comes with the split.

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(AUTOTUNE)
validation_dataset = pipeline.make_dataset(
    split.validation, IMG_SIZE, BATCH_SIZE
).prefetch(AUTOTUNE)

# %% [markdown]
# ## The base model
# `include_top=False` drops ImageNet's 1000-class classifier and keeps the
# convolutional part, whose last block outputs a 5x5 grid of 1280 features for a
# 160x160 image. That last block is the *bottleneck layer*: the last layer before
# the network flattens its features into ImageNet's 1000 class scores. Its
# features are general (shapes, textures, parts of objects), while the layers
# after it only sort them into ImageNet's classes; so we keep the network up to
# the bottleneck and put our own classifier after it.
#
# `weights="imagenet"` loads the ImageNet weights, as in the tutorial.
# `prepare_weights` makes sure Keras finds them: it puts the file in
# the Keras cache first (from a classroom mirror, `TL_MIRROR`, or the tutorial's
# address) and checks it. With `TL_WEIGHTS` set to a local copy, it returns that
# file's path instead, and the base loads from there.
#
# Which file? Keras picks the weights file by input size: at 160 px,
# `weights="imagenet"` downloads
# `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5`, the
# tutorial's. The course's stored runs used the 224-px file
# (`..._1.0_224_no_top.h5`, printed below) through `TL_WEIGHTS`. Both load into
# this base: a convolutional base has no fixed input size (its filters slide
# over a grid of any size), so weights trained at 224 px work at 160 px. They are
# other weights, though, so a run with the 160-px file gives other numbers than
# the stored ones.

# %%
WEIGHTS = assets.prepare_weights(WEIGHTS)
print("weights:", os.path.basename(WEIGHTS))
IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS
)

# %% [markdown]
# A batch of 32 images becomes a batch of 32 feature grids.

# %% tags=["nbval-check-output"]
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
# The base's layers: MobileNetV2 has 154 layers and 2.26 million parameters, none
# of them trainable now. (A long table; scroll past it.)

# %%
base_model.summary()

# %% [markdown]
# ## The classification head
# Global average pooling turns each 5x5x1280 grid into 1280 numbers...

# %% tags=["nbval-check-output"]
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
feature_batch_average = global_average_layer(feature_batch)
print(feature_batch_average.shape)

# %% [markdown]
# ...and one `Dense` unit turns them into one number per image, a *logit*: positive
# means class 1 (dogs), negative class 0 (cats). No activation: the loss applies
# the sigmoid itself (`from_logits=True`), which is numerically safer.

# %% tags=["nbval-check-output"]
prediction_layer = tf.keras.layers.Dense(1)
prediction_batch = prediction_layer(feature_batch_average)
print(prediction_batch.shape)

# %% [markdown]
# ## The model
# Augmentation, rescaling, the frozen base, pooling, dropout (which randomly
# silences 20% of the features during training) and the logit. The rescaling
# layer is `preprocess_input` as a layer (see 02).
#
# `base_model(x, training=False)` asks for the base's BatchNormalization layers
# to stay in *inference mode*: they normalise with the statistics ImageNet left
# them instead of each small batch's, and never update those statistics. While
# the base is frozen, that is what Keras does anyway. When notebook 04 unfreezes
# the top of the base it matters, and **Keras 3 changed it**: `fit` calls the
# model with `training=True`, which overrides this `training=False`
# (keras-team/keras#20285). Notebook 04 shows the fix.

# %%
data_augmentation = model_parts.make_augmentation()  # the Sequential of 02
rescale = model_parts.make_rescaling()

inputs = tf.keras.Input(shape=IMG_SHAPE)
x = data_augmentation(inputs)
x = rescale(x)
x = base_model(x, training=False)
x = global_average_layer(x)
x = tf.keras.layers.Dropout(DROPOUT)(x)
outputs = prediction_layer(x)
model = tf.keras.Model(inputs, outputs)

# %% [markdown]
# ## Compile
# Adam with a small learning rate and binary cross-entropy on logits. The accuracy
# metric must threshold the *logit* at 0: the tutorial's `metrics=["accuracy"]`
# thresholds at 0.5, a probability, which miscounts every logit between 0 and 0.5.
#
# If you compare with tensorflow.org today: the newer version of the tutorial puts a
# sigmoid on the last layer (`Dense(1, activation="sigmoid")`), so the model
# outputs a probability, with `from_logits=False` and an accuracy threshold of
# 0.5. Both ways are right: logits with a threshold of 0 (here), probabilities
# with 0.5 (there). Never mix them (exercise 1 shows what mixing costs).

# %%
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
)

# %% [markdown]
# The whole model: the base appears as one layer. `show_trainable=True` adds a
# column saying which layers train: the base does not (N), the `Dense` head does
# (Y); layers without weights (pooling, dropout) show a dash.

# %%
model.summary(show_trainable=True)

# %% [markdown]
# Only the head trains: a 1280x1 kernel and a bias, 1,281 parameters in two
# variables.

# %% tags=["nbval-check-output"]
print("trainable variables:", len(model.trainable_variables))
print("trainable parameters:", model_parts.count_params(model.trainable_variables))
assert len(model.trainable_variables) == 2
assert model_parts.count_params(model.trainable_variables) == 1281

# %% [markdown]
# ## Before training
# With a random head the model is guessing: about 50% accuracy.

# %%
loss0, accuracy0 = model.evaluate(validation_dataset, verbose=0)
print(f"initial loss: {loss0:.2f}")
print(f"initial accuracy: {accuracy0:.2f}")

# %% [markdown]
# ## Train the head
# Training can be interrupted (a closed laptop, a Colab runtime that ends).
# `ResumableRun` makes it survive that, with Keras' own callbacks: a backup after
# each epoch (re-running the `fit` cell resumes after the last completed one), and
# a log of each epoch's metrics and seconds. `BACKUP = False` among the course
# switches turns the backup off. The backup costs about 0.3 s of a 20 s epoch on
# a 2-core CPU (writing the weights and the optimizer's state: under 2% of an
# epoch, measured by `make benchmark`), the price of resuming after a kill.

# %% tags=["course"]
run = training.ResumableRun(
    ARTIFACTS_DIR, "feature_extraction", model, split.id, epochs=INITIAL_EPOCHS,
    verbose=VERBOSE, backup=BACKUP, batch_size=BATCH_SIZE, seed=SEED, dropout=DROPOUT,
)
print(run.message)

# %% [markdown]
# The tutorial's `fit`, plus `callbacks=run.callbacks`:

# %%
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    callbacks=run.callbacks,
)

# %% [markdown]
# `history.history` holds the epochs this `fit` ran; after a resumed run that is
# not all of them, so we read the whole history from the run's log.

# %%
hist = run.history()
assert hist["epoch"] == list(range(INITIAL_EPOCHS))

# %% [markdown]
# ## Learning curves
# The tutorial's plot. Validation accuracy above training accuracy is expected
# here: dropout and augmentation act only during training, and training metrics
# are averaged over an epoch while the model was still improving.

# %%
acc = hist["accuracy"]
val_acc = hist["val_accuracy"]

loss = hist["loss"]
val_loss = hist["val_loss"]

plt.figure(figsize=(8, 8))
plt.subplot(2, 1, 1)
plt.plot(acc, label="Training Accuracy")
plt.plot(val_acc, label="Validation Accuracy")
plt.legend(loc="lower right")
plt.ylabel("Accuracy")
plt.ylim([min(plt.ylim()), 1])
plt.title("Training and Validation Accuracy")

plt.subplot(2, 1, 2)
plt.plot(loss, label="Training Loss")
plt.plot(val_loss, label="Validation Loss")
plt.legend(loc="upper right")
plt.ylabel("Cross Entropy")
plt.ylim([0, 1.0])
plt.title("Training and Validation Loss")
plt.xlabel("epoch")
plt.show()

# %% [markdown]
# Where feature extraction ends (the tutorial reports about 0.96 with its 160-px
# weights):

# %%
print(f"validation accuracy after feature extraction: {val_acc[-1]:.4f}")

# %% [markdown]
# ## Save for the next notebook
# The model (`.keras`, loadable anywhere Keras runs) and its numbers, written
# atomically: a crash never leaves half a file. The results record the split's
# id and the epochs, which 04 reads instead of repeating `INITIAL_EPOCHS`.

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "feature_extraction", split, model, history=hist,
    epochs=INITIAL_EPOCHS, initial_loss=loss0, initial_accuracy=accuracy0,
    train_seconds=run.seconds(),
)
print("saved", " and ".join(path.name for path in saved))

# %% tags=["course"]
catchup.keep(ARTIFACTS_DIR, "feature_extraction", use_drive=USE_DRIVE)

# %% [markdown]
# ## Exercises
# From changing one parameter and predicting the effect, to extending the code.
# Each exercise has a **hint** and a worked **solution**, folded: try first, then
# click *Hint* or *Solution* to open them. Solution code runs in this notebook after
# it has run from the top (Run All first): paste it into a new cell at the end. It
# saves nothing over what this notebook saved.

# %% [markdown]
# ### Exercise 1 (predict): the tutorial's accuracy metric
# Replace our metric with the tutorial's `metrics=["accuracy"]`, which with this
# loss means `BinaryAccuracy(threshold=0.5)`. Predict: does it report a higher or a
# lower accuracy than ours, and which images does it count wrongly? You can find
# out without training anything.
#
# <details><summary>Hint</summary>
#
# The model outputs a logit *z* and says "dog" when *z* > 0, which is the same as
# sigmoid(*z*) > 0.5. A threshold of 0.5 applied to *z* itself is another rule:
# which logits does it classify differently?
#
# </details>
#
# <details><summary>Solution</summary>
#
# It compares the *logit* with 0.5: every image with a logit between 0 and 0.5 (a
# dog probability between 0.5 and about 0.62) counts as "cat". For a dog that is
# counted as a mistake, for a cat as a lucky hit, so the metric is usually lower
# than the true accuracy, and it disagrees with the loss, which applies the sigmoid
# properly. The code counts those images in the validation set, with the trained
# model.
#
# tensorflow.org's newer version of the tutorial puts the sigmoid into the model
# (`Dense(1, activation="sigmoid")`, loss with `from_logits=False`) and keeps the
# 0.5 threshold: that is right too. Logits go with a threshold of 0, probabilities
# with 0.5; mixing them is the bug.
#
# ```python
# import numpy as np
#
# val_logits = model.predict(validation_dataset, verbose=0).flatten()
# val_labels = np.concatenate([y.numpy() for _, y in validation_dataset])
# ours = np.mean((val_logits > 0) == val_labels)
# at_half = np.mean((val_logits > 0.5) == val_labels)
# between = int(np.sum((val_logits > 0) & (val_logits <= 0.5)))
# print(f"logit > 0: {ours:.4f}   logit > 0.5: {at_half:.4f}")
# print(between, "validation images have a logit between 0 and 0.5")
# assert abs(ours - model.evaluate(validation_dataset, verbose=0)[1]) < 1e-5
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (predict): twenty epochs
# Set `INITIAL_EPOCHS = 20` in the parameters cell and run this notebook again from
# the top (*Kernel > Restart Kernel and Run All Cells*). Predict from the learning
# curves above: does validation accuracy keep rising? And what happens in 04
# afterwards?
#
# <details><summary>Hint</summary>
#
# Look at the last epochs of the stored run: how much did validation accuracy gain
# per epoch at the start, and how much at the end?
#
# </details>
#
# <details><summary>Solution</summary>
#
# In the stored run the gains shrink: 0.7661 after epoch 1, then 0.9592, 0.9616 and
# 0.9653 in epochs 8 to 10. Expect it to creep up a little further and level off:
# only 1,281 weights learn, from features that do not change, so the head soon
# takes what these features can tell; with so little to fit it is also slow to
# overfit. Ten more epochs cost about 3.9 more minutes on a 2-core CPU (about 23 s
# each in the stored run).
#
# In 04 nothing breaks: 04 reads the number of epochs from the results 03 saved
# (it prints "feature extraction ran 20 epochs"), numbers fine-tuning 21 to 30,
# and its checks hold. Run 04 and 05 again after 03, so that they use the new
# model. Change the parameter, not `epochs=` in
# the `fit` call: then the log holds 20 epochs where `INITIAL_EPOCHS` says 10, the
# check after training (`hist["epoch"] == list(range(INITIAL_EPOCHS))`) stops the
# notebook, and nothing is saved. To come back to the course's numbers, set
# `INITIAL_EPOCHS = 10` and run 03, 04 and 05 again.
#
# Without re-running, the code below trains a copy of the model for two more epochs
# (with a fresh optimizer; the saved model is left as it is) and prints where
# validation accuracy goes:
#
# ```python
# more = tf.keras.models.clone_model(model)
# more.set_weights(model.get_weights())
# assert len(more.trainable_variables) == 2  # the copy's base is frozen too
# more.compile(
#     optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
#     loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#     metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
# )
# extra = more.fit(train_dataset, epochs=INITIAL_EPOCHS + 2,
#                  initial_epoch=INITIAL_EPOCHS, validation_data=validation_dataset,
#                  verbose=0)
# print(f"epoch {INITIAL_EPOCHS}: validation accuracy {hist['val_accuracy'][-1]:.4f}")
# for epoch, accuracy in zip(extra.epoch, extra.history["val_accuracy"]):
#     print(f"epoch {epoch + 1}: validation accuracy {accuracy:.4f}")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (think): average, or keep every position?
# The head sees 1,280 numbers per image: each feature averaged over the 5x5 grid.
# What if it saw the whole grid instead (`Flatten` in place of
# `GlobalAveragePooling2D`)? How many weights would the `Dense(1)` layer have, and
# why could that be worse with 2,000 training images?
#
# <details><summary>Hint</summary>
#
# `Flatten` keeps every position: 5 x 5 x 1280 numbers. A `Dense` unit has one
# weight per input, plus a bias.
#
# </details>
#
# <details><summary>Solution</summary>
#
# 32,000 inputs, so 32,001 weights instead of 1,281, learned from the same 2,000
# images, one weight per feature *and position*: a dog's ear at the top left and one
# at the bottom right would need weights of their own. Averaging asks "is there an
# ear anywhere?", which is what the bottleneck's features are good at, and leaves
# far less to overfit. The same reason made us cut MobileNetV2 at the bottleneck:
# its features describe shapes, textures and parts wherever they are, while the
# layers after it only sort them into ImageNet's 1,000 classes.
#
# ```python
# flat = tf.keras.layers.Flatten()(feature_batch)
# print("pooled:", feature_batch_average.shape, "| flattened:", flat.shape)
# flat_head = tf.keras.layers.Dense(1)
# flat_head(flat)
# print("Dense(1) weights:", model_parts.count_params(flat_head.weights))
# assert model_parts.count_params(flat_head.weights) == flat.shape[1] + 1
# ```
#
# </details>

# %% [markdown]
# ### Exercise 4 (extend): a hidden layer in the head
# Put a hidden layer, `Dense(128, activation="relu")`, between the pooling and the
# dropout. Build the model around the same frozen `base_model`, count its trainable
# parameters, train it for one epoch and compare its validation accuracy with the
# first epoch above.
#
# <details><summary>Hint</summary>
#
# Write the cell under *The model* again with one more line. The new layers are new
# objects; `data_augmentation`, `rescale` and `base_model` can be reused (the base
# stays frozen). Compile it like `model`.
#
# </details>
#
# <details><summary>Solution</summary>
#
# The hidden layer has 1280 x 128 + 128 weights and the output 129: 164,097 in all,
# about 128 times the single unit. It can combine features ("pointed ears" *and*
# "whiskers"), but these features already separate cats from dogs almost linearly:
# expect no large gain, and more room to overfit, which is why the tutorial keeps
# one unit. The stored run's linear head reached 0.7661 after one epoch; the code
# prints both. (This trains a new model; the saved one is left as it is.)
#
# ```python
# hidden_inputs = tf.keras.Input(shape=IMG_SHAPE)
# y = data_augmentation(hidden_inputs)
# y = rescale(y)
# y = base_model(y, training=False)
# y = tf.keras.layers.GlobalAveragePooling2D()(y)
# y = tf.keras.layers.Dense(128, activation="relu")(y)
# y = tf.keras.layers.Dropout(DROPOUT)(y)
# hidden_model = tf.keras.Model(hidden_inputs, tf.keras.layers.Dense(1)(y))
# hidden_model.compile(
#     optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
#     loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#     metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
# )
# n_params = model_parts.count_params(hidden_model.trainable_variables)
# print("trainable parameters:", n_params)
# assert n_params == 1280 * 128 + 128 + 128 + 1
# one_epoch = hidden_model.fit(train_dataset, epochs=1,
#                              validation_data=validation_dataset, verbose=0)
# print(f"after one epoch: {one_epoch.history['val_accuracy'][0]:.4f} with the "
#       f"hidden layer, {hist['val_accuracy'][0]:.4f} with the single unit")
# ```
#
# </details>

# %% [markdown]
# Next: [04_fine_tuning](04_fine_tuning.ipynb).
