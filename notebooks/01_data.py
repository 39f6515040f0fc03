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
# # 1. Data: cats and dogs
#
# This course follows TensorFlow's *Transfer learning and fine-tuning* tutorial:
# a MobileNetV2 network trained on ImageNet learns to tell cats from dogs with only
# 2,000 training images. This first notebook gets the images ready:
#
# 1. get the `cats_and_dogs_filtered` dataset (download once, or a local copy);
# 2. check every file, so a broken image cannot stop training half-way;
# 3. build the training and validation pipelines and look at a few images;
# 4. carve a test set out of the validation images, **without** the tutorial's leak;
# 5. prefetch batches so the model never waits for the disk.
#
# The next notebooks build on the same steps through the `helpers` package.

# %% [markdown]
# ## Setup
# The `helpers` package holds the code these notebooks share. Install the project
# once with `pip install -e .` (the README's setup command does it).

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info logs

import matplotlib.pyplot as plt
import tensorflow as tf

from helpers import assets, data, plots, session
from helpers.artifacts import get_artifacts_dir

session.setup_notebook()
print("TensorFlow", tf.__version__, "| Keras", tf.keras.__version__)

# %% [markdown]
# ## Parameters
# The tutorial's settings, in one cell. `make test` runs every notebook in a
# tiny smoke configuration (`TL_SMOKE=1`); papermill can override any name here.

# %% tags=["parameters"]
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
TEST_FRACTION = 0.2  # share of the validation batches that becomes the test set
SEED = 123
ARTIFACTS_DIR = get_artifacts_dir(os.environ.get("TL_ARTIFACTS_DIR", "../artifacts"))
SHOW_PROGRESS = os.environ.get("TL_VERBOSE", "1") == "1"

# %% [markdown]
# ## Get the dataset
# `get_dataset_dir` downloads `cats_and_dogs_filtered.zip` once into the Keras cache
# (`~/.keras/datasets`), verifies it and extracts it safely. Without network, point
# `TL_DATA_DIR` at a local copy (a folder or the zip) or `TL_MIRROR` at a classroom
# mirror: the README explains both. If nothing works, the message says what to set.
#
# The tutorial calls `tf.keras.utils.get_file(..., extract=True)` and then joins
# `cats_and_dogs_filtered` to the returned path; on Keras 3 that path is a
# `..._extracted` folder, so the tutorial's paths point at nothing.

# %%
data_dir = assets.get_dataset_dir(progress=SHOW_PROGRESS)
print(sorted(p.name for p in data_dir.iterdir() if not p.name.startswith(".")))

# %% [markdown]
# ## Check every image
# A single truncated JPEG makes TensorFlow's decoder raise in the middle of an
# epoch. `check_dataset` decodes each file once with the same decoder, skips the
# ones that fail (and lists them), converts unusual ones (CMYK, huge) to an RGB
# copy in the artifacts folder, and stops with a clear message if the folder layout
# is wrong. The result is remembered, so later notebooks don't decode again.

# %%
report = data.check_dataset(data_dir, work_dir=ARTIFACTS_DIR, progress=SHOW_PROGRESS)
class_names = report.class_names
print(report.summary())

# %% [markdown]
# ## The training pipeline
# `make_dataset` does what `tf.keras.utils.image_dataset_from_directory` does:
# read each file, decode it to RGB, resize it to 160x160 and batch by 32. Labels
# are the index of the class folder in alphabetical order. Training data is
# reshuffled every epoch.

# %%
train_dataset = data.make_dataset(
    report.splits["train"], IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
)
print(train_dataset.element_spec)

# %% [markdown]
# The first nine training images, with their class names.

# %%
images, labels = next(iter(train_dataset))
fig = plots.show_images(images[:9], [class_names[i] for i in labels[:9]])
plt.show()

# %% [markdown]
# ## A test set that does not leak
# The dataset has no test split, so the tutorial moves 20% of the validation
# batches into a test set with `take` and `skip`. But its validation dataset was
# built with `shuffle=True`, which **reshuffles on every pass**: each time the test
# set is read it holds different images, most of which the validation set also
# shows. Its "test accuracy" is measured on images that were used for validation.
#
# We split the *files* instead: shuffled once with a fixed seed, then cut. The two
# sets are disjoint and stay the same on every pass.

# %%
validation_files, test_files = data.carve_test_files(
    report.splits["validation"], BATCH_SIZE, TEST_FRACTION, SEED
)
assert set(validation_files.paths).isdisjoint(test_files.paths)
assert len(validation_files) + len(test_files) == len(report.splits["validation"])
validation_dataset = data.make_dataset(validation_files, IMG_SIZE, BATCH_SIZE)
test_dataset = data.make_dataset(test_files, IMG_SIZE, BATCH_SIZE)

# %% [markdown]
# The batch counts: on the real data, 26 validation and 6 test batches, as in the
# tutorial, but now made of different images.

# %%
print("Number of validation batches:", data.count_batches(validation_dataset))
print("Number of test batches:", data.count_batches(test_dataset))

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
if not report.skipped:
    tutorial_validation = tf.keras.utils.image_dataset_from_directory(
        data_dir / "validation", shuffle=True, batch_size=BATCH_SIZE,
        image_size=IMG_SIZE, verbose=False,
    )
    tutorial_test_batches = data.count_batches(tutorial_validation) // 5
    tutorial_test = tutorial_validation.take(tutorial_test_batches)
    tutorial_validation = tutorial_validation.skip(tutorial_test_batches)
    leaked = pixel_hashes(tutorial_test) & pixel_hashes(tutorial_validation)
    print(f"tutorial's split: {len(leaked)} test images also in validation")

# %% [markdown]
# ## Prefetch
# `prefetch` prepares the next batches while the model works on the current one.

# %%
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = train_dataset.prefetch(buffer_size=AUTOTUNE)
validation_dataset = validation_dataset.prefetch(buffer_size=AUTOTUNE)
test_dataset = test_dataset.prefetch(buffer_size=AUTOTUNE)

# %% [markdown]
# ## What the next notebooks reuse
# `data.prepare_splits` repeats the check and the split above (from the remembered
# check, so it is fast) and returns the same three file lists.

# %%
splits = data.prepare_splits(data_dir, ARTIFACTS_DIR, BATCH_SIZE, TEST_FRACTION, SEED)
assert splits["test"] == test_files and splits["validation"] == validation_files
print({name: len(files) for name, files in splits.items()})

# %% [markdown]
# ## Exercises
# 1. Change `SEED` and re-run: the test images change, but the two sets stay
#    disjoint. Why does that matter when you compare two models?
# 2. Make your own two-class folder in the same layout and point `TL_DATA_DIR` at
#    it. What does `check_dataset` report?
#
# Next: [02_augmentation](02_augmentation.ipynb).
