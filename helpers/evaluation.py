"""Evaluation stage: predictions, errors, own images, export and Grad-CAM.

Taught in 05_evaluation. The model outputs one logit per image: a positive logit
means class 1 (``class_names[1]``), ``sigmoid(logit)`` is the probability of it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .data import IMAGE_EXTENSIONS


def sigmoid(logits):
    """Probability of class 1 from logits (05_evaluation)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def predict_logits(model, dataset):
    """(labels, logits, images) for every batch of ``dataset``, in order (05)."""
    labels, logits, images = [], [], []
    for x, y in dataset:
        logits.append(np.asarray(model(x, training=False)).reshape(-1))
        labels.append(np.asarray(y))
        images.append(np.asarray(x))
    return np.concatenate(labels), np.concatenate(logits), np.concatenate(images)


def confusion_matrix(labels, predictions, n_classes: int = 2) -> np.ndarray:
    """``matrix[true, predicted]`` counts (05_evaluation)."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels, int), np.asarray(predictions, int)), 1)
    return matrix


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
    lines = [f"{'class':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, m in metrics.items():
        lines.append(f"{name:<10}{m['precision']:>10.3f}{m['recall']:>10.3f}"
                     f"{m['f1']:>10.3f}{m['support']:>10d}")
    return "\n".join(lines)


def rank_mistakes(labels, probabilities) -> np.ndarray:
    """Indices of misclassified examples, most confident mistakes first (05)."""
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities)
    predicted = (probabilities > 0.5).astype(int)
    wrong = np.flatnonzero(predicted != labels)
    confidence = np.abs(probabilities[wrong] - 0.5)
    return wrong[np.argsort(-confidence, kind="stable")]


def expand_paths(source) -> list[Path]:
    """A path, a list of paths, or a folder (its image files, sorted) as a list."""
    if isinstance(source, (str, os.PathLike)):
        source = Path(source)
        if source.is_dir():
            return sorted(p for p in source.rglob("*")
                          if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
        return [source]
    return [Path(p) for p in source]


def read_image_file(path, image_size: tuple[int, int]) -> np.ndarray:
    """Any image file (JPEG, PNG, ..., grayscale, RGBA, CMYK) as float32 RGB in
    [0, 255], resized like the training pipeline. Raises ``ValueError``."""
    import tensorflow as tf
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.load()
            rgb = np.asarray(im.convert("RGB"))
    except UnidentifiedImageError as e:
        raise ValueError("not an image file (or a format Pillow cannot read)") from e
    except Image.DecompressionBombError as e:
        raise ValueError(f"too large to open safely: {e}") from e
    except OSError as e:
        raise ValueError(f"cannot read it: {e}") from e
    return tf.image.resize(rgb, image_size, method="bilinear").numpy()


def predict_files(model, source, class_names, image_size=(160, 160)) -> list[dict]:
    """Predict your own images (05_evaluation).

    ``source`` is a path, a list of paths or a folder. Returns one dict per file:
    ``path``, ``class``, ``probability`` (of that class) and ``error`` (``None``,
    or why the file was not predicted: the other files are still predicted).
    """
    results, images = [], []
    for path in expand_paths(source):
        try:
            images.append(read_image_file(path, image_size))
            results.append({"path": str(path), "class": None, "probability": None,
                            "error": None})
        except ValueError as e:
            results.append({"path": str(path), "class": None, "probability": None,
                            "error": str(e)})
    if images:
        logits = np.asarray(model(np.stack(images), training=False)).reshape(-1)
        ok = [r for r in results if r["error"] is None]
        for result, p in zip(ok, sigmoid(logits)):
            label = int(p > 0.5)
            result["class"] = class_names[label]
            result["probability"] = float(p if label else 1 - p)
    return results


def find_base_model(model):
    """The nested MobileNetV2 inside the classifier (04, 05)."""
    for layer in model.layers:
        layer = getattr(layer, "layer", layer)  # inside an InferenceMode wrapper
        if hasattr(layer, "layers") and layer.name.startswith("mobilenetv2"):
            return layer
    raise ValueError("the model holds no nested MobileNetV2 base")


def make_inference_model(model):
    """The classifier without its augmentation layers, for export (05).

    Shares the trained layers; the augmentation layers are identities at inference
    anyway, and leaving them out keeps random ops out of the exported graph.
    """
    import tensorflow as tf

    from .compat import register_custom_layers

    inputs = tf.keras.Input(shape=model.input_shape[1:], name="image")
    x = inputs
    wrapper = register_custom_layers()
    for layer in model.layers[1:]:
        if layer.name == "data_augmentation":
            continue
        if isinstance(layer, wrapper):  # plain base: loadable without helpers
            layer = layer.layer
        x = layer(x, training=False)
    return tf.keras.Model(inputs, x, name="cats_vs_dogs")


def export_tflite(model, path, quantize: bool = False) -> Path:
    """Convert ``model`` to a TensorFlow Lite file (05_evaluation).

    ``quantize=True`` applies dynamic-range quantization (int8 weights, float
    activations), about 4x smaller.
    """
    import tempfile

    import tensorflow as tf

    from .artifacts import replace_atomically

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
    return replace_atomically(path, lambda tmp: Path(tmp).write_bytes(flatbuffer))


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


def compute_gradcam(model, images) -> np.ndarray:
    """Grad-CAM heatmaps in [0, 1], one per image, of the images' size (05).

    Gradients of the predicted class's score (the logit for class 1, minus the
    logit for class 0) with respect to the base's last convolutional block
    (``out_relu``, 5x5x1280 at 160 px) weight its feature maps; their positive sum,
    upsampled, shows where the evidence for the prediction lies.
    """
    import tensorflow as tf

    base = find_base_model(model)
    index = next(i for i, layer in enumerate(model.layers)
                 if getattr(layer, "layer", layer) is base)
    x = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    for layer in model.layers[1:index]:
        x = layer(x, training=False)
    with tf.GradientTape() as tape:
        feature_maps = base(x, training=False)
        tape.watch(feature_maps)
        y = feature_maps
        for layer in model.layers[index + 1:]:
            y = layer(y, training=False)
        logits = tf.reshape(y, [-1])
        score = tf.where(logits > 0, logits, -logits)
    grads = tape.gradient(score, feature_maps)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(weights * feature_maps, axis=-1))[..., None]
    cam = tf.image.resize(cam, tf.shape(x)[1:3], method="bilinear")[..., 0]
    peak = tf.reduce_max(cam, axis=(1, 2), keepdims=True)
    return np.asarray(tf.math.divide_no_nan(cam, peak))
