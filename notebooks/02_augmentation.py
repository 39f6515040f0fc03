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
# # 2. Data augmentation and rescaling

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/02_augmentation.ipynb">
#   <img src="https://www.tensorflow.org/images/colab_logo_32px.png" />
#   Run in Google Colab</a></td>
#   <td><a target="_blank" href=
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/02_augmentation.ipynb">
#   <img src="https://www.tensorflow.org/images/GitHub-Mark-32px.png" />
#   View on GitHub</a></td>
#   <td><a href=
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/02_augmentation.ipynb">
#   <img src="https://www.tensorflow.org/images/download_logo_32px.png" />
#   Download notebook</a></td>
# </table>

# %% [markdown]
# With only 2,000 training images, a network can memorise them. *Augmentation*
# shows it a slightly different version of each image every epoch (flipped,
# rotated), which acts like more data and reduces overfitting. Then the pixel
# values must be rescaled to the range MobileNetV2 was trained with.

# %% [markdown]
# *On Colab*, the next cell installs this course's `helpers` at this
# notebook's version; anywhere else it does nothing.

# %%
# Colab: install this course at this notebook's version (elsewhere: nothing).
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    source = os.environ.get("TL_COURSE_SOURCE",
                            "git+https://github.com/tl-course/transfer-learning-course")
    package = f"{source}@v1.1.0"
    # --no-deps: Colab's own TensorFlow, Keras and numpy are kept as they are.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    package], check=True)
    print("installed the course's helpers from", package)

# %% [markdown]
# ## Setup

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info logs

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import artifacts, catchup, model_parts, pipeline, session, splits

session.setup_notebook()
print(session.describe_runtime("02"))

# %% tags=["parameters"]
BATCH_SIZE = 32
SEED = 123
ROTATION = 0.2  # fraction of a full turn: up to +/- 72 degrees
ARTIFACTS_DIR = "../artifacts"  # TL_ARTIFACTS_DIR wins
CATCH_UP = True  # make what an earlier notebook saves if it is missing
USE_DRIVE = False  # on Colab: keep artifacts in Google Drive across sessions

# %% [markdown]
# ## If you start here
# This notebook needs the split that [01_data](01_data.ipynb) saves. If it is not in the
# artifacts folder (a fresh Colab runtime, or you joined the workshop late), this cell
# takes it from a folder that persists (`TL_PERSIST_DIR`, or your Google Drive on Colab
# with `USE_DRIVE = True`) or, with `CATCH_UP = True`, makes it now the quick way and
# says what differs from the full run. With `CATCH_UP = False` it stops and names the
# notebook to run first.

# %%
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
PERSIST_DIR = catchup.get_persist_dir(mount_drive=USE_DRIVE)
print(catchup.ensure(ARTIFACTS_DIR, "split", PERSIST_DIR, catch_up=CATCH_UP))

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
# 1. Add `tf.keras.layers.RandomZoom(0.1)` and look at the nine images. Would a
#    vertical flip make sense for photos of pets?
# 2. What would the validation accuracy of the next notebook do without
#    rotation? Try it there: `model_parts.make_augmentation(rotation=0.0)`.
#
# Next: [03_feature_extraction](03_feature_extraction.ipynb).
