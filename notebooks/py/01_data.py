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
# # 1. Data: cats and dogs

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/01_data.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/01_data.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/01_data.ipynb">
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
# हिंदी में: [01_data](../notebooks-hi/01_data.ipynb)
#
# This course follows TensorFlow's *Transfer learning and fine-tuning* tutorial:
# a MobileNetV2 network trained on ImageNet learns to tell cats from dogs with only
# 2,000 training images. This first notebook gets the images ready:
#
# 1. get the `cats_and_dogs_filtered` dataset (download once, or a local copy);
# 2. check every file, so a broken image cannot stop training half-way;
# 3. build the input pipeline with `tf.data` and look at a few images;
# 4. carve a test set out of the validation images, **without** the tutorial's leak;
# 5. save that split, so every later notebook uses exactly the same images.

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
# The tutorial's imports, and `helpers`: the code these notebooks share (the
# README's setup command installs it).

# %%
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import artifacts, assets, catchup, checks, pipeline, session, splits

# %% [markdown]
# ## Parameters
# The tutorial's settings, in one cell (papermill, and the course's smoke test,
# override them here). `TEST_FRACTION`, `SEED` and `IMG_SIZE` decide the split, so
# they live in this notebook only: the split is saved, and later notebooks load it
# instead of repeating these settings. (Their `BATCH_SIZE` and `SEED` only batch
# and shuffle the training data.)

# %% tags=["parameters"]
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
TEST_FRACTION = 0.2  # share of the validation batches that becomes the test set
SEED = 123

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_DATA_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
SHOW_PROGRESS = True  # progress bars for downloads and checks
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("01"))

# %% [markdown]
# ## Get the dataset
# `get_dataset_dir` downloads `cats_and_dogs_filtered.zip` once into the Keras cache
# (`~/.keras/datasets`), verifies it and extracts it safely. Without network, point
# `TL_DATA_DIR` at a local copy (a folder or the zip) or `TL_MIRROR` at a classroom
# mirror: the README explains both. If nothing works, the message says what to set.
#
# It replaces the tutorial's `tf.keras.utils.get_file(..., extract=True)`: on
# Keras 3 that returns a `..._extracted` folder, so the tutorial's
# `os.path.join(os.path.dirname(path_to_zip), "cats_and_dogs_filtered")` points at
# nothing.
#
# The address: this course follows the tutorial's version that downloads from
# `https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip`;
# tensorflow.org's newer version serves the same zip from
# https://storage.googleapis.com/download.tensorflow.org/example_images/cats_and_dogs_filtered.zip
# and `get_dataset_dir` tries that one second, if the first fails.

# %%
data_dir = assets.get_dataset_dir(progress=SHOW_PROGRESS)
train_dir = data_dir / "train"
validation_dir = data_dir / "validation"
print(sorted(p.name for p in data_dir.iterdir() if not p.name.startswith(".")))

# %% [markdown]
# ## Check every image
# A single truncated JPEG makes TensorFlow's decoder raise in the middle of an
# epoch. `check_dataset` decodes each file once with the same decoder, skips the
# ones that fail (and lists them), converts unusual ones (CMYK, huge) to an RGB
# copy in the artifacts folder, and stops with a clear message if the folder layout
# is wrong. The result is a list of usable files per split, with their labels.

# %%
report = checks.check_dataset(data_dir, work_dir=ARTIFACTS_DIR,
                              progress=SHOW_PROGRESS)
class_names = report.class_names
print(report.summary())

# %% [markdown]
# ## The input pipeline, written out
# The tutorial builds its datasets with one call per folder:
#
# ```python
# train_dataset = tf.keras.utils.image_dataset_from_directory(
#     train_dir, shuffle=True, batch_size=BATCH_SIZE, image_size=IMG_SIZE)
# ```
#
# It reads *every* file of the folder, including the ones the check skipped, and
# its test split (below) cannot be made without a leak. So we build the same
# pipeline from our checked file list with `tf.data`, step by step: one function
# reads, decodes (to 3 channels, whatever the format) and resizes one image...


# %%
def load_image(path, label):
    image = tf.io.read_file(path)
    image = tf.io.decode_image(image, channels=3, expand_animations=False)
    image.set_shape([None, None, 3])
    image = tf.image.resize(image, IMG_SIZE, method="bilinear")
    return image, label


# %% [markdown]
# ...and the dataset maps it over (path, label) pairs, reshuffled every epoch,
# in batches of `BATCH_SIZE`. Labels are the index of the class folder in alphabetical
# order, as `image_dataset_from_directory` assigns them.

# %%
train_files = report.splits["train"]
train_dataset = (
    tf.data.Dataset.from_tensor_slices((list(train_files.paths),
                                        list(train_files.labels)))
    .shuffle(len(train_files), seed=SEED)
    .map(load_image, num_parallel_calls=tf.data.AUTOTUNE)
    .batch(BATCH_SIZE)
)
print(train_dataset.element_spec)

# %% [markdown]
# The first nine training images, with the tutorial's plotting code.

# %%
plt.figure(figsize=(10, 10))
for images, labels in train_dataset.take(1):
    for i in range(min(9, len(labels))):  # the tutorial's 9, or a smaller batch
        ax = plt.subplot(3, 3, i + 1)
        plt.imshow(images[i].numpy().astype("uint8"))
        plt.title(class_names[labels[i]])
        plt.axis("off")
plt.show()

# %% [markdown]
# *Extra code: the same images as the tutorial's loader.* On a folder where every
# file is usable, `image_dataset_from_directory` (unshuffled) and our pipeline
# give the same pixels and labels.

# %%
if not report.skipped and not report.converted:
    tutorial_dataset = tf.keras.utils.image_dataset_from_directory(
        train_dir, shuffle=False, batch_size=BATCH_SIZE, image_size=IMG_SIZE,
        verbose=False,
    )
    ours_dataset = pipeline.make_dataset(train_files, IMG_SIZE, BATCH_SIZE)
    a, a_labels = next(iter(tutorial_dataset))
    b, b_labels = next(iter(ours_dataset))
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-3)
    assert tutorial_dataset.class_names == list(class_names)
    assert np.array_equal(a_labels.numpy(), b_labels.numpy())
    print("same pixels and labels as image_dataset_from_directory")

# %% [markdown]
# `pipeline.make_dataset` is this pipeline, kept for the next notebooks.

# %% [markdown]
# ## A test set that does not leak
# The dataset has no test split, so the tutorial moves 20% of the validation
# batches into a test set with `take` and `skip`. But its validation dataset was
# built with `shuffle=True`, which **reshuffles on every pass**: each time the test
# set is read it holds different images, most of which the validation set also
# shows. Its "test accuracy" is measured on images that were used for validation.
#
# We split the *files* instead: shuffled once with `SEED`, then cut, with as many
# test images as the tutorial's 20% of its batches of 32. The sets are disjoint
# and fixed, and no batch size changes them.

# %%
split = splits.make_split(report, IMG_SIZE, TEST_FRACTION, SEED)
assert set(split.validation.paths).isdisjoint(split.test.paths)
assert len(split.validation) + len(split.test) == len(report.splits["validation"])
validation_dataset = pipeline.make_dataset(split.validation, IMG_SIZE, BATCH_SIZE)
test_dataset = pipeline.make_dataset(split.test, IMG_SIZE, BATCH_SIZE)

# %% [markdown]
# The batch counts: on the real data, 26 validation and 6 test batches, as in the
# tutorial, but now made of different images.

# %%
print("Number of validation batches:", pipeline.count_batches(validation_dataset))
print("Number of test batches:", pipeline.count_batches(test_dataset))

# %% [markdown]
# *Extra code: the tutorial's leak, measured.* We rebuild the tutorial's split
# (`shuffle=True`, then `take`/`skip`), read its test set and its validation set
# once each, and count test images whose exact pixels also appear in validation.
# (It reads the folder directly, so it needs a folder where every file decodes.)


# %%
def pixel_hashes(dataset):
    return {hash(image.numpy().tobytes()) for batch, _ in dataset for image in batch}


ours = pixel_hashes(test_dataset) & pixel_hashes(validation_dataset)
print(f"our split:        {len(ours)} test images also in validation")
assert not ours
if not report.skipped and not report.converted:
    tutorial_validation = tf.keras.utils.image_dataset_from_directory(
        validation_dir, shuffle=True, batch_size=BATCH_SIZE,
        image_size=IMG_SIZE, verbose=False,
    )
    tutorial_test_batches = pipeline.count_batches(tutorial_validation) // 5
    tutorial_test = tutorial_validation.take(tutorial_test_batches)
    tutorial_validation = tutorial_validation.skip(tutorial_test_batches)
    leaked = pixel_hashes(tutorial_test) & pixel_hashes(tutorial_validation)
    print(f"tutorial's split: {len(leaked)} test images also in validation")

# %% [markdown]
# ## Save the split for the next notebooks
# The file lists, the class names, the image size and the settings that made
# them go into `split.json` in the artifacts folder. Notebooks 02-06 load it, the
# way 04 loads the model 03 trained: they never split again, so nothing they
# change can move an image between validation and test. Each trained model
# records the split's id, and a notebook that finds another split says so.

# %%
split_path = splits.save_split(split, ARTIFACTS_DIR)
print("saved", split_path.name, "| split id", split.id)
print({part: len(getattr(split, part)) for part in splits.PARTS})
assert splits.load_split(ARTIFACTS_DIR).test == split.test

# %% [markdown]
# With a folder that persists (`TL_PERSIST_DIR`, or Google Drive with
# `USE_DRIVE`), a copy goes there too, for the next session.

# %% tags=["course"]
catchup.keep(ARTIFACTS_DIR, "split", use_drive=USE_DRIVE)

# %% [markdown]
# ## Prefetch
# `prefetch` prepares the next batches while the model works on the current one.
# The next notebooks add it to every dataset they build.

# %%
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = train_dataset.prefetch(buffer_size=AUTOTUNE)
validation_dataset = validation_dataset.prefetch(buffer_size=AUTOTUNE)
test_dataset = test_dataset.prefetch(buffer_size=AUTOTUNE)

# %% [markdown]
# ## Exercises
# From changing one parameter and predicting the effect, to extending the code.
# Each exercise has a **hint** and a worked **solution**, folded: try first, then
# click *Hint* or *Solution* to open them. Solution code runs in this notebook after
# it has run from the top (Run All first): paste it into a new cell at the end. It
# saves nothing over what this notebook saved.

# %% [markdown]
# ### Exercise 1 (predict): another seed
# In the parameters cell, `SEED = 123` decides which validation images become test
# images. Predict before you try: with `SEED = 7`, which images change part
# (training, validation, test)? Do validation and test still share an image? And why
# does a fixed test set, disjoint from validation, matter when you compare two
# models?
#
# <details><summary>Hint</summary>
#
# Look at what `splits.make_split` shuffles: training comes from the `train/`
# folder, validation and test are both cut from the `validation/` folder.
#
# </details>
#
# <details><summary>Solution</summary>
#
# The 2,000 training images stay the same (only the order in which each epoch
# reads them changes). Validation and test are cut again from the same 1,000
# `validation/` images: by chance about a fifth of the new test images were test
# images before, the others were validation images. The two parts are still
# disjoint, because the cut is made on the list of files, once.
#
# A comparison is fair only on the same test images: two models measured on two
# different draws differ by chance alone (in 05, one test image is half a point of
# accuracy). That is why each model records the split's id, and 04 and 05 refuse a
# model trained on another split.
#
# Re-running this notebook with another seed *saves* the new split: re-run 03, 04
# and 05 after it, or set `SEED = 123` back and re-run this notebook. The code
# below draws the seed-7 split without saving it:
#
# ```python
# other = splits.make_split(report, IMG_SIZE, TEST_FRACTION, 7)
# assert set(other.validation.paths).isdisjoint(other.test.paths)
# assert other.train == split.train  # the same training images
# kept = set(other.test.paths) & set(split.test.paths)
# print(f"{len(kept)} of {len(other.test)} test images were test images before")
# print("split id:", split.id, "->", other.id)
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (predict): a smaller test set
# Set `TEST_FRACTION = 0.1`. How many test images will there be, and how much
# less precise does the test accuracy of 05 get?
#
# <details><summary>Hint</summary>
#
# As in the tutorial's `take`, the test set is a whole number of batches of 32
# (`splits.TEST_BATCH`): the fraction of the 32 batches that 1,000 validation images
# make, rounded down. The uncertainty of an accuracy on *n* images shrinks like
# 1/sqrt(*n*).
#
# </details>
#
# <details><summary>Solution</summary>
#
# `int(32 * 0.1)` is 3 batches: 96 test images, half as many as now, and the other
# 904 images validate. One test image is then about one point of accuracy, and the
# standard error 05 prints grows by sqrt(2), about 1.4 times: two models would have
# to differ more before the test set could tell them apart. (Like `SEED`, this
# setting saves a new split when you re-run the notebook.) Without saving anything:
#
# ```python
# trial = splits.make_split(report, IMG_SIZE, 0.1, SEED)
# print({part: len(getattr(trial, part)) for part in splits.PARTS})
# assert len(trial.validation) + len(trial.test) == len(report.splits["validation"])
# print(f"standard error x {(len(split.test) / len(trial.test)) ** 0.5:.2f}")
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (inspect): are the classes balanced?
# Count the cats and the dogs in each part of the split. Is the test set balanced?
# Does it have to be?
#
# <details><summary>Hint</summary>
#
# `split.test.labels` holds one label per image (0 for cats, 1 for dogs: the
# folders in alphabetical order); `np.bincount` counts them.
#
# </details>
#
# <details><summary>Solution</summary>
#
# The training images are 1,000 of each class and the `validation/` folder 500 of
# each (the check's summary above). The test set is drawn at random from
# `validation/`, so it is only roughly balanced: 102 cats and 90 dogs in the stored
# run (05 prints them as *support*). That is fine, as long as you also look at each
# class (05's precision and recall). On a strongly unbalanced test set, a model
# that always answers the larger class would look good.
#
# ```python
# for part in splits.PARTS:
#     files = getattr(split, part)
#     counts = np.bincount(files.labels, minlength=len(class_names))
#     print(f"{part:<11}", dict(zip(class_names, counts.tolist())))
#     assert counts.sum() == len(files)
# ```
#
# </details>

# %% [markdown]
# ### Exercise 4 (extend): your own images
# Make a small two-class folder in the tutorial's layout (`train/<class>/` and
# `validation/<class>/`), with one file in it that is not an image, and check it
# with `checks.check_dataset`. What does it report? How would you then run the
# course on it?
#
# <details><summary>Hint</summary>
#
# A few images per class are enough for the check. `check_dataset(folder,
# work_dir=...)` remembers its result in `work_dir`: give it a temporary folder,
# not `ARTIFACTS_DIR`, so this notebook's own check is left as it is.
#
# </details>
#
# <details><summary>Solution</summary>
#
# The report keeps the images and lists the text file as skipped, with the reason;
# nothing is deleted. (The code paints a few one-colour images; use photos of your
# own instead.) To train on your folder, set `TL_DATA_DIR` to it before starting
# JupyterLab (README: *Offline, local copies and a classroom mirror*) and run the
# notebooks from 01: every later notebook follows 01's split. Keep exactly two
# classes: the model has one output.
#
# ```python
# import shutil
# import tempfile
# from pathlib import Path
#
# from PIL import Image
#
# own = Path(tempfile.mkdtemp()) / "my_dataset"
# for part in ("train", "validation"):
#     for name, colour in (("apples", (200, 40, 40)), ("pears", (120, 200, 60))):
#         folder = own / part / name
#         folder.mkdir(parents=True)
#         for i in range(3):
#             Image.new("RGB", (64, 48), colour).save(folder / f"{name}{i}.jpg")
# (own / "train" / "apples" / "notes.jpg").write_text("not a picture")
# own_report = checks.check_dataset(own, work_dir=own.parent / "work", progress=False)
# print(own_report.summary())
# assert own_report.class_names == ("apples", "pears")
# assert len(own_report.skipped) == 1
# shutil.rmtree(own.parent)  # the demo folder is not needed any more
# ```
#
# </details>

# %% [markdown]
# Next: [02_augmentation](02_augmentation.ipynb).
