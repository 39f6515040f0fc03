"""helpers/model_parts.py and compat.freeze_batch_norm: the model around
MobileNetV2 has the tutorial's variable counts, its BatchNormalization stays in
inference mode when fine-tuned (and why it must be frozen on Keras 3), and a
saved fine-tuned model loads where this package is not importable."""

from __future__ import annotations

import numpy as np
from synthetic import random_images

from helpers import compat, model_parts


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
    model.fit(random_images(8), np.array([0, 1] * 4), epochs=1, verbose=0)
    path = artifacts.save_model(model, tmp_path / "model.keras")
    x = random_images(3, seed=5)
    np.save(tmp_path / "x.npy", x)
    root = str(Path(__file__).resolve().parents[2])
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
