"""A fine-tuned model, saved, loads in a fresh Python where this package cannot
be imported: it holds only Keras' own layers."""

from __future__ import annotations

import numpy as np
from synthetic import random_images

from helpers import compat, model_parts

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

    model = model_parts.build_classifier(base, 1)
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

