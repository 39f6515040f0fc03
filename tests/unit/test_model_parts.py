"""helpers/model_parts.py's tools for 06's experiments: a layer drawn afresh,
and the moving statistics of BatchNormalization, which move only while the
layer is trainable (the Keras 3 behaviour 04's freeze relies on)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import model_parts


def test_reset_weights_draws_the_kernel_again_and_zeroes_the_bias():
    import tensorflow as tf

    layer = tf.keras.layers.Dense(3)
    layer.build((None, 4))
    layer.kernel.assign(np.ones((4, 3)))
    layer.bias.assign(np.ones(3))
    tf.keras.utils.set_random_seed(7)
    model_parts.reset_weights(layer)
    first = layer.kernel.numpy()
    assert not np.allclose(first, 1.0) and np.all(layer.bias.numpy() == 0)
    tf.keras.utils.set_random_seed(7)
    model_parts.reset_weights(layer)
    np.testing.assert_array_equal(layer.kernel.numpy(), first)  # same seed, same draw


@pytest.mark.parametrize("trainable", [True, False])
def test_moving_statistics_move_in_fit_only_while_trainable(trainable):
    import tensorflow as tf

    norm = tf.keras.layers.BatchNormalization()
    model = tf.keras.Sequential([tf.keras.Input((5,)), norm, tf.keras.layers.Dense(1)])
    norm.trainable = trainable
    model.compile("sgd", "mse")
    before = model_parts.get_moving_statistics(model.layers)
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 5)).astype("float32")
    model.fit(x, np.zeros(64), batch_size=16, epochs=1, verbose=0)
    drift = model_parts.measure_drift(before, model_parts.get_moving_statistics(
        model.layers))
    assert len(before) == 1
    if trainable:  # moved towards the batches' mean of 3 (momentum 0.99, 4 steps)
        assert 0.05 < drift < 0.5
    else:
        assert drift == 0


def test_drift_is_measured_in_standard_deviations():
    before = [(np.zeros(2), np.array([4.0, 1.0]))]
    after = [(np.array([1.0, 1.0]), np.array([9.0, 9.0]))]
    assert model_parts.measure_drift(before, after) == pytest.approx((0.5 + 1.0) / 2)
