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
# # 7. Your own data: more than two classes

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/07_your_own_data.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/07_your_own_data.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/07_your_own_data.ipynb">
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
# हिंदी में: [07_your_own_data](../notebooks-hi/07_your_own_data.ipynb)
#
# The recipe of notebooks 03 and 04 works on any folder of photos sorted into
# classes: a frozen MobileNetV2 with a new head, then fine-tuning the top of the
# base. This notebook runs it on **your** folder, with any number N >= 2 of
# classes, and explains what changes from cats vs dogs:
#
# 1. the images come from a folder you name, checked for N classes;
# 2. the head outputs N logits, one per class, with the loss and the accuracy
#    that read them;
# 3. classes of unequal size get *class weights*;
# 4. another base model needs another `FINE_TUNE_AT`;
# 5. a folder too large for memory is streamed from the files;
# 6. evaluation per class: a confusion matrix, precision and recall, Grad-CAM.
#
# It stands alone: it needs nothing that notebooks 01-06 saved, only the
# `helpers` they built. The stored outputs come from the *clothing dataset*: 1,481
# phone photos of clothes in 10 classes (where to get it: below).

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
import numpy as np
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    checks,
    compat,
    evaluation,
    model_parts,
    pipeline,
    plots,
    session,
    splits,
    stages,
    training,
)

# %% [markdown]
# ## Parameters
# The settings of notebooks 01, 03 and 04 in one cell, and new ones: `DATA_DIR`,
# your folder; `HEAD_LEARNING_RATE`, the learning rate that trains the head (ten
# times 03's: why, under "Train the head"); `USE_CLASS_WEIGHTS`; and
# `MEMORY_FRACTION`, the share of the free memory the decoded images may take
# before we stop caching them. `VALIDATION_FRACTION` is used only when your folder
# holds class folders with no `train/` and `validation/`, and `TEST_FRACTION` only
# when it has no `test/`. The stored outputs ran the tutorial's epochs: 10 + 10.

# %% tags=["parameters"]
DATA_DIR = None  # your folder: <class>/, or train/<class>/ and validation/<class>/
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
VALIDATION_FRACTION = 0.2  # a folder of <class>/ only: share of each class held out
TEST_FRACTION = 0.2  # without a test/ folder: share of validation to test
SEED = 123
BASE_LEARNING_RATE = 0.0001  # fine-tuning trains at a tenth of it, as in 04
HEAD_LEARNING_RATE = 0.001  # training the head: 10x the tutorial's (see below)
INITIAL_EPOCHS = 10
FINE_TUNE_EPOCHS = 10
FINE_TUNE_AT = 100
DROPOUT = 0.2
USE_CLASS_WEIGHTS = True
MEMORY_FRACTION = 0.25  # cache decoded images only below this share of free memory
WEIGHTS = "imagenet"  # or the path of a local .h5 copy

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_OWN_DATA_DIR for DATA_DIR,
# TL_WEIGHTS) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch
BACKUP = True  # save after each epoch, so that re-running fit resumes
SHOW_PROGRESS = True  # progress bars for downloads and checks

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("07"))

# %% [markdown]
# Fixed random seeds (weights of the new layers, augmentation, dropout, shuffling),
# so a re-run on the same machine and versions gives the same numbers.

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown]
# ## Your folder
# One sub-folder of photos per class; the folder names become the class names.
# That is all you need:
#
# ```
# my_photos/
#     hats/  pants/  shoes/  ...
# ```
#
# This notebook then splits the photos by file, once, with `SEED` (below, as 01
# carves its test set). If you have already sorted them into the tutorial's
# layout, that is used as it is:
#
# ```
# my_photos/
#     train/        hats/  pants/  shoes/  ...   (the images to learn from)
#     validation/   hats/  pants/  shoes/  ...   (the same class folders)
#     test/         hats/  pants/  shoes/  ...   (optional)
# ```
#
# Then set `DATA_DIR = "path/to/my_photos"` in the parameters cell (a relative
# path starts in this notebook's folder), or the environment variable
# `TL_OWN_DATA_DIR` before starting JupyterLab. The variable wins, as
# `TL_DATA_DIR` does in 01. On Colab, upload a zip of the folder in the Files
# panel and unzip it (`!unzip my_photos.zip`), or mount Google Drive there and set
# `DATA_DIR = "/content/drive/MyDrive/my_photos"`.
#
# **No folder yet? The clothing dataset.** The "Clothing dataset (small)" by Alexey
# Grigorev and contributors ([github.com/alexeygrigorev/clothing-dataset-small](
# https://github.com/alexeygrigorev/clothing-dataset-small), CC0 1.0: public domain,
# thanks to its authors) holds phone photos of clothes in 10 classes, already in
# the tutorial's layout: `git clone --depth 1
# https://github.com/alexeygrigorev/clothing-dataset-small` and set `DATA_DIR` to
# the folder it makes. The outputs stored here come from a smaller copy of it: up
# to 150 photos per class, 1,185 for training and 296 for validation, without a
# `test/` folder. `scripts/subsample_clothing.py` rebuilds exactly that copy from
# the clone at commit 1196151 (see `docs/instructor.md`); the full clone (3,781
# photos, with its own `test/` folder) gives other numbers and trains about 2.6
# times longer. With neither setting, the next cell stops and says all this.

# %%
OWN_DIR = ARTIFACTS_DIR / "own_data"  # this notebook's check cache, converted copies
data_dir = checks.find_own_data_dir(DATA_DIR)
print("dataset folder:", data_dir.name)
print(sorted(p.name for p in data_dir.iterdir() if p.is_dir()))

# %% [markdown]
# ## Check every image, N classes
# 01's check, with three changes: `max_classes=None` accepts any number of classes
# (notebooks 01-06 stop at two: their head has one logit), `with_test=True`
# checks a `test/` folder too, if there is one, and `flat_ok=True` accepts a
# folder of class folders (its one split is called `all`). Class names are the
# sorted folder names and labels their index, as `image_dataset_from_directory`
# assigns them.

# %%
report = checks.check_dataset(data_dir, work_dir=OWN_DIR, progress=SHOW_PROGRESS,
                              max_classes=None, with_test=True, flat_ok=True)
class_names = report.class_names
NUM_CLASSES = len(class_names)
print(report.summary())
print(f"{NUM_CLASSES} classes: {', '.join(class_names)}")
assert NUM_CLASSES >= 2

# %% [markdown]
# How many images each class has, per split: the first thing to look at on a new
# dataset. Unequal bars call for class weights (below).

# %%
counts = {split: np.bincount(files.labels, minlength=NUM_CLASSES)
          for split, files in report.splits.items()}
positions = np.arange(NUM_CLASSES)
width = 0.8 / len(counts)
fig, ax = plt.subplots(figsize=(max(6, 0.8 * NUM_CLASSES), 3.5))
for i, (split, n) in enumerate(counts.items()):
    ax.bar(positions + i * width, n, width, label=split)
ax.set_xticks(positions + width * (len(counts) - 1) / 2, class_names, rotation=45,
              ha="right")
ax.set_ylabel("images")
ax.set_title("Images per class")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The split
# A folder of class folders only (the split `all`) is split by file, class by
# class (`splits.split_class_files`, shuffled once with `SEED`, then cut):
# `VALIDATION_FRACTION` of each class is held out, and `TEST_FRACTION` of that is
# the test set, so each part keeps each class's share. In the tutorial's layout,
# a `test/` folder in your dataset is the test set. Without one, a test set is
# carved out of `validation/` by files, as in 01 (`splits.carve_test_files`):
# that cut does not keep each class's share exactly, and with few images per
# class, a class may get few test images (the `support` column below says how
# many). Either way, the three parts are disjoint and stay the same on every run.

# %%
if checks.ALL_SPLIT in report.splits:  # my_photos/<class>/
    train_files, validation_files, test_files = splits.split_class_files(
        report.splits[checks.ALL_SPLIT], VALIDATION_FRACTION, TEST_FRACTION, SEED)
    settings = {"validation_fraction": VALIDATION_FRACTION,
                "test_fraction": TEST_FRACTION, "seed": SEED}
elif "test" in report.splits:
    train_files = report.splits["train"]
    validation_files, test_files = report.splits["validation"], report.splits["test"]
    settings = {"test": "the folder's test/"}
else:
    train_files = report.splits["train"]
    validation_files, test_files = splits.carve_test_files(
        report.splits["validation"], TEST_FRACTION, SEED)
    settings = {"test_fraction": TEST_FRACTION, "seed": SEED}
split = splits.Split(train_files, validation_files, test_files, IMG_SIZE, settings,
                     str(data_dir))
assert set(split.validation.paths).isdisjoint(split.test.paths)
print("split:", settings)
print({part: len(getattr(split, part)) for part in splits.PARTS})

# %% [markdown]
# ## Stream the files, or cache them?
# 01's pipeline reads and decodes every image file again at every epoch; only a
# few batches are in memory at a time (`prefetch` prepares the next ones while
# the model works). So a folder of any size trains, streamed from the disk.
# `cache()` would keep the decoded images in memory after the first epoch, and
# the later epochs would skip reading and decoding: faster, **if they fit**.
# 50,000 photos at 160x160 take 50,000 x 160 x 160 x 3 colours x 4 bytes (float32)
# = 15 GB: more than most laptops have.
#
# So estimate first: decoded size = images x height x width x 3 x 4 bytes, for
# the images read every epoch (training and validation), and cache only if that
# is below `MEMORY_FRACTION` of the memory available now (training needs the
# rest). `pipeline.make_dataset(cache=True)` keeps them as 8-bit integers, a
# quarter of the estimate: a safety margin.

# %%
n_images = len(split.train) + len(split.validation)
decoded_bytes = n_images * IMG_SIZE[0] * IMG_SIZE[1] * 3 * 4
assert decoded_bytes == pipeline.estimate_decoded_bytes(n_images, IMG_SIZE)
available = pipeline.read_available_memory()
CACHE, reason = pipeline.decide_cache(decoded_bytes, available, MEMORY_FRACTION)
print(f"{n_images} images read every epoch: {reason}")

# %% [markdown]
# The datasets, with or without the cache; the test set is read once, never
# cached. (To cache on disk instead of in memory, `tf.data` takes a file name:
# `dataset.cache("/path/to/file")`.)

# %%
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED, cache=CACHE
).prefetch(AUTOTUNE)
validation_dataset = pipeline.make_dataset(
    split.validation, IMG_SIZE, BATCH_SIZE, cache=CACHE
).prefetch(AUTOTUNE)
test_dataset = pipeline.make_dataset(split.test, IMG_SIZE, BATCH_SIZE).prefetch(
    AUTOTUNE)

# %% [markdown]
# ## Class weights
# When one class has many more images than another, it dominates the loss: a
# model can score well by rarely predicting the small class. *Class weights*
# restore the balance: each training image of class c counts
# `n_samples / (n_classes * count_c)` times in the loss. Every class then weighs
# the same in total (count x weight = n_samples / n_classes); a class with half
# the average count gets weight 2. (scikit-learn calls this "balanced".)

# %%
train_counts = np.bincount(split.train.labels, minlength=NUM_CLASSES)
n_samples = len(split.train)
class_weight = {i: n_samples / (NUM_CLASSES * int(count))
                for i, count in enumerate(train_counts)}
for i, name in enumerate(class_names):
    print(f"{name:<14}{train_counts[i]:>6} images   weight {class_weight[i]:.3f}")
assert class_weight == training.compute_class_weights(split.train.labels,
                                                      NUM_CLASSES)

# %% [markdown]
# `fit(class_weight=...)` applies them to the loss only: the training loss is
# weighted and the validation loss is not, so the two are not quite comparable,
# and the accuracy counts every image once. `training.compute_class_weights` is
# the dict above, for your own scripts. The clothing set is nearly balanced, so
# here the weights change little; on a folder with 500 photos of one class and 50
# of another they matter (exercise 2).

# %%
fit_class_weight = class_weight if USE_CLASS_WEIGHTS else None
print("class weights:", "on" if fit_class_weight else "off")

# %% [markdown]
# ## The base model, frozen
# As in 03: MobileNetV2 without its ImageNet classifier, with ImageNet's weights
# (`prepare_weights` finds them: see 03), frozen.

# %%
WEIGHTS = assets.prepare_weights(WEIGHTS, progress=SHOW_PROGRESS)
print("weights:", os.path.basename(WEIGHTS))
IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS
)
base_model.trainable = False
assert not base_model.trainable_variables

# %% [markdown]
# ## A head with one logit per class
# Cats vs dogs needed one number per image: a logit, positive for dogs. The loss
# (`BinaryCrossentropy(from_logits=True)`) turns it into a probability with the
# sigmoid, and the accuracy thresholds the logit at 0.
#
# With N classes the head is `Dense(N)`: **one logit per class**. The *softmax*
# turns the N logits into N probabilities that sum to 1, and the loss is the
# cross-entropy of the true class's probability:
# `SparseCategoricalCrossentropy(from_logits=True)` ("sparse": the labels are
# class indices 0 to N-1, as our pipeline gives them, not one-hot vectors). The
# predicted class is the one with the largest logit, which is also the one with
# the largest probability: `SparseCategoricalAccuracy` counts that. No threshold
# to choose. (For two classes both heads work; `Dense(2)` with softmax learns the
# same as `Dense(1)` with sigmoid, with twice the weights.)

# %%
image_batch, label_batch = next(iter(train_dataset))
feature_batch = base_model(image_batch)
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
prediction_layer = tf.keras.layers.Dense(NUM_CLASSES)
prediction_batch = prediction_layer(global_average_layer(feature_batch))
print(feature_batch.shape, "->", prediction_batch.shape)
assert prediction_batch.shape == (len(image_batch), NUM_CLASSES)

# %% [markdown]
# The softmax of the first image's logits, from the untrained head: N
# probabilities that sum to 1, the largest where the logit is largest.

# %%
probabilities = tf.nn.softmax(prediction_batch).numpy()
np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
print("logits:       ", np.round(prediction_batch[0].numpy(), 2))
print("probabilities:", np.round(probabilities[0], 3))

# %% [markdown]
# ## The model
# 03's model, layer for layer: augmentation, rescaling, the frozen base with
# `training=False` (BatchNormalization in inference mode), pooling, dropout, and
# the head of N logits.

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
# ## Compile for N logits
# 03's optimizer, Adam, at `HEAD_LEARNING_RATE`, with the loss and accuracy of N
# classes. (`model_parts.compile_for_logits` picks these for N logits, and 03's
# for one.)

# %%
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=HEAD_LEARNING_RATE),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# %% [markdown]
# Only the head trains: a 1280 x N kernel and N biases, two variables.

# %% tags=["nbval-check-output"]
print("trainable variables:", len(model.trainable_variables))
assert len(model.trainable_variables) == 2
assert model_parts.count_params(model.trainable_variables) == 1281 * NUM_CLASSES

# %% [markdown]
# ## Before training
# With a random head the model guesses: about 1/N accuracy.

# %%
loss0, accuracy0 = model.evaluate(validation_dataset, verbose=0)
print(f"initial loss: {loss0:.2f} (a guess among {NUM_CLASSES} classes: "
      f"ln {NUM_CLASSES} = {np.log(NUM_CLASSES):.2f})")
print(f"initial accuracy: {accuracy0:.2f} (1/{NUM_CLASSES} = {1 / NUM_CLASSES:.2f})")

# %% [markdown]
# ## Train the head
# The tutorial's `fit`, with the class weights, at ten times 03's learning rate.
# With 03's 0.0001, this head was far from done after 10 epochs on the clothing
# set: validation accuracy 0.47 and still rising by 2 to 6 points an epoch, 0.70
# after fine-tuning (measured with this notebook: `results/07_your_own_data.json`).
# Ten logits learned from about 120 photos per class, in 38 steps an epoch, need
# larger steps than cats vs dogs' one logit learned from 1,000 photos per class.
# At 0.001 the validation accuracy levels off within the 10 epochs (the curves
# below).

# %% tags=["course"]
run = training.ResumableRun(  # backups and the epoch log, as in 03
    ARTIFACTS_DIR, "own_data_feature_extraction", model, split.id,
    epochs=INITIAL_EPOCHS, verbose=VERBOSE, backup=BACKUP, batch_size=BATCH_SIZE,
    seed=SEED, class_weight=fit_class_weight,
)
print(run.message)

# %% [markdown]
# The tutorial's `fit`, with the class weights, plus `callbacks=run.callbacks`:

# %%
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    class_weight=fit_class_weight,
    callbacks=run.callbacks,
)
hist = run.history()
fe_seconds = run.seconds()
fe_accuracy = hist["val_accuracy"][-1]
print(f"validation accuracy after feature extraction: {fe_accuracy:.4f} "
      f"({fe_seconds:.0f} s)")

# %% [markdown]
# ## Fine-tuning: where to cut
# 04 unfreezes MobileNetV2 from layer `FINE_TUNE_AT = 100`, the tutorial's
# number. Another base has another number of layers, so it needs another cut. A
# good cut is where a *block* starts (a few layers with a shortcut around them:
# a residual block), in the last one or two stages of the network, whose
# features are the most specific to ImageNet. We find the first layer of such a
# block by name in each base, built with `weights=None` (random weights, no
# download: only the layers are counted).

# %%
candidates = {  # base: (constructor, name of the first layer of the cut's block)
    "MobileNetV2": (tf.keras.applications.MobileNetV2, "block_11_expand"),
    "EfficientNetB0": (tf.keras.applications.EfficientNetB0, "block6a_"),
    "ResNet50": (tf.keras.applications.ResNet50, "conv5_block1_"),
}
print(f"{'base':<16}{'layers':>7}  {'block starts':<16}{'at layer':>9}"
      f"{'layers above':>14}")
for name, (make_base, block) in candidates.items():
    candidate = make_base(input_shape=IMG_SHAPE, include_top=False, weights=None)
    at = model_parts.find_block_start(candidate, block)
    n_layers = len(candidate.layers)
    print(f"{name:<16}{n_layers:>7}  {block:<16}{at:>9}{n_layers - at:>14}")
del candidate

# %% [markdown]
# How to read it:
#
# - **MobileNetV2**, 154 layers: the tutorial's 100 sits two layers into block
#   11, which starts at 98 (its first convolution and that convolution's
#   BatchNormalization stay frozen at 100). Either cut trains blocks 11 to 16,
#   the last six of its 17 (numbered 0 to 16), and the final convolution.
# - **EfficientNetB0**, 237 layers: `FINE_TUNE_AT = 162`, the start of block 6a,
#   trains its last two stages (blocks 6 and 7) and the final convolution.
# - **ResNet50**, 175 layers: `FINE_TUNE_AT = 143`, the start of `conv5`, trains
#   its last stage (three residual blocks, about 15 of its 23.6 million weights).
#
# Each base also wants its own input range: EfficientNet rescales inside the
# model (it takes pixels in [0, 255]: drop our `Rescaling`), and ResNet50 wants
# `tf.keras.applications.resnet50.preprocess_input` instead of [-1, 1].

# %% [markdown]
# ## Unfreeze the top
# 04's steps: unfreeze the base, freeze again every layer below `FINE_TUNE_AT`,
# and keep BatchNormalization in inference mode (Keras 3: see 04;
# `compat.freeze_batch_norm` is 04's loop).

# %% tags=["nbval-check-output"]
base_model.trainable = True
print("Number of layers in the base model:", len(base_model.layers))
for layer in base_model.layers[:FINE_TUNE_AT]:
    layer.trainable = False
compat.freeze_batch_norm(base_model)
print("trainable variables:", len(model.trainable_variables))
if FINE_TUNE_AT == 100:  # the tutorial's setting: 18 kernels and the head
    assert len(model.trainable_variables) == 20

# %% [markdown]
# Recompile with a tenth of the learning rate, as in 04; the loss and the
# accuracy are those of N classes.

# %%
model.compile(
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# %% [markdown]
# ## Continue training
# The epochs go on from where feature extraction stopped (`initial_epoch` is
# the number of epochs already run, see 04), with the same class weights.

# %% tags=["course"]
total_epochs = INITIAL_EPOCHS + FINE_TUNE_EPOCHS
run_fine = training.ResumableRun(
    ARTIFACTS_DIR, "own_data_fine_tuning", model, split.id, epochs=total_epochs,
    initial_epoch=len(hist["epoch"]), verbose=VERBOSE, backup=BACKUP,
    batch_size=BATCH_SIZE, seed=SEED, started_from=hist,
)
print(run_fine.message)

# %% [markdown]
# 04's `fit`, with the class weights:

# %%
history_fine = model.fit(
    train_dataset,
    epochs=total_epochs,
    initial_epoch=len(hist["epoch"]),
    validation_data=validation_dataset,
    class_weight=fit_class_weight,
    callbacks=run_fine.callbacks,
)
hist_fine = run_fine.history()
ft_seconds = run_fine.seconds()
assert hist_fine["epoch"] == list(range(INITIAL_EPOCHS, total_epochs))
ft_accuracy = hist_fine["val_accuracy"][-1]

# %% [markdown]
# ## Learning curves, both stages
# 04's plot. (The training loss is weighted by the class weights, the validation
# loss is not.)

# %%
combined = training.merge_histories(hist, hist_fine)
fig = plots.plot_history(combined, fine_tune_epoch=INITIAL_EPOCHS)
plt.show()
print(f"validation accuracy before training: {accuracy0:.4f}")
print(f"validation accuracy after feature extraction: {fe_accuracy:.4f}")
print(f"validation accuracy after fine-tuning: {ft_accuracy:.4f}")

# %% [markdown]
# **Reading them on the clothing set.** The head levels off between 0.67 and
# 0.72 validation accuracy from the 4th epoch on. Fine-tuning adds 6 points
# (0.7026 to 0.7672) while the training accuracy climbs to 0.84: the gap is the
# start of overfitting, as in 06.
#
# Fine-tuning ran at 04's rate, a tenth of `BASE_LEARNING_RATE`, not at a tenth
# of `HEAD_LEARNING_RATE` (the tutorial's ratio). We tried that too: at 0.0001
# the validation accuracy fell to 0.40 in the first fine-tuning epoch and to 0.42
# in the seventh, before ending at 0.81 (measured: `results/07_your_own_data.json`).
# A higher end, but steps large enough to knock the pretrained weights about:
# stopped at the wrong epoch, it was worse than no fine-tuning at all. The
# steady rate is the safer default.

# %% [markdown]
# ## Test accuracy
# On the test images, never used for training or for choosing anything.

# %%
test_loss, test_accuracy = model.evaluate(test_dataset, verbose=0)
n_test = len(split.test)
standard_error = (test_accuracy * (1 - test_accuracy) / n_test) ** 0.5
print(f"Test loss: {test_loss:.4f}")
print(f"Test accuracy: {test_accuracy:.4f} +/- {standard_error:.4f} "
      f"(one standard error, {n_test} images)")

# %% [markdown]
# Above the validation accuracy here, by 9.2 points (0.8594 against 0.7672): with
# 64 test images, one image is 1.6 points and one standard error 4.4 points (05
# explains the standard error), so the gap is about two standard errors. That is
# more than the test set's noise alone usually gives, though the validation
# accuracy has noise of its own. Nor does the way the course chose its settings
# favour the test set: the head's and the fine-tuning's learning rates were
# chosen on the validation set, which, if anything, flatters the validation
# accuracy. So the two do not agree within one standard error, and 64 images
# cannot tell whether the test images are easier or the gap is chance. A larger
# test set, a `test/` folder of your own, narrows it.

# %% [markdown]
# ## Per class: confusion matrix, precision and recall
# The model's prediction is the class of the largest logit. The confusion matrix
# counts, for each true class (row), how often each class was predicted
# (column); the diagonal holds the right answers. *Precision* of a class: of the
# images predicted as that class, the share that are. *Recall*: of the images of
# that class, the share found. A small helper draws the matrix large enough for
# N classes.


# %%
def show_confusion_matrix(matrix, title):
    fig = plots.plot_confusion_matrix(matrix, class_names, title)
    fig.set_size_inches(max(4.5, 0.6 * NUM_CLASSES + 1.5),
                        max(4.0, 0.6 * NUM_CLASSES + 1.0))
    plt.setp(fig.axes[0].get_xticklabels(), rotation=45, ha="right")
    fig.tight_layout()
    plt.show()


labels, logits, images = evaluation.predict_logits(model, test_dataset)
predicted = logits.argmax(axis=1)
matrix = evaluation.confusion_matrix(labels, predicted, NUM_CLASSES)
assert logits.shape == (n_test, NUM_CLASSES) and matrix.sum() == n_test
assert np.isclose(np.trace(matrix) / n_test, test_accuracy)
show_confusion_matrix(matrix, "Test set")
test_metrics = evaluation.per_class_metrics(matrix, class_names)
print(evaluation.format_metrics(test_metrics))

# %% [markdown]
# With few test images per class, one image moves a class's recall a lot. The
# whole validation folder (validation and test together) gives more images per
# class; the validation part was watched during training, so it is slightly
# optimistic, but it shows which classes the model mixes up.

# %%
val_labels, val_logits, val_images = evaluation.predict_logits(
    model, validation_dataset)
val_predicted = val_logits.argmax(axis=1)
all_labels = np.concatenate([labels, val_labels])
all_predicted = np.concatenate([predicted, val_predicted])
full_matrix = evaluation.confusion_matrix(all_labels, all_predicted, NUM_CLASSES)
show_confusion_matrix(full_matrix, "Whole validation folder")
print(evaluation.format_metrics(
    evaluation.per_class_metrics(full_matrix, class_names)))

# %% [markdown]
# The most frequent mistakes, as (true class, predicted class, images):

# %%
for true_name, said_name, count in evaluation.rank_confusions(full_matrix,
                                                              class_names):
    print(f"{true_name:>14} taken for {said_name:<14}{count:>3}")

# %% [markdown]
# **On the clothing set**, the errors gather where the classes overlap. In the
# whole validation folder, 63 of the 296 images are misclassified (233 sit on the
# diagonal), and 25 of those 63 are one top taken for another: shirt,
# longsleeve, t-shirt and outwear are 4 of the 10 classes, and where one ends and
# the next begins is partly a matter of opinion (a zip jacket filed under
# longsleeve, a polo under t-shirt). Longsleeve is the weakest class (F1 0.603),
# then dress (0.656), which t-shirts are taken for 4 times. The distinct shapes
# are rarely missed: shoes (29 of 30 found), pants (28 of 30), skirt (24 of 27).
# The 64 test images are too few to rank classes: 9 mistakes, each a different
# pair. Before blaming the model, look at the images of its most frequent
# confusion (exercise 1): some labels are debatable.

# %% [markdown]
# ## What does it look at? Grad-CAM for N classes
# 05's Grad-CAM weighs the base's last feature maps by the gradient of the
# predicted class's score. With one logit that score was plus or minus the logit;
# with N logits it is **the logit of the predicted class**:
# `tf.gather(logits, predicted, axis=1, batch_dims=1)` in place of 05's
# `tf.abs(preds[:, 0])`. `evaluation.grad_cam` is 05's code with that change.
# Below: the first validation image of each class.

# %%
chosen = [int(np.flatnonzero(val_labels == c)[0]) for c in range(NUM_CLASSES)
          if np.any(val_labels == c)]
heatmaps = evaluation.grad_cam(model, val_images[chosen])
assert heatmaps.shape == (len(chosen), IMG_SIZE[0] // 32, IMG_SIZE[1] // 32)
heatmaps = tf.image.resize(heatmaps[..., None], IMG_SIZE)[..., 0]
titles = [f"{class_names[val_labels[i]]}: said {class_names[val_predicted[i]]}"
          for i in chosen]
fig = plots.show_heatmaps(val_images[chosen], heatmaps, titles, ncols=5)
plt.show()

# %% [markdown]
# **Shared backgrounds.** Many photos of the clothing set were taken on the same
# few bedspreads, carpets and floors, and a model can learn a background as
# readily as a garment. Above, the red areas sit on the carpet around the shoes
# rather than on them, on the bedspread beside the shirt (taken for outwear), and
# on the flowered cloth beside the skirt as much as on the skirt; on the dress,
# the hat and the pants they mostly cover the garment. A decision that leans on
# the background is a shortcut that fails on a photo taken elsewhere. The remedy
# is in the data: photos of each class on many backgrounds, or cropped to the
# garment.

# %% [markdown]
# ## Save the model and the results
# Under this notebook's own names, beside 03's and 04's files: the model
# (`.keras`), and the class names with every number above (the model itself
# does not know its class names: keep them with it).

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "own_data", split, model,
    dataset=data_dir.name, class_names=class_names, image_size=IMG_SIZE,
    split_sizes={part: len(getattr(split, part)) for part in splits.PARTS},
    test_set=settings, train_counts=train_counts, class_weight=fit_class_weight,
    cache=CACHE, cache_reason=reason,
    learning_rate={"head": HEAD_LEARNING_RATE, "fine_tuning": BASE_LEARNING_RATE / 10},
    initial_accuracy=accuracy0,
    history=combined, epochs={"initial": INITIAL_EPOCHS, "fine_tune":
                              FINE_TUNE_EPOCHS, "fine_tune_at": FINE_TUNE_AT},
    train_seconds={"feature_extraction": fe_seconds, "fine_tuning": ft_seconds},
    test_loss=test_loss, test_accuracy=test_accuracy, test_files=split.test.paths,
    test_confusion_matrix=matrix, test_per_class=test_metrics,
    validation_folder_confusion_matrix=full_matrix,
)
print("saved", " and ".join(path.name for path in saved))

# %% [markdown]
# ## What changed from cats vs dogs
#
# | | cats vs dogs (01-06) | N classes (this notebook) |
# |---|---|---|
# | dataset check | `max_classes=2` | `max_classes=None` |
# | head | `Dense(1)`: one logit | `Dense(N)`: one logit per class |
# | loss, `from_logits=True` | `BinaryCrossentropy` | `SparseCategoricalCrossentropy` |
# | accuracy | `BinaryAccuracy(threshold=0.0)` | `SparseCategoricalAccuracy()` |
# | probabilities | `sigmoid(logit)`: of class 1 | `softmax(logits)`: of each class |
# | predicted class | logit > 0 | the largest logit |
# | unequal classes | (1,000 of each) | `class_weight`: n / (N x count) |
# | Grad-CAM score | plus or minus the logit | the predicted class's logit |
#
# The rest is the same recipe: freeze the base, train the head, unfreeze the top
# from a block boundary, recompile with a lower learning rate, train on.

# %% [markdown]
# ## Exercises
# From looking at what the model gets wrong to extending the code. Each exercise
# has a **hint** and a worked **solution**, folded: try first, then click *Hint*
# or *Solution* to open them. Solution code runs in this notebook after it has run
# from the top (Run All first): paste it into a new cell at the end. It saves
# nothing over what this notebook saved.

# %% [markdown]
# ### Exercise 1 (inspect): the most frequent confusion
# Show a few images of the pair of classes the model mixes up most. Would you
# have labelled them the same way?
#
# <details><summary>Hint</summary>
#
# `evaluation.rank_confusions(full_matrix, class_names)` lists the pairs, most
# frequent first. `all_labels` and `all_predicted` hold the test and validation
# predictions, in the order of `np.concatenate([images, val_images])`.
#
# </details>
#
# <details><summary>Solution</summary>
#
# On the clothing set: tops. Some of them are hard to call for a person too, and
# a model cannot be more consistent than its labels.
#
# ```python
# pairs = evaluation.rank_confusions(full_matrix, class_names)
# if pairs:
#     true_name, said_name, count = pairs[0]
#     t, s = class_names.index(true_name), class_names.index(said_name)
#     wrong = np.flatnonzero((all_labels == t) & (all_predicted == s))[:6]
#     all_images = np.concatenate([images, val_images])
#     fig = plots.show_images(all_images[wrong],
#                             [f"true {true_name}, said {said_name}"] * len(wrong))
#     plt.show()
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (predict): class weights on a lopsided dataset
# Keep only 20 training images of the first class and train the head (feature
# extraction) twice, without and with class weights. Predict, then measure: how
# does that class's recall on the validation set change?
#
# <details><summary>Hint</summary>
#
# `split.train.subset(indices)` keeps the files at `indices`.
# `model_parts.build_classifier(base, NUM_CLASSES, DROPOUT)` builds this
# notebook's model around a base, and `model_parts.compile_for_logits(model,
# optimizer)` compiles it for N logits. Use a fresh, frozen base: `base_model` is
# fine-tuned now.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Without weights, the few images of the rare class count little in the loss, so
# the model predicts it less often and its recall drops. The weights give those
# 20 images as much weight in total as another class's images (weight 5.42 for
# dress here), and the recall recovers part of the way, at some cost to that
# class's precision. Measured with this code on the clothing set: dress recall
# 0.12 without weights, 0.35 with them; precision 0.75 and 0.56. It trains two
# heads for `INITIAL_EPOCHS` each (a few minutes on a CPU).
#
# ```python
# rare = 0  # the class made rare
# of_rare = [i for i, y in enumerate(split.train.labels) if y == rare]
# others = [i for i, y in enumerate(split.train.labels) if y != rare]
# lopsided = split.train.subset(sorted(others + of_rare[:20]))
# lopsided_dataset = pipeline.make_dataset(lopsided, IMG_SIZE, BATCH_SIZE,
#                                          shuffle=True, seed=SEED)
# fresh_base = tf.keras.applications.MobileNetV2(
#     input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS)
# fresh_base.trainable = False
# for weights in (None, training.compute_class_weights(lopsided.labels,
#                                                      NUM_CLASSES)):
#     tf.keras.utils.set_random_seed(SEED)
#     trial = model_parts.build_classifier(fresh_base, NUM_CLASSES, DROPOUT)
#     model_parts.compile_for_logits(
#         trial, tf.keras.optimizers.Adam(HEAD_LEARNING_RATE))
#     trial.fit(lopsided_dataset, epochs=INITIAL_EPOCHS, class_weight=weights,
#               verbose=0)
#     y, z, _ = evaluation.predict_logits(trial, validation_dataset)
#     recall = np.mean(z[y == rare].argmax(axis=1) == rare)
#     print(f"class weights {'on ' if weights else 'off'}: recall of "
#           f"{class_names[rare]} {recall:.2f}")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (predict): cut at the block boundary
# Fine-tune from the start of block 11 (layer 98) instead of the tutorial's 100.
# How many variables train then, and why?
#
# <details><summary>Hint</summary>
#
# `model_parts.find_block_start(base_model, "block_11_expand")` gives the index.
# Set each layer's `trainable` by its index, keep BatchNormalization frozen, and
# count `model.trainable_variables`; no need to train. Repeating
# `base_model.trainable = True` is not enough here: the base is trainable
# already, and with the TensorFlow backend Keras skips an assignment that does
# not change the value, so it never reaches the layers frozen one by one.
#
# </details>
#
# <details><summary>Solution</summary>
#
# 21: one more than at 100, the kernel of block 11's first convolution
# (`block_11_expand`, layer 98). Its BatchNormalization (layer 99) stays frozen
# either way.
#
# ```python
# at = model_parts.find_block_start(base_model, "block_11_expand")
# for index, layer in enumerate(base_model.layers):
#     layer.trainable = index >= at
# compat.freeze_batch_norm(base_model)
# print(at, len(model.trainable_variables))
# assert len(model.trainable_variables) == 21
# ```
#
# </details>

# %% [markdown]
# ### Exercise 4 (extend): "I'm not sure"
# With 10 classes, a wrong answer is often a close call. Let the model answer only
# when the softmax probability of its class is at least 0.8. What share of the
# test images gets an answer, and how accurate are those answers?
#
# <details><summary>Hint</summary>
#
# `evaluation.softmax(logits)` gives each test image's probabilities; their
# maximum is the model's confidence.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Fewer answers, more of them right: a useful trade when a person can look at
# the rest. On the clothing set (the stored run's model): answers for 69% of the
# 64 test images, 0.909 of them right, against 0.859 of all.
#
# ```python
# confidence = evaluation.softmax(logits).max(axis=1)
# sure = confidence >= 0.8
# print(f"answers {sure.mean():.0%} of the {len(sure)} test images")
# if sure.any():
#     right = np.mean(predicted[sure] == labels[sure])
#     print(f"accuracy of those answers: {right:.3f} "
#           f"(of all: {np.mean(predicted == labels):.3f})")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 5 (extend): a photo of your own
# Classify a photo that is not in the dataset: one of your own clothes, say.
#
# <details><summary>Hint</summary>
#
# 05's `evaluation.predict_files(model, path, class_names, IMG_SIZE)` takes a
# file, a list of files or a folder; for a model of N logits it takes the class
# of the largest one, and its softmax probability.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Replace the three test images with the path of your photo, or of a folder.
#
# ```python
# my_photos = split.test.paths[:3]  # or "path/to/your/photo.jpg"
# results = evaluation.predict_files(model, my_photos, class_names, IMG_SIZE)
# print(evaluation.format_predictions(results))
# ```
#
# </details>

# %% [markdown]
# Back to the start: [01_data](01_data.ipynb), with the recipe in mind for your
# own classes.
