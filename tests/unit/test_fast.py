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


def separable_features(n=256, dim=8, seed=0):
    """Features whose first value decides the label: a head can learn them."""
    import tensorflow as tf

    x = np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n, seed=1).batch(32)


def test_keras_logs_the_epochs_running_mean_not_the_batch_loss():
    # Why fast.range_test is written by hand: after each batch, fit reports the
    # mean loss of the epoch so far. Two batches, a fixed model (learning rate
    # 0): the second batch's loss is 2.127, fit reports the mean, 1.127.
    import tensorflow as tf

    bias = tf.keras.initializers.Constant(2.0)
    model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(
        1, kernel_initializer="zeros", bias_initializer=bias)])
    model.compile(tf.keras.optimizers.SGD(0.0),
                  tf.keras.losses.BinaryCrossentropy(from_logits=True))
    logged = []
    record = tf.keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: logged.append(float(logs["loss"])))
    x = np.zeros((8, 1), "float32")
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0], "float32")
    model.fit(x, y, batch_size=4, shuffle=False, verbose=0, callbacks=[record])
    first, second = np.log1p(np.exp(-2.0)), np.log1p(np.exp(2.0))
    np.testing.assert_allclose(logged, [first, (first + second) / 2], rtol=1e-4)


def test_the_range_test_finds_where_the_loss_falls_and_stops_when_it_blows_up():
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    inputs = tf.keras.Input((8,))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(inputs))
    rates = np.geomspace(1e-5, 1e3, 300)
    losses = fast.range_test(model, tf.keras.optimizers.Adam(),
                             tf.keras.losses.BinaryCrossentropy(from_logits=True),
                             separable_features(), rates)
    assert 20 < len(losses) < len(rates)  # it stopped once the loss blew up
    assert losses[-1] > 4 * min(losses)
    assert min(losses) < 0.5 * losses[0]
    # tiny rates: flat (each run of 8 steps is one pass over the 8 batches)
    assert abs(np.mean(losses[8:16]) - np.mean(losses[:8])) < 0.05 * np.mean(losses[:8])
    suggested = fast.suggest_learning_rate(rates, losses)
    lowest = rates[int(np.argmin(losses))]
    assert rates[0] < suggested < lowest


def test_the_suggested_rate_is_a_tenth_of_the_lowest_smoothed_loss():
    rates = np.geomspace(1e-6, 1.0, 7)
    losses = [1.0, 0.9, 0.5, 0.2, 0.3, 2.0, 9.0]
    assert fast.suggest_learning_rate(rates, losses, smoothing=0.0) == pytest.approx(
        rates[3] / 10)
    # smoothed, the lowest point comes a step later: a noisy dip is not chosen
    assert fast.suggest_learning_rate(rates, losses) == pytest.approx(rates[4] / 10)
