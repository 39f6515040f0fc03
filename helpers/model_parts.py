"""The model pieces: augmentation, rescaling, and finding the base in a model.

Taught in 02_augmentation (augmentation, rescaling) and 03_feature_extraction
(the classifier around MobileNetV2); 03 builds the model itself, in full.
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
