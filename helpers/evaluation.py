"""Evaluation: predictions, errors, your own images, and export (05_evaluation).

The model outputs one logit per image: a positive logit means class 1
(``class_names[1]``), ``sigmoid(logit)`` is the probability of it. A model of
07_your_own_data outputs one logit per class: the largest one is the predicted
class, ``softmax(logits)`` the probabilities.
(Over 250 lines: everything 05 does after evaluating, own images to export, and
Grad-CAM for one logit or N.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from .artifacts import write_atomically
from .checks import IMAGE_EXTENSIONS, convert_to_rgb, describe_irregular


def sigmoid(logits):
    """Probability of class 1 from logits (05_evaluation)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def softmax(logits):
    """Probabilities of each class from a row of logits per image (07)."""
    z = np.asarray(logits, dtype=np.float64)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def predict_logits(model, dataset):
    """(labels, logits, images) for every batch of ``dataset``, in order (05).

    Logits are one number per image for a one-logit model, a row of one per
    class for a model of N classes (07_your_own_data).
    """
    labels, logits, images = [], [], []
    for x, y in dataset:
        out = np.asarray(model(x, training=False))
        logits.append(out.reshape(-1) if out.shape[-1] == 1 else out)
        labels.append(np.asarray(y))
        images.append(np.asarray(x))
    return np.concatenate(labels), np.concatenate(logits), np.concatenate(images)


def confusion_matrix(labels, predictions, n_classes: int = 2) -> np.ndarray:
    """``matrix[true, predicted]`` counts, by ``tf.math.confusion_matrix`` (05)."""
    import tensorflow as tf

    return tf.math.confusion_matrix(
        np.asarray(labels, int), np.asarray(predictions, int), num_classes=n_classes
    ).numpy()


def per_class_metrics(matrix, class_names) -> dict:
    """Precision, recall, F1 and support of each class from a confusion matrix."""
    matrix = np.asarray(matrix, dtype=np.float64)
    out = {}
    for i, name in enumerate(class_names):
        tp = matrix[i, i]
        predicted, actual = matrix[:, i].sum(), matrix[i, :].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        out[name] = {"precision": precision, "recall": recall, "f1": f1,
                     "support": int(actual)}
    return out


def format_metrics(metrics: dict) -> str:
    """``per_class_metrics`` as a small text table."""
    w = max([10, *(len(name) + 1 for name in metrics)])
    lines = [f"{'class':<{w}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, m in metrics.items():
        lines.append(f"{name:<{w}}{m['precision']:>10.3f}{m['recall']:>10.3f}"
                     f"{m['f1']:>10.3f}{m['support']:>10d}")
    return "\n".join(lines)


def rank_confusions(matrix, class_names, top: int = 5) -> list[tuple]:
    """The ``top`` most frequent mistakes of a confusion matrix as
    ``(true class, predicted class, count)``, most frequent first (07)."""
    matrix = np.asarray(matrix)
    pairs = [(int(matrix[i, j]), i, j) for i, j in np.ndindex(matrix.shape)
             if i != j and matrix[i, j] > 0]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return [(class_names[i], class_names[j], n) for n, i, j in pairs[:top]]


def rank_mistakes(labels, probabilities) -> np.ndarray:
    """Indices of misclassified examples, most confident mistakes first (05)."""
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities)
    predicted = (probabilities > 0.5).astype(int)
    wrong = np.flatnonzero(predicted != labels)
    confidence = np.abs(probabilities[wrong] - 0.5)
    return wrong[np.argsort(-confidence, kind="stable")]


def expand_paths(source) -> list[Path]:
    """A path, a list of paths, or a folder (its image files, sorted) as a list.

    In a folder, an image name that is not a regular file (a named pipe, a
    broken link) is listed too, so that its prediction says why it was skipped.
    """
    if isinstance(source, (str, os.PathLike)):
        source = Path(source)
        if source.is_dir():
            return sorted(p for p in source.rglob("*")
                          if not p.is_dir() and p.suffix.lower() in IMAGE_EXTENSIONS)
        return [source]
    return [Path(p) for p in source]


def read_image_file(path, image_size: tuple[int, int]) -> np.ndarray:
    """Any image file (JPEG, PNG, ..., grayscale, RGBA, CMYK, 16-bit) as float32
    RGB in [0, 255], upright as its EXIF says, resized like the training
    pipeline. Raises ``ValueError``; a file that is not a regular file (a named
    pipe would block) is refused without being opened."""
    import tensorflow as tf
    from PIL import Image, ImageOps, UnidentifiedImageError

    irregular = describe_irregular(path)
    if irregular:
        raise ValueError(irregular)
    try:
        with Image.open(path) as im:
            im.load()
            rgb = np.asarray(convert_to_rgb(ImageOps.exif_transpose(im)))
    except UnidentifiedImageError as e:
        raise ValueError("not an image file (or a format Pillow cannot read)") from e
    except Image.DecompressionBombError as e:
        raise ValueError(f"too large to open safely: {e}") from e
    except OSError as e:
        raise ValueError(f"cannot read it: {e}") from e
    return tf.image.resize(rgb, image_size, method="bilinear").numpy()


#: Images run through the model at once by ``predict_files``: memory stays
#: that of one batch however many photos a folder holds.
PREDICT_BATCH = 16


def predict_files(model, source, class_names, image_size=(160, 160),
                  batch_size: int = PREDICT_BATCH) -> list[dict]:
    """Predict your own images (05_evaluation).

    ``source`` is a path, a list of paths or a folder. Returns one dict per file:
    ``path``, ``class``, ``probability`` (of that class) and ``error`` (``None``,
    or why the file was not predicted: the other files are still predicted).
    Images are read and predicted ``batch_size`` at a time, so a folder of a
    few hundred phone photos needs no more memory than a few.
    """
    results, pending = [], []
    for path in expand_paths(source):
        result = {"path": str(path), "class": None, "probability": None,
                  "error": None}
        results.append(result)
        try:
            pending.append((result, read_image_file(path, image_size)))
        except ValueError as e:
            result["error"] = str(e)
        if len(pending) >= batch_size:
            predict_batch(model, pending, class_names)
            pending = []
    if pending:
        predict_batch(model, pending, class_names)
    return results


def predict_batch(model, pending: list, class_names) -> None:
    """Fill in the class and probability of each ``(result, image)`` pair."""
    logits = np.asarray(model(np.stack([image for _, image in pending]),
                              training=False))
    if logits.shape[-1] == 1:  # one logit: the probability of class 1
        p1 = sigmoid(logits.reshape(-1))
        probabilities = np.stack([1 - p1, p1], axis=-1)
    else:  # one logit per class (07_your_own_data)
        probabilities = softmax(logits)
    for (result, _), p in zip(pending, probabilities, strict=True):
        label = int(np.argmax(p))
        result["class"] = class_names[label]
        result["probability"] = float(p[label])


def format_predictions(results: list[dict]) -> str:
    """``predict_files`` results, one line per file (05_evaluation)."""
    lines = []
    for r in results:
        outcome = (f"error: {r['error']}" if r["error"]
                   else f"{r['class']} ({r['probability']:.1%})")
        lines.append(f"{os.path.basename(r['path']):<24} {outcome}")
    return "\n".join(lines)


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """(file name, bytes) of a FileUpload value, ipywidgets 7 (Colab) or 8."""
    if isinstance(value, dict):  # ipywidgets 7: {name: {"content": ...}}
        return [(name, bytes(f["content"])) for name, f in value.items()]
    return [(f["name"], bytes(f["content"])) for f in value]


#: The longest uploaded file name kept, in bytes (file systems allow 255).
MAX_UPLOAD_NAME_BYTES = 200


def make_upload_name(name: str, taken) -> str:
    """A file name for an upload called ``name``: its last part only, never
    empty, short enough for any file system, and not among ``taken`` (a
    second photo of the same name gets ``-1``: nothing is overwritten)."""
    base = os.path.basename(str(name).replace("\\", "/"))
    stem, suffix = os.path.splitext(base)
    if stem in ("", ".", "..") or base in (".", ".."):
        stem, suffix = "upload", suffix if stem not in (".", "..") else ""
    suffix = (suffix if len(suffix.encode()) <= 10 else "") or ".jpg"
    while len(stem.encode()) > MAX_UPLOAD_NAME_BYTES:
        stem = stem[:-1]
    candidate, n = stem + suffix, 0
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def save_uploads(files, folder) -> list[Path]:
    """Write uploaded ``(name, bytes)`` into ``folder``, each atomically under a
    name of its own (``make_upload_name``); return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    taken = {p.name for p in folder.iterdir()}
    paths = []
    for name, content in files:
        path = folder / make_upload_name(name, taken)
        taken.add(path.name)
        write_atomically(path, lambda tmp, c=content: Path(tmp).write_bytes(
            bytes(c)))
        paths.append(path)
    return paths


def describe_uploads(model, class_names, image_size, upload_dir, value) -> str:
    """What the upload picker shows for ``value``: one line per photo, or why
    none could be predicted (never raises for a folder or a model that fails:
    the message must appear under the picker, not in the kernel's log)."""
    files = uploaded_files(value)
    names = ", ".join(name for name, _ in files)
    try:
        paths = save_uploads(files, upload_dir)
    except OSError as e:
        return (f"Could not save {names} in {upload_dir} ({type(e).__name__}: "
                f"{e.strerror or e}): it must be a folder you can write to. Put "
                "the photos in a folder yourself and set OWN_IMAGES to it.")
    try:
        return format_predictions(predict_files(model, paths, class_names,
                                                image_size))
    except Exception as e:  # noqa: BLE001 - shown under the picker, not lost
        return (f"Could not predict {names} ({type(e).__name__}: "
                f"{str(e)[:300]}). They are saved in {upload_dir}: set OWN_IMAGES "
                "to that folder and run the cell that predicts it.")


def make_upload_widget(model, class_names, image_size, upload_dir):
    """A file picker that predicts the photos you choose (05_evaluation).

    Returns an ipywidgets box to display; it never blocks "Run all". Uploaded
    files are written to ``upload_dir`` only (in the artifacts folder), each
    under a name of its own, and the predictions, or what went wrong, appear
    under the picker. Works with ipywidgets 7 (Colab) and 8.
    """
    import ipywidgets as widgets

    upload = widgets.FileUpload(accept="image/*", multiple=True)
    output = widgets.Output()
    if "google.colab" in sys.modules:  # Colab's widgets drop files of 1 MB or more
        with output:
            sys.stdout.write("On Colab, photos over 1 MB may not arrive here: put "
                             "them in the Files panel and set OWN_IMAGES to "
                             "their path instead.\n")

    def on_upload(change):
        text = describe_uploads(model, class_names, image_size, upload_dir,
                                change["new"])
        with output:
            sys.stdout.write(text + "\n")

    upload.observe(on_upload, names="value")
    return widgets.VBox([upload, output])


def make_inference_model(model):
    """The classifier without its augmentation layers, for export (05).

    Shares the trained layers; the augmentation layers are identities at inference
    anyway, and leaving them out keeps random ops out of the exported graph.
    """
    import tensorflow as tf

    inputs = tf.keras.Input(shape=model.input_shape[1:], name="image")
    x = inputs
    for layer in model.layers[1:]:
        if layer.name != "data_augmentation":
            x = layer(x, training=False)
    return tf.keras.Model(inputs, x, name="cats_vs_dogs")


def export_tflite(model, path, quantize: bool = False) -> Path:
    """Convert ``model`` to a TensorFlow Lite file (05_evaluation).

    ``quantize=True`` applies dynamic-range quantization (int8 weights, float
    activations), about 4x smaller.
    """
    import tempfile

    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")  # TF logs "Assets written to: /tmp/..." at INFO
    try:
        with tempfile.TemporaryDirectory() as saved:
            model.export(saved, format="tf_saved_model", verbose=False)
            converter = tf.lite.TFLiteConverter.from_saved_model(saved)
            if quantize:
                converter.optimizations = [tf.lite.Optimize.DEFAULT]
            flatbuffer = converter.convert()
    finally:
        logger.setLevel(level)
    return write_atomically(path, lambda tmp: Path(tmp).write_bytes(flatbuffer))


def load_tflite(path):
    """A TFLite interpreter for ``path``: LiteRT's (``ai-edge-litert``, the standard
    interpreter on devices), or TensorFlow's deprecated one if LiteRT is missing."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    interpreter = Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    return interpreter


def predict_tflite(interpreter, images) -> np.ndarray:
    """Logits from a TFLite interpreter, one image at a time (05_evaluation)."""
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    logits = []
    for image in np.asarray(images, dtype=np.float32):
        interpreter.set_tensor(inp["index"], image[None])
        interpreter.invoke()
        logits.append(float(interpreter.get_tensor(out["index"]).reshape(-1)[0]))
    return np.asarray(logits)


def grad_cam(model, images, class_indices=None) -> np.ndarray:
    """Grad-CAM heatmaps, one per image, in [0, 1] on the base's last feature
    grid (05_evaluation writes it out; 07_your_own_data for N classes).

    The score explained is the logit of ``class_indices`` (default: each
    image's predicted class). With one logit, class 1's score is the logit and
    class 0's is minus the logit. Each feature map of the base's output is
    weighted by the gradient of that score, averaged over the grid; the
    weighted sum, negative values cut off, is scaled to [0, 1].
    """
    import tensorflow as tf

    from .model_parts import find_base_model

    base = find_base_model(model)
    index = model.layers.index(base)
    x = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    for layer in model.layers[1:index]:
        x = layer(x, training=False)
    with tf.GradientTape() as tape:
        features = base(x, training=False)
        tape.watch(features)
        logits = features
        for layer in model.layers[index + 1:]:
            logits = layer(logits, training=False)
        if logits.shape[-1] == 1:
            chosen = (logits[:, 0] > 0 if class_indices is None
                      else tf.constant(np.asarray(class_indices) == 1))
            score = tf.where(chosen, logits[:, 0], -logits[:, 0])
        else:
            chosen = (tf.argmax(logits, axis=-1) if class_indices is None
                      else tf.constant(np.asarray(class_indices, dtype=np.int64)))
            score = tf.gather(logits, chosen, axis=1, batch_dims=1)
    grads = tape.gradient(score, features)
    weights = tf.reduce_mean(grads, axis=(1, 2))
    heatmap = tf.maximum(tf.einsum("bhwc,bc->bhw", features, weights), 0)
    top = tf.reduce_max(heatmap, axis=(1, 2), keepdims=True)
    return tf.math.divide_no_nan(heatmap, top).numpy()


def summarize_spread(values) -> dict:
    """Mean, sample standard deviation, lowest and highest of repeated
    measurements (06's seed study); the deviation is 0.0 for one value."""
    import statistics

    values = [float(v) for v in values]
    return {"mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values), "n": len(values)}


def count_errors_by_threshold(labels, logits, thresholds) -> np.ndarray:
    """For each logit threshold: ``[class 0 called 1, class 1 called 0]`` when
    a logit above the threshold means class 1 (05). Shape ``(len(thresholds), 2)``."""
    labels = np.asarray(labels).reshape(-1, 1)
    above = np.asarray(logits).reshape(-1, 1) > np.asarray(thresholds).reshape(1, -1)
    return np.stack([(above & (labels == 0)).sum(axis=0),
                     (~above & (labels == 1)).sum(axis=0)], axis=1)


def choose_threshold(labels, logits) -> float:
    """The logit threshold with the fewest errors on ``labels``/``logits`` (05:
    the validation images, never the test images). Candidates are 0 and the
    midpoints between neighbouring logits; of equally good ones, the nearest to 0."""
    values = np.unique(np.asarray(logits, dtype="float64"))
    candidates = np.concatenate([[0.0], (values[:-1] + values[1:]) / 2])
    errors = count_errors_by_threshold(labels, logits, candidates).sum(axis=1)
    best = candidates[errors == errors.min()]
    return float(best[np.argmin(np.abs(best))])
