"""The model pieces: augmentation, rescaling, and finding the base in a model.

Taught in 02_augmentation (augmentation, rescaling) and 03_feature_extraction
(the classifier around MobileNetV2); 03 builds the model itself, in full.
07_your_own_data builds it with one logit per class, and compiles it for them.
"""

from __future__ import annotations

import math


def make_augmentation(rotation: float = 0.2, seed: int | None = None):
    """The tutorial's augmentation: ``RandomFlip('horizontal')`` then
    ``RandomRotation(rotation)`` (02_augmentation).

    The layers only act when called with ``training=True`` (inside ``fit``); at
    evaluation and prediction time they pass images through unchanged.
    """
    import tensorflow as tf

    return tf.keras.Sequential(
        [
            tf.keras.layers.RandomFlip("horizontal", seed=seed),
            tf.keras.layers.RandomRotation(rotation, seed=seed),
        ],
        name="data_augmentation",
    )


def make_rescaling():
    """``Rescaling`` from [0, 255] to [-1, 1], what MobileNetV2 expects
    (02_augmentation).

    The same arithmetic as ``tf.keras.applications.mobilenet_v2.preprocess_input``
    (``x / 127.5 - 1``), as a layer that saves and loads with the model.
    """
    import tensorflow as tf

    return tf.keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescaling")


def find_base_model(model):
    """The nested MobileNetV2 inside the classifier (04, 05)."""
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.name.startswith("mobilenetv2"):
            return layer
    raise ValueError("the model holds no nested MobileNetV2 base")


def count_params(variables) -> int:
    """Total number of values in a list of variables (03, 04)."""
    return int(sum(math.prod(v.shape) for v in variables))


def find_block_start(model, prefix: str) -> int:
    """The index of the first layer of ``model`` whose name starts with
    ``prefix``: where a block begins, a place to cut for fine-tuning
    (07_your_own_data). ``ValueError`` if no layer's name does."""
    for index, layer in enumerate(model.layers):
        if layer.name.startswith(prefix):
            return index
    raise ValueError(f"{model.name} has no layer whose name starts with {prefix!r}")


def build_classifier(base_model, n_classes: int, dropout: float = 0.2,
                     augmentation=None, rescaling=None):
    """03's classifier around ``base_model`` with a head of ``n_classes``
    logits, one per class (07_your_own_data builds it in full).

    Inputs in [0, 255]; ``augmentation`` and ``rescaling`` default to
    ``make_augmentation()`` and ``make_rescaling()``. The base runs with
    ``training=False``. ``n_classes=1`` gives the binary notebooks' one logit.
    """
    import tensorflow as tf

    if n_classes < 1:
        raise ValueError(f"n_classes must be 1 (one logit) or more, not {n_classes}")
    inputs = tf.keras.Input(shape=base_model.input_shape[1:])
    x = (augmentation or make_augmentation())(inputs)
    x = (rescaling or make_rescaling())(x)
    x = base_model(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(dropout)(x)
    outputs = tf.keras.layers.Dense(n_classes)(x)
    return tf.keras.Model(inputs, outputs)


def compile_for_logits(model, optimizer) -> None:
    """Compile ``model`` with the loss and accuracy that read its logits
    (03 for one logit, 07_your_own_data for one per class).

    One output: ``BinaryCrossentropy(from_logits=True)`` and ``BinaryAccuracy``
    thresholded at logit 0. N outputs: ``SparseCategoricalCrossentropy(
    from_logits=True)`` and ``SparseCategoricalAccuracy`` (the class of the
    largest logit, the same as of the largest probability). Labels are class
    indices either way; the metric is named ``accuracy``.
    """
    import tensorflow as tf

    if model.output_shape[-1] == 1:
        loss = tf.keras.losses.BinaryCrossentropy(from_logits=True)
        accuracy = tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")
    else:
        loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    model.compile(optimizer=optimizer, loss=loss, metrics=[accuracy])


def reset_weights(layer) -> None:
    """Draw ``layer``'s kernel and bias afresh from its initializers, as when it
    was built (06's seed study: a new head for each seed)."""
    for name in ("kernel", "bias"):
        variable = getattr(layer, name, None)
        if variable is not None:
            initializer = getattr(layer, f"{name}_initializer")
            variable.assign(initializer(variable.shape, variable.dtype))


def get_moving_statistics(layers) -> list:
    """``(moving mean, moving variance)`` of each BatchNormalization layer among
    ``layers`` (06)."""
    import tensorflow as tf

    return [(layer.moving_mean.numpy(), layer.moving_variance.numpy())
            for layer in layers
            if isinstance(layer, tf.keras.layers.BatchNormalization)]


def measure_drift(before, after) -> float:
    """How far the moving means moved between two ``get_moving_statistics``:
    the mean over all channels of the change, in standard deviations as they
    were before (0.1: a tenth of one) (06)."""
    import numpy as np

    changes = [np.abs(mean_after - mean) / np.sqrt(variance)
               for (mean, variance), (mean_after, _) in zip(before, after)]
    return float(np.concatenate(changes).mean())
