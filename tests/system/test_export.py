"""05's export: a TensorFlow Lite conversion (float32 and dynamic-range) agrees
with the Keras model."""

from __future__ import annotations

import numpy as np

from helpers import evaluation


def test_tflite_export_agrees_with_keras(tiny_model, tmp_path):
    x = np.random.default_rng(0).uniform(0, 255, (6, 160, 160, 3)).astype("float32")
    inference = evaluation.make_inference_model(tiny_model)
    keras_logits = np.asarray(inference(x)).reshape(-1)
    np.testing.assert_allclose(keras_logits, np.asarray(tiny_model(x)).reshape(-1),
                               atol=1e-5)
    for quantize, tol in ((False, 1e-3), (True, 0.15)):
        path = evaluation.export_tflite(inference, tmp_path / f"m{quantize}.tflite",
                                        quantize)
        logits = evaluation.predict_tflite(evaluation.load_tflite(path), x)
        np.testing.assert_allclose(evaluation.sigmoid(logits),
                                   evaluation.sigmoid(keras_logits), atol=tol)
    sizes = [(tmp_path / f"m{q}.tflite").stat().st_size for q in (False, True)]
    assert sizes[1] < sizes[0] / 2.5  # int8 weights

