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
# # 2. Data augmentation and rescaling

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/02_augmentation.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/02_augmentation.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/02_augmentation.ipynb">
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
# हिंदी में: [02_augmentation](../notebooks-hi/02_augmentation.ipynb)
#
# With only 2,000 training images, a network can memorise them. *Augmentation*
# shows it a slightly different version of each image every epoch (flipped,
# rotated), which acts like more data and reduces overfitting. Then the pixel
# values must be rescaled to the range MobileNetV2 was trained with.

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

from helpers import artifacts, catchup, model_parts, pipeline, session, splits

# %% [markdown]
# The tutorial's settings:

# %% tags=["parameters"]
BATCH_SIZE = 32
SEED = 123
ROTATION = 0.2  # fraction of a full turn: up to +/- 72 degrees

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("02"))

# %% [markdown]
# **If you start here**, the next cell fetches or makes the split that
# [01_data](01_data.ipynb) saves
# ([how](../docs/course-cells.md#if-you-start-here)).

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown]
# The training images, from that split.

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(tf.data.AUTOTUNE)

# %% [markdown]
# ## Augmentation layers
# Two Keras preprocessing layers: a random horizontal flip (a cat looking left is
# still a cat) and a random rotation. As layers, they run inside the model, so
# they are active only during training (`fit`) and pass images through unchanged
# when the model evaluates or predicts.

# %%
data_augmentation = tf.keras.Sequential(
    [
        tf.keras.layers.RandomFlip("horizontal"),
        tf.keras.layers.RandomRotation(ROTATION),
    ]
)

# %% [markdown]
# The same image, augmented nine times, with the tutorial's code. `training=True`
# switches the layers on, as `fit` does.

# %%
for image, _ in train_dataset.take(1):
    plt.figure(figsize=(10, 10))
    first_image = image[0]
    for i in range(9):
        ax = plt.subplot(3, 3, i + 1)
        augmented_image = data_augmentation(tf.expand_dims(first_image, 0),
                                            training=True)
        plt.imshow(augmented_image[0] / 255)
        plt.axis("off")
plt.show()

# %% [markdown]
# Outside training the layers do nothing: this is why the validation accuracy
# measures the model on the real images.

# %%
unchanged = data_augmentation(tf.expand_dims(first_image, 0), training=False)[0]
assert np.array_equal(unchanged.numpy(), first_image.numpy())

# %% [markdown]
# The next notebooks build these two layers with `model_parts.make_augmentation`,
# which is exactly this `Sequential`.

# %%
reused = model_parts.make_augmentation(ROTATION)
assert [type(layer) for layer in reused.layers] == [
    type(layer) for layer in data_augmentation.layers
]

# %% [markdown]
# ## Rescaling pixel values
# Our images hold values in [0, 255]. MobileNetV2 was trained on values in
# [-1, 1], and `tf.keras.applications.mobilenet_v2.preprocess_input` maps one range
# to the other: `x / 127.5 - 1`.

# %%
preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input
scaled = preprocess_input(tf.cast(image, tf.float32))
print("min", float(tf.reduce_min(scaled)), "max", float(tf.reduce_max(scaled)))

# %% [markdown]
# The same arithmetic is available as a layer, `Rescaling(1/127.5, offset=-1)`.
# Both give the same numbers. The model in the next notebook uses the layer: it
# shows up in the model summary, is saved with the model, and is visible to code
# that walks the model's layers (export, Grad-CAM). (If you swap in another base
# model, use *its* `preprocess_input`: each network expects its own input range.)

# %%
rescale = tf.keras.layers.Rescaling(1.0 / 127.5, offset=-1)
np.testing.assert_allclose(rescale(image).numpy(), scaled.numpy(), atol=1e-5)
assert float(tf.reduce_min(scaled)) >= -1.0 and float(tf.reduce_max(scaled)) <= 1.0

# %% [markdown]
# ## Exercises
# From changing one parameter and predicting the effect, to extending the code.
# Each exercise has a **hint** and a worked **solution**, folded: try first, then
# click *Hint* or *Solution* to open them. Solution code runs in this notebook after
# it has run from the top (Run All first): paste it into a new cell at the end. It
# saves nothing over what this notebook saved.

# %% [markdown]
# ### Exercise 1 (predict): no rotation
# Set `ROTATION = 0.0` in the parameters cell and run this notebook again
# (*Kernel > Restart Kernel and Run All Cells*). Before you look: how many
# *different* images will the grid of nine show? And what would training without
# rotation do in notebook 03?
#
# <details><summary>Hint</summary>
#
# With rotation off, only `RandomFlip("horizontal")` is left. How many outcomes
# does a flip have?
#
# </details>
#
# <details><summary>Solution</summary>
#
# At most two different images: the photo and its mirror image. The code below
# checks it without re-running anything: every one of nine draws is one of the two.
#
# `ROTATION` only acts in this notebook (02 saves nothing for later notebooks).
# To train without rotation, change 03 itself: in the cell under *The model*,
# replace `model_parts.make_augmentation()` with
# `model_parts.make_augmentation(rotation=0.0)`, then run 03 from the top, and 04
# and 05 after it (they use 03's model). What to expect (not measured in this
# course): training accuracy rises a little, because the images got easier;
# validation accuracy in 03 changes little, because 1,281 weights on top of a
# frozen base have little room to memorise 2,000 images. Augmentation matters more
# in 04, where 1.8 million weights train: 06, which trains without it, shows the
# training accuracy running away. Afterwards put the line back as it was.
#
# ```python
# no_rotation = model_parts.make_augmentation(rotation=0.0)
# one = tf.expand_dims(first_image, 0)
# mirror = tf.image.flip_left_right(one)
# for _ in range(9):
#     drawn = no_rotation(one, training=True)
#     assert np.allclose(drawn, one, atol=1e-3) or np.allclose(drawn, mirror, atol=1e-3)
# print("nine draws, each the photo or its mirror image")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (predict, then look): zoom, and a vertical flip?
# Add `tf.keras.layers.RandomZoom(0.1)` after the rotation and look at nine
# augmented images. Then think: would `RandomFlip("vertical")` make sense for
# photos of pets? For which kind of images would it?
#
# <details><summary>Hint</summary>
#
# Augmentation should make images that *could* turn up in the validation and test
# sets. How many of the photos above show an animal upside down?
#
# </details>
#
# <details><summary>Solution</summary>
#
# Zoom makes the animal a little larger or smaller, cropping or filling the edges:
# still plausible photos, so it can help. A vertical flip makes upside-down pets,
# which these photos almost never show: the network would spend its capacity on
# images it is never asked about. It makes sense where there is no "up": satellite
# and aerial images, microscope slides, photos of fabrics from above.
#
# ```python
# more_augmentation = tf.keras.Sequential([
#     tf.keras.layers.RandomFlip("horizontal"),
#     tf.keras.layers.RandomRotation(ROTATION),
#     tf.keras.layers.RandomZoom(0.1),
# ])
# plt.figure(figsize=(10, 10))
# for i in range(9):
#     augmented = more_augmentation(tf.expand_dims(first_image, 0), training=True)
#     assert augmented.shape == (1, *first_image.shape)
#     plt.subplot(3, 3, i + 1)
#     plt.imshow(np.clip(augmented[0] / 255, 0, 1))
#     plt.axis("off")
# plt.show()
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (think): another network, another range
# Our model rescales pixels to [-1, 1] because MobileNetV2 was trained that way.
# If you swapped in ResNet50, what would its own
# `tf.keras.applications.resnet50.preprocess_input` do to the same images? And
# what goes wrong when a network gets the wrong range?
#
# <details><summary>Hint</summary>
#
# Apply it to `image` (the batch above) and print the minimum, the maximum and the
# mean of each channel. Careful: it may also change the order of the channels.
#
# </details>
#
# <details><summary>Solution</summary>
#
# ResNet50 was trained the "caffe" way: its `preprocess_input` turns RGB into BGR
# and subtracts ImageNet's mean of each channel, without scaling, so values span
# roughly -124 to +152 instead of [-1, 1]. A network fed another range than the
# one it was trained on computes features that no longer mean what they meant in
# training, and the head on top gets worse input; nothing raises an error, the
# accuracy just drops. So: each base model with its own `preprocess_input` (or the
# equivalent layer).
#
# ```python
# resnet_input = tf.keras.applications.resnet50.preprocess_input(
#     tf.cast(image, tf.float32))
# print("min", float(tf.reduce_min(resnet_input)),
#       "max", float(tf.reduce_max(resnet_input)))
# print("mean per channel (B, G, R):",
#       tf.reduce_mean(resnet_input, axis=(0, 1, 2)).numpy().round(1))
# assert float(tf.reduce_max(resnet_input)) > 1  # not MobileNetV2's [-1, 1]
# ```
#
# </details>

# %% [markdown]
# ### Exercise 4 (extend): an augmentation of your own
# Add a random change of contrast, `tf.keras.layers.RandomContrast(0.3)`, to the
# augmentation. Check the two properties the course relies on: it changes images
# when `training=True`, and leaves them exactly as they are otherwise. How would
# you use it in 03?
#
# <details><summary>Hint</summary>
#
# Reuse this notebook's check for the second property (`np.array_equal` with
# `training=False`); for the first, compare a few training-mode draws with the
# original image.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Both hold (the code checks them): like the flip and the rotation, the contrast
# layer acts inside `fit` only, so validation and prediction see the real images.
# To use it in 03, build this `Sequential` in the cell under *The model* in place of
# `model_parts.make_augmentation()`, keeping the name `data_augmentation`: 05's
# export finds the augmentation layers by that name and leaves them out. Then run
# 03 from the top, and 04 and 05 after it.
#
# ```python
# with_contrast = tf.keras.Sequential(
#     [tf.keras.layers.RandomFlip("horizontal"),
#      tf.keras.layers.RandomRotation(ROTATION),
#      tf.keras.layers.RandomContrast(0.3)],
#     name="data_augmentation",
# )
# one = tf.expand_dims(first_image, 0)
# assert np.array_equal(with_contrast(one, training=False).numpy(), one.numpy())
# changed = [not np.allclose(with_contrast(one, training=True), one) for _ in range(3)]
# assert any(changed)
# print("changes images while training, leaves them alone otherwise")
# ```
#
# </details>

# %% [markdown]
# Next: [03_feature_extraction](03_feature_extraction.ipynb).
