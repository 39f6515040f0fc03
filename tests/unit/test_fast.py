"""helpers/fast.py, 06_going_faster's path: features cached once equal the
base's output, a base split at a layer reproduces it (with the residual that
crosses the cut), and a dataset of cached outputs batches and casts."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic import random_images

from helpers import fast, model_parts


def test_cached_features_equal_the_base_output(base):
    import tensorflow as tf

    extractor = tf.keras.Sequential(
        [model_parts.make_rescaling(), base,
         tf.keras.layers.GlobalAveragePooling2D()]
    )
    x = random_images(6)
    ds = tf.data.Dataset.from_tensor_slices((x, np.arange(6))).batch(4)
    (features,), labels = fast.extract_outputs(extractor, ds)
    expected = tf.reduce_mean(base(x / 127.5 - 1, training=False), axis=(1, 2))
    assert features.shape == (6, 1280) and features.dtype == np.float16
    np.testing.assert_allclose(features, expected, rtol=1e-2, atol=1e-2)
    assert labels.tolist() == list(range(6))


@pytest.mark.parametrize("cut", [100, 30, 150])
def test_split_model_reproduces_the_base(base, cut):
    bottom, top = fast.split_model_at(base, cut)
    x = random_images(3) / 127.5 - 1
    np.testing.assert_allclose(top(bottom(x)), base(x, training=False), atol=1e-4)
    assert {id(v) for v in top.weights} <= {id(v) for v in base.weights}


def test_split_at_fine_tune_at_needs_the_residual(base):
    bottom, top = fast.split_model_at(base, 100)
    assert [tuple(t.shape[1:]) for t in bottom.outputs] == [(10, 10, 576),
                                                          (10, 10, 96)]
    base.trainable = True
    for layer in base.layers[:100]:
        layer.trainable = False
    assert len(top.trainable_variables) == 54  # the tutorial's 56 minus the head
    base.trainable = False


def test_cached_dataset_batches_and_casts():
    outputs = [np.ones((10, 2), np.float16), np.zeros((10, 3), np.float16)]
    ds = fast.make_cached_dataset(outputs, np.arange(10), 4)
    (a, b), y = next(iter(ds))
    assert a.shape == (4, 2) and b.shape == (4, 3) and a.dtype.name == "float32"
    assert sum(int(y.shape[0]) for _, y in ds) == 10
