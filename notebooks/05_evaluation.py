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
# # 5. Evaluation, and using the model
#
# The test set was set aside in notebook 01 and never used for training or for
# choosing anything, so it gives an honest estimate of how the model does on new
# photos. We measure it, look at what the model gets wrong, try it on our own
# images, export it for phones, and look at *where* it looks with Grad-CAM.

# %% [markdown]
# ## Setup

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info logs
import shutil
import sys

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from PIL import Image

from helpers import artifacts, assets, data, evaluation, plots, session

session.setup_notebook()

# %% tags=["parameters"]
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
TEST_FRACTION = 0.2
SEED = 123
OWN_IMAGES = None  # a path, or a folder, of your own photos to classify
ARTIFACTS_DIR = artifacts.get_artifacts_dir(
    os.environ.get("TL_ARTIFACTS_DIR", "../artifacts")
)

# %% [markdown]
# The fine-tuned model from [04_fine_tuning](04_fine_tuning.ipynb) and the test set
# from [01_data](01_data.ipynb).

# %%
model = artifacts.load_model(ARTIFACTS_DIR / "fine_tuned.keras", "04_fine_tuning")
data_dir = assets.get_dataset_dir()
splits = data.prepare_splits(data_dir, ARTIFACTS_DIR, BATCH_SIZE, TEST_FRACTION, SEED)
class_names = splits["train"].class_names
test_dataset = data.make_dataset(splits["test"], IMG_SIZE, BATCH_SIZE)
validation_dataset = data.make_dataset(splits["validation"], IMG_SIZE, BATCH_SIZE)

# %% [markdown]
# ## Test accuracy

# %%
test_loss, test_accuracy = model.evaluate(test_dataset, verbose=0)
print(f"Test loss: {test_loss:.4f}")
print(f"Test accuracy: {test_accuracy:.4f}")

# %% [markdown]
# ## Predictions on one batch
# The model outputs logits. The sigmoid turns a logit into the probability of
# class 1 (dogs); above 0.5 means dog. (Equivalently: a logit above 0.)

# %%
image_batch, label_batch = next(iter(test_dataset))
logits = model.predict_on_batch(image_batch).flatten()
probabilities = tf.nn.sigmoid(logits).numpy()
predictions = (probabilities > 0.5).astype(int)
assert np.array_equal(predictions, (logits > 0).astype(int))
print("Predictions:\n", predictions)
print("Labels:\n", label_batch.numpy())

# %% [markdown]
# The first nine test images, titled with the predicted class.

# %%
fig = plots.show_images(image_batch[:9], [class_names[p] for p in predictions[:9]])
plt.show()

# %% [markdown]
# ## Where does it go wrong?
# Beyond the tutorial. The *confusion matrix* counts, for each true class, how
# often each class was predicted. *Precision* of a class: of the images predicted
# as that class, the share that are. *Recall*: of the images of that class, the
# share found. *F1* combines both.

# %%
labels, logits, images = evaluation.predict_logits(model, test_dataset)
probabilities = evaluation.sigmoid(logits)
predicted = (probabilities > 0.5).astype(int)
matrix = evaluation.confusion_matrix(labels, predicted, len(class_names))
assert matrix.sum() == len(splits["test"])
assert np.trace(matrix) / matrix.sum() == np.mean(predicted == labels)
fig = plots.plot_confusion_matrix(matrix, class_names, "Test set")
plt.show()
print(evaluation.format_metrics(evaluation.per_class_metrics(matrix, class_names)))

# %% [markdown]
# The same on the whole validation folder (validation and test together, 1,000
# images on the real data): more images, so a steadier estimate, but validation
# images were watched while training, so it is slightly optimistic.

# %%
val_labels, val_logits, _ = evaluation.predict_logits(model, validation_dataset)
all_labels = np.concatenate([labels, val_labels])
all_predicted = (np.concatenate([logits, val_logits]) > 0).astype(int)
full_matrix = evaluation.confusion_matrix(all_labels, all_predicted, len(class_names))
fig = plots.plot_confusion_matrix(full_matrix, class_names, "Whole validation folder")
plt.show()
print(evaluation.format_metrics(evaluation.per_class_metrics(full_matrix, class_names)))

# %% [markdown]
# ## The mistakes, most confident first
# Each title: true class, predicted class, and the model's confidence in its
# (wrong) prediction. Look for patterns: several animals, odd crops, drawings.

# %%
mistakes = evaluation.rank_mistakes(labels, probabilities)
print(f"{len(mistakes)} of {len(labels)} test images misclassified")
titles = [
    f"true {class_names[labels[i]]}, said {class_names[predicted[i]]}\n"
    f"confidence {max(probabilities[i], 1 - probabilities[i]):.0%}"
    for i in mistakes[:9]
]
if len(mistakes):
    fig = plots.show_images(images[mistakes[:9]], titles)
    plt.show()

# %% [markdown]
# ## Your own images
# `predict_files` takes a file, a list of files or a folder (JPEG, PNG, grayscale,
# RGBA, any size) and returns a class and a probability per file. A file that is
# not an image gets an error of its own; the others are still predicted. Here a
# small demo folder: two test images, a grayscale PNG copy, and a text file
# pretending to be a JPEG. Set `OWN_IMAGES` to your own path to try yours.

# %%
demo_dir = ARTIFACTS_DIR / "own_images_demo"
shutil.rmtree(demo_dir, ignore_errors=True)
demo_dir.mkdir()
for path in splits["test"].paths[:2]:
    shutil.copy(path, demo_dir / os.path.basename(path))
with Image.open(splits["test"].paths[2]) as photo:
    photo.convert("L").save(demo_dir / "grayscale.png")
(demo_dir / "not_a_photo.jpg").write_text("this is text, not an image")

for result in evaluation.predict_files(model, OWN_IMAGES or demo_dir, class_names,
                                       IMG_SIZE):
    name = os.path.basename(result["path"])
    if result["error"]:
        print(f"{name:<22} error: {result['error']}")
    else:
        print(f"{name:<22} {result['class']} ({result['probability']:.1%})")

# %% [markdown]
# Upload photos: in JupyterLab a file picker appears below; on Colab the browser's
# upload dialog opens. Predictions print under the picker.

# %%
upload_dir = ARTIFACTS_DIR / "uploads"


def predict_uploads(named_bytes):
    upload_dir.mkdir(exist_ok=True)
    paths = []
    for name, content in named_bytes:
        path = upload_dir / os.path.basename(name)
        path.write_bytes(content)
        paths.append(path)
    for r in evaluation.predict_files(model, paths, class_names, IMG_SIZE):
        outcome = r["error"] or f"{r['class']} ({r['probability']:.1%})"
        print(f"{os.path.basename(r['path'])}: {outcome}")


if "google.colab" in sys.modules:
    from google.colab import files

    predict_uploads(files.upload().items())
else:
    import ipywidgets as widgets
    from IPython.display import display

    upload = widgets.FileUpload(accept="image/*", multiple=True)
    output = widgets.Output()

    def on_upload(change):
        with output:
            predict_uploads((f["name"], bytes(f["content"])) for f in change["new"])

    upload.observe(on_upload, names="value")
    display(upload, output)

# %% [markdown]
# ## Ship it: `.keras` and TensorFlow Lite
# The native `.keras` file reloads anywhere Keras runs. For a phone, TensorFlow
# Lite: a float32 conversion, and a *dynamic-range quantized* one that stores
# weights as 8-bit integers (about 4x smaller). The export drops the augmentation
# layers, which do nothing at prediction time anyway. We compare both with the
# Keras model on the test set: how often they predict the same class, and the
# largest difference in probability.

# %%
keras_path = ARTIFACTS_DIR / "cats_vs_dogs.keras"
inference_model = evaluation.make_inference_model(model)
artifacts.save_model(inference_model, keras_path)
reloaded = tf.keras.models.load_model(keras_path)
keras_probs = evaluation.sigmoid(reloaded.predict(images, verbose=0).flatten())
assert np.allclose(keras_probs, probabilities, atol=1e-5)

rows = [("Keras (.keras)", keras_path, keras_probs)]
for label, quantize in (("TFLite float32", False), ("TFLite dynamic-range", True)):
    suffix = "_quant" if quantize else ""
    path = evaluation.export_tflite(
        inference_model, ARTIFACTS_DIR / f"cats_vs_dogs{suffix}.tflite", quantize
    )
    interpreter = evaluation.load_tflite(path)
    probs = evaluation.sigmoid(evaluation.predict_tflite(interpreter, images))
    rows.append((label, path, probs))

print(f"{'format':<22}{'size (MB)':>10}{'same class':>12}{'max |dp|':>10}")
for label, path, probs in rows:
    same = np.mean((probs > 0.5) == (keras_probs > 0.5))
    print(f"{label:<22}{path.stat().st_size / 1e6:>10.2f}{same:>12.1%}"
          f"{np.abs(probs - keras_probs).max():>10.4f}")

# %% [markdown]
# ## What does the model look at? Grad-CAM
# Grad-CAM asks: which parts of the last convolutional feature grid (5x5 here)
# most increase the score of the predicted class? It weights each of the 1280
# feature maps by the gradient of that score and sums them. Red areas carried the
# decision. On a correct "dog" you want to see the dog, not the sofa; a mistake
# often lights up the wrong thing.

# %%
correct = np.flatnonzero(predicted == labels)[:3]
chosen = np.concatenate([correct, mistakes[:3]]).astype(int)
heatmaps = evaluation.compute_gradcam(model, images[chosen])
verdicts = ["ok" if predicted[i] == labels[i] else "WRONG" for i in chosen]
titles = [f"{v}: said {class_names[predicted[i]]}" for v, i in zip(verdicts, chosen)]
fig = plots.show_heatmaps(images[chosen], heatmaps, titles)
plt.show()

# %% [markdown]
# Numbers the reproduce script collects.

# %%
results_path = artifacts.save_json(
    {
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "test_confusion_matrix": matrix,
        "validation_folder_confusion_matrix": full_matrix,
        "tflite": {
            label: {"bytes": path.stat().st_size,
                    "agreement": float(np.mean((p > 0.5) == (keras_probs > 0.5)))}
            for label, path, p in rows
        },
    },
    ARTIFACTS_DIR / "evaluation_results.json",
)
print("saved", results_path.name)

# %% [markdown]
# ## Exercises
# 1. Look at the most confident mistakes. Would a human get them right?
# 2. Change the 0.5 threshold to 0.9 for "dog". How do precision and recall of
#    the dog class change?
