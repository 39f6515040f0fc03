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
# # 9. Share your model: a web app, and TensorBoard

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/09_share_your_model.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks/09_share_your_model.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks/09_share_your_model.ipynb">
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
# हिंदी में: [09_share_your_model](../notebooks-hi/09_share_your_model.ipynb)
#
# After 05 the fine-tuned model is tested and exported, but only this notebook
# can use it. Here we put it behind a small web page that anyone on your
# computer (or, if you choose, your classroom's network) can open: they give it
# a photo, it shows the two probabilities and where the model looked. The page
# is made with [Gradio](https://www.gradio.app), a library made for exactly
# this. At the end we look at training the way TensorFlow's own tutorials do,
# in TensorBoard.

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
# The imports, and `helpers`: the code these notebooks share. `helpers.app` holds
# the page and everything it does with a photo.

# %%
import os
import tempfile
import urllib.request

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from helpers import app, artifacts, catchup, session, splits, training

# %% [markdown]
# The settings: what the page shows.

# %% tags=["parameters"]
EXAMPLES_PER_CLASS = 2  # example photos from the validation set, per class
MIN_CONFIDENCE = 0.0  # below this probability the page says "not sure"
GRAD_CAM = True  # also show where the model looked (05's Grad-CAM)
SERVER_PORT = None  # None: 7860, or the next free port

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("09"))

# %% [markdown]
# **If you start here**, the next cell fetches or makes what
# [01_data](01_data.ipynb) and [04_fine_tuning](04_fine_tuning.ipynb) save
# ([how](../docs/course-cells.md#if-you-start-here)).

# %% tags=["course"]
print(catchup.ensure_stage("fine_tuning", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown]
# ## The model: `.keras`, not the TensorFlow Lite export
# After 05 the model exists twice: 04's `.keras` file and 05's TensorFlow Lite
# export (`cats_vs_dogs.tflite`), checked there to agree. The page runs here,
# beside this notebook, where TensorFlow is loaded anyway, so it loads the
# `.keras` model: it gives the same probabilities, and it also gives gradients,
# which Grad-CAM needs (the TFLite interpreter runs the model forward only).
# TensorFlow Lite is for where TensorFlow is too big: a phone, a Raspberry Pi
# (exercise 3 compares the two).
#
# `app.load_classifier` loads the model the notebook before saved, with the
# class names in the order of its outputs (01's, in `split.json`) and the image
# size it was trained on.

# %%
classifier = app.load_classifier(ARTIFACTS_DIR, "fine_tuning")
split = splits.load_split(ARTIFACTS_DIR)
print("classes:", classifier.class_names, "| image size:", classifier.image_size)
assert classifier.class_names == tuple(split.class_names)

# %% [markdown]
# ## One photo, as the page sees it
# For every photo the page calls one function, `app.predict_photo`: it reads the
# photo as 05 did (`evaluation.read_image_file`: turned upright as its EXIF
# says, RGB, resized to 160x160), runs the model, and turns its one logit into
# two probabilities: `sigmoid(logit)` for dogs, the rest for cats. Here on a test
# photo (never used to train or choose anything):

# %%
photo = split.test.paths[0]
result = app.predict_photo(classifier, photo)
print(os.path.basename(photo), "->", result["text"])
print({name: round(p, 4) for name, p in result["classes"].items()})
assert abs(sum(result["classes"].values()) - 1) < 1e-6  # two classes: sum 1

# %% [markdown]
# ## Photos the page cannot use
# Visitors upload anything: a document, a huge scan, an animated GIF, a photo
# from a printer's workflow (CMYK) or a scanner (16 bits per channel), a phone
# photo stored sideways with an EXIF note to turn it. The page must answer each
# with a sentence, not a Python trace. `app.answer_photo` is what the page
# calls: for a photo it cannot use, it empties the prediction and says why;
# CMYK, 16-bit and sideways photos are converted, and it says so. A few such
# files, made in a temporary folder:

# %%
odd = tempfile.mkdtemp()
with Image.open(photo) as im:
    im = im.convert("RGB")
    im.convert("CMYK").save(os.path.join(odd, "print.jpg"))
    grey = np.asarray(im.convert("L"), dtype=np.uint16) * 257  # 16 bits
    Image.fromarray(grey).save(os.path.join(odd, "scan.png"))
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to show it"
    im.transpose(Image.Transpose.ROTATE_90).save(os.path.join(odd, "phone.jpg"),
                                                 exif=exif)
    frames = [im.resize((64, 64)), im.resize((64, 64)).rotate(90)]
    frames[0].save(os.path.join(odd, "moving.gif"), save_all=True,
                   append_images=frames[1:])
Image.new("1", (10_000, 6_000)).save(os.path.join(odd, "huge.png"))  # 60 MP
with open(os.path.join(odd, "notes.txt"), "w") as f:
    f.write("a shopping list\n")
for name in sorted(os.listdir(odd)):
    classes, image, message = app.answer_photo(classifier, os.path.join(odd, name))
    print(f"{name:<11} {message}\n")

# %% [markdown]
# The sideways phone photo gets the same prediction as the photo itself, because
# it was turned upright first:

# %%
upright = app.predict_photo(classifier, photo)["classes"]
turned = app.predict_photo(classifier, os.path.join(odd, "phone.jpg"))["classes"]
print("as taken:", {k: round(v, 3) for k, v in upright.items()})
print("sideways:", {k: round(v, 3) for k, v in turned.items()})
assert max(upright, key=upright.get) == max(turned, key=turned.get)

# %% [markdown]
# ## The page
# `app.make_app` lays the page out with Gradio: a photo to upload (or take with
# the camera, where the browser allows it, or an example to click), the two
# probabilities, a line of text, and the photo as the model saw it, with where it
# looked (05's Grad-CAM) drawn over it. The page runs one prediction at a time
# (a few more wait in a queue), so many visitors cannot fill the memory.
#
# `app.launch_app` serves it, on `127.0.0.1` (this computer only), shown here
# under the cell in JupyterLab and on Colab. The server runs in a thread of
# this notebook's kernel: the notebook stays usable, and the page works as long
# as the kernel runs. Nothing is sent to the internet: no public link, no usage
# analytics, no web fonts.

# %%
examples = app.pick_examples(split.validation, split.class_names,
                             EXAMPLES_PER_CLASS)
demo = app.make_app(classifier, examples, min_confidence=MIN_CONFIDENCE,
                    grad_cam=GRAD_CAM)
url = app.launch_app(demo, port=SERVER_PORT,
                     allowed_paths={os.path.dirname(p) for p in examples})
print("The page is served on", url)

# %% [markdown]
# It answers like any web server (open the address in a browser tab too):

# %%
with urllib.request.urlopen(url, timeout=30) as response:
    print("HTTP", response.status, "|", len(response.read()), "bytes of page")

# %% [markdown]
# Here is what a browser shows after a test photo was uploaded (a screenshot
# taken by this course's browser test, `tests/system/test_app_browser.py`, on
# the model of the stored run):
#
# ![The page: a cat photo uploaded, cats 100%, the photo with Grad-CAM's
# heatmap on the cat's face](../docs/images/09_app.png)
#
# **From the command line**, without a notebook: `make demo` serves the same
# page with 04's model (`python scripts/demo.py`). Add `ARGS="--host 0.0.0.0"`
# to open it to your classroom's network (the others type your computer's
# address and the port), `ARGS="--stage own_data"` for the model of
# [07_your_own_data](07_your_own_data.ipynb) (N classes: the page lists the
# top 3, with the class names 07 saved), and `ARGS="--share"` only if you want
# a public link: Gradio's servers then relay the page to anyone who has the
# link, and your computer does the work. In a notebook,
# `app.load_classifier(ARTIFACTS_DIR, "own_data")` loads 07's model.
#
# When you are done, stop the server: its port is free again.

# %%
app.close_app(demo)

# %% [markdown]
# ## Watching training: TensorBoard
# Notebooks 03, 04 and 07 also write what `fit` measures after each epoch as
# TensorBoard logs, into `tensorboard/` of the artifacts folder: one run per
# stage (`feature_extraction`, `fine_tuning`), each with `train` and
# `validation` curves. Fine-tuning's epochs continue where feature extraction
# stopped, so both stages follow each other on one chart. Writing them costs
# 0.026 s an epoch: 0.03% of the 80-second epoch of 03 measured beside it on a
# busy 2-core CPU (`make benchmark ARGS='--parts tensorboard'`).
#
# To watch them, in JupyterLab or on Colab, paste the two lines the next cell
# prints (the folder is this machine's) into a new cell and run it, even while
# 03 or 04 trains in another notebook: TensorBoard reads the logs again every 5
# seconds (reload the page to see new epochs). Its *Scalars* tab draws
# `epoch_accuracy` and `epoch_loss` of both stages, one chart each. We leave
# them for you to run: `%tensorboard` starts a server of its own that keeps
# running, which a headless run of this notebook must not leave behind.

# %%
logs = training.find_tensorboard_dir(ARTIFACTS_DIR)
print("%load_ext tensorboard")
print(f"%tensorboard --logdir {artifacts.describe_path(logs)}")

# %% [markdown]
# The same numbers, read from the logs here and drawn with matplotlib:

# %%
curves = {name: training.read_tensorboard_scalars(logs / name)
          for name in ("feature_extraction", "fine_tuning")}
if all(curves.values()):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, metric in zip(axes, ("epoch_accuracy", "epoch_loss")):
        for name, runs in curves.items():
            for part, style in (("train", "--"), ("validation", "-")):
                values = runs[part][metric]
                ax.plot(sorted(values), [values[e] for e in sorted(values)], style,
                        marker=".", label=f"{name} ({part})")
        ax.set(title=metric, xlabel="epoch")
    axes[0].legend(fontsize=8)
    plt.show()
    epochs = [sorted(curves[n]["train"]["epoch_loss"]) for n in curves]
    print("epochs:", epochs)
    assert epochs[1][0] == epochs[0][-1] + 1  # one axis: fine-tuning continues
else:
    print(f"No TensorBoard logs of both stages in {artifacts.describe_path(logs)}: "
          "03 and 04 write them since this version of the course; run them "
          "again to see them here and in TensorBoard.")

# %% [markdown]
# ## Exercises
# Each exercise has a **hint** and a worked **solution**, folded: try first, then
# click *Hint* or *Solution* to open them. Solution code runs in this notebook
# after it has run from the top (Run All first): paste it into a new cell at the
# end.

# %% [markdown]
# ### Exercise 1 (change): your own example photos
# The page offers two validation photos of each class to click. Give it three
# test photos of each class instead, serve it, and stop it again.
#
# <details><summary>Hint</summary>
#
# `app.pick_examples` takes any part of the split (`split.test`); `make_app`
# takes any list of paths, your own photos too. A second page needs a port of its
# own: `launch_app` takes the next free one by itself.
#
# </details>
#
# <details><summary>Solution</summary>
#
# Any list of image paths works, a folder of your own photos too (then give
# their folder in `allowed_paths`, so that Gradio serves them). Photos from the
# test set are fair to show: nothing was chosen on them.
#
# ```python
# my_examples = app.pick_examples(split.test, split.class_names, per_class=3)
# page = app.make_app(classifier, my_examples)
# address = app.launch_app(page, inline=False,
#                          allowed_paths={os.path.dirname(p) for p in my_examples})
# print(len(my_examples), "examples, served on", address)
# app.close_app(page)
# ```
#
# </details>

# %% [markdown]
# ### Exercise 2 (think): "not sure"
# Make the page say "not sure" when the most probable class is below a
# confidence you choose (`MIN_CONFIDENCE`). Which photos of the test set fall
# below 0.9? Then give the model a photo that is neither a cat nor a dog (a grey
# square): what does it say, and why can a two-class model never be sure that a
# photo is *neither*?
#
# <details><summary>Hint</summary>
#
# `app.answer_photo(classifier, path, min_confidence=0.9)` returns the page's
# message. With one logit, the two probabilities are `p` and `1 - p`: what is
# the smallest the larger of the two can be?
#
# </details>
#
# <details><summary>Solution</summary>
#
# The larger of `p` and `1 - p` is never below 0.5: a threshold at or under 0.5
# never says "not sure". Above it, "not sure" catches the photos the model finds
# hard (often the mistakes 05 showed). But a grey square, a car or a person
# still gets cats or dogs, often with a high probability: the model was only
# ever asked "cat or dog?", so it has no way to answer "neither", and its
# probability says which of the two the photo is more like, not how much it
# looks like a pet. To say "neither", train a third class (a folder of other
# photos, with 07's N-class recipe), or check separately whether the photo is
# like the training photos at all.
#
# ```python
# threshold = 0.9
# unsure = [p for p in split.test.paths
#           if app.answer_photo(classifier, p, min_confidence=threshold)[2]
#           .startswith("Not sure")]
# print(f"{len(unsure)} of {len(split.test.paths)} test photos below {threshold}")
# grey_path = os.path.join(odd, "grey.png")
# Image.new("RGB", (300, 300), (128, 128, 128)).save(grey_path)
# print("grey square:", app.answer_photo(classifier, grey_path, threshold)[2])
# grey = app.predict_photo(classifier, grey_path)
# assert max(grey["classes"].values()) >= 0.5  # never "neither"
# ```
#
# </details>

# %% [markdown]
# ### Exercise 3 (compare): the TensorFlow Lite export
# A phone would run 05's `cats_vs_dogs.tflite`, not the `.keras` file. Predict
# the test photos with both: do they agree? How long does one photo take with
# each, here?
#
# <details><summary>Hint</summary>
#
# `evaluation.load_tflite(path)` and `evaluation.predict_tflite(interpreter,
# images)` as in 05 (run 05 first if you started here: it writes the export);
# `app.read_photo(path, classifier.image_size)` reads a photo as the page does.
# The export has no augmentation layers, which are off at prediction anyway.
#
# </details>
#
# <details><summary>Solution</summary>
#
# They agree on every photo, to a few decimals of the probability (05 measured
# the same on the whole test set). Per photo, the interpreter is often faster on
# a CPU: it skips Keras' and TensorFlow's bookkeeping. The `.keras` model stays
# the one the page uses here, for Grad-CAM.
#
# ```python
# import time
#
# from helpers import evaluation
#
# interpreter = evaluation.load_tflite(ARTIFACTS_DIR / "cats_vs_dogs.tflite")
# images = np.stack([app.read_photo(p, classifier.image_size)
#                    for p in split.test.paths[:16]])
# start = time.perf_counter()
# lite = evaluation.sigmoid(evaluation.predict_tflite(interpreter, images))
# lite_seconds = (time.perf_counter() - start) / len(images)
# start = time.perf_counter()
# keras_probs = np.array([evaluation.sigmoid(float(
#     classifier.model(image[None], training=False)[0, 0])) for image in images])
# keras_seconds = (time.perf_counter() - start) / len(images)
# print(f"largest difference: {np.abs(lite - keras_probs).max():.2e}")
# print(f"per photo: TFLite {lite_seconds * 1000:.0f} ms, "
#       f"Keras {keras_seconds * 1000:.0f} ms")
# assert ((lite > 0.5) == (keras_probs > 0.5)).all()
# ```
#
# </details>
