"""helpers/model_parts.py and compat.freeze_batch_norm: the model around
MobileNetV2 has the tutorial's variable counts, its BatchNormalization stays in
inference mode when fine-tuned (and why it must be frozen on Keras 3), and a
saved fine-tuned model loads where this package is not importable."""

from __future__ import annotations

import numpy as np
from synthetic import random_images

from helpers import compat, model_parts


def test_tutorial_counts_and_batchnorm_stays_in_inference_mode(base, tmp_path):
    import tensorflow as tf

    from helpers import artifacts

    base.trainable = False
    model = model_parts.build_classifier(base, 1)
    assert len(base.layers) == 154
    assert len(model.trainable_variables) == 2
    assert model_parts.count_params(model.trainable_variables) == 1281
    artifacts.save_model(model, tmp_path / "m.keras")
    loaded = artifacts.load_model(tmp_path / "m.keras", "03")
    np.testing.assert_allclose(loaded(random_images()), model(random_images()),
                               atol=1e-5)

    loaded_base = model_parts.find_base_model(loaded)
    loaded_base.trainable = True
    for layer in loaded_base.layers[:100]:
        layer.trainable = False
    assert len(loaded.trainable_variables) == 56  # the tutorial's count (Keras 2)
    assert compat.freeze_batch_norm(loaded) == 52  # every BatchNormalization
    assert len(loaded.trainable_variables) == 20  # 18 kernels above 100 + head
    bn = loaded_base.get_layer("block_16_project_BN")
    before = bn.moving_mean.numpy()
    beta = bn.beta.numpy()
    loaded.compile(optimizer=tf.keras.optimizers.SGD(0.1),
                   loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    loaded.fit(random_images(8), np.array([0, 1] * 4), epochs=1, verbose=0)
    assert np.array_equal(bn.moving_mean.numpy(), before)  # inference mode kept
    assert np.array_equal(bn.beta.numpy(), beta)  # frozen: no scale/offset update
    conv = loaded_base.get_layer("block_16_project")
    assert conv.trainable and len(conv.trainable_variables) == 1
    base.trainable = False


def test_plain_call_with_training_false_is_overridden_by_keras3_fit(base):
    """Why 04 freezes BatchNormalization (compat.freeze_batch_norm): if Keras
    ever honours training=False inside fit again, this test fails, and the
    tutorial's call alone is enough again."""
    import tensorflow as tf

    inputs = tf.keras.Input((160, 160, 3))
    x = base(inputs, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))
    base.trainable = True
    bn = base.get_layer("block_16_project_BN")
    before = bn.moving_mean.numpy()
    model.compile(optimizer="sgd",
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(random_images(8) / 127.5 - 1, np.array([0, 1] * 4), epochs=1, verbose=0)
    changed = not np.array_equal(bn.moving_mean.numpy(), before)
    bn.moving_mean.assign(before)
    base.trainable = False
    assert changed




