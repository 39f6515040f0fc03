"""The model pieces: BatchNormalization kept in inference mode, variable counts,
saved models that load without this package, the fast path."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import compat, fast, model_parts


@pytest.fixture
def base(weights_file):
    """A fresh base per test: tests that unfreeze layers cannot leak into others."""
    import tensorflow as tf

    return tf.keras.applications.MobileNetV2(
        input_shape=(160, 160, 3), include_top=False, weights=str(weights_file)
    )


def images(n=4, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, 160, 160, 3)).astype(
        "float32")


def build(base):
    import tensorflow as tf

    inputs = tf.keras.Input((160, 160, 3))
    x = model_parts.make_rescaling()(model_parts.make_augmentation()(inputs))
    x = base(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    return tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))


def test_tutorial_counts_and_batchnorm_stays_in_inference_mode(base, tmp_path):
    import tensorflow as tf

    from helpers import artifacts

    base.trainable = False
    model = build(base)
    assert len(base.layers) == 154
    assert len(model.trainable_variables) == 2
    assert model_parts.count_params(model.trainable_variables) == 1281
    artifacts.save_model(model, tmp_path / "m.keras")
    loaded = artifacts.load_model(tmp_path / "m.keras", "03")
    np.testing.assert_allclose(loaded(images()), model(images()), atol=1e-5)

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
    loaded.fit(images(8), np.array([0, 1] * 4), epochs=1, verbose=0)
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
    model.fit(images(8) / 127.5 - 1, np.array([0, 1] * 4), epochs=1, verbose=0)
    changed = not np.array_equal(bn.moving_mean.numpy(), before)
    bn.moving_mean.assign(before)
    base.trainable = False
    assert changed


def test_cached_features_equal_the_base_output(base):
    import tensorflow as tf

    extractor = tf.keras.Sequential(
        [model_parts.make_rescaling(), base,
         tf.keras.layers.GlobalAveragePooling2D()]
    )
    x = images(6)
    ds = tf.data.Dataset.from_tensor_slices((x, np.arange(6))).batch(4)
    (features,), labels = fast.extract_outputs(extractor, ds)
    expected = tf.reduce_mean(base(x / 127.5 - 1, training=False), axis=(1, 2))
    assert features.shape == (6, 1280) and features.dtype == np.float16
    np.testing.assert_allclose(features, expected, rtol=1e-2, atol=1e-2)
    assert labels.tolist() == list(range(6))


@pytest.mark.parametrize("cut", [100, 30, 150])
def test_split_model_reproduces_the_base(base, cut):
    bottom, top = fast.split_model_at(base, cut)
    x = images(3) / 127.5 - 1
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


LOAD_ELSEWHERE = """
import sys, json
import numpy as np
sys.path = [p for p in sys.path if p not in ({root!r}, '')]
# An editable install of this project adds a finder; a user's machine has none.
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f)]
for name in [m for m in sys.modules if "editable" in m]:
    del sys.modules[name]
try:
    import helpers  # noqa: F401
    print(json.dumps({{"error": "helpers importable"}}))
    sys.exit(1)
except ImportError:
    pass
import keras
model = keras.models.load_model({path!r})
x = np.load({inputs!r})
print(json.dumps(np.asarray(model(x, training=False)).reshape(-1).tolist()))
"""


def test_fine_tuned_model_loads_where_helpers_is_not_importable(base, tmp_path):
    """04's recipe (unfreeze from 100, BatchNormalization frozen), saved; a fresh
    Python without this package loads it and predicts the same."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    import tensorflow as tf

    from helpers import artifacts

    model = build(base)
    base.trainable = True
    for layer in base.layers[:100]:
        layer.trainable = False
    compat.freeze_batch_norm(base)
    model.compile(optimizer=tf.keras.optimizers.RMSprop(1e-5),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(images(8), np.array([0, 1] * 4), epochs=1, verbose=0)
    path = artifacts.save_model(model, tmp_path / "model.keras")
    x = images(3, seed=5)
    np.save(tmp_path / "x.npy", x)
    root = str(Path(__file__).resolve().parents[1])
    script = LOAD_ELSEWHERE.format(root=root, path=str(path),
                                   inputs=str(tmp_path / "x.npy"))
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    done = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    elsewhere = json.loads(done.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(elsewhere, np.asarray(model(x)).reshape(-1),
                               atol=1e-5)
    base.trainable = False
