"""Keras 2 / Keras 3 differences, kept in one place.

The TensorFlow tutorial was written for Keras 2 (``tf.keras`` before TF 2.16). On
TF 2.16+ ``tf.keras`` is Keras 3, which changed three behaviours it relies on:

- ``base_model(x, training=False)`` inside a functional model no longer keeps
  BatchNormalization in inference mode once the base is unfrozen: Keras 3's
  ``fit`` replays the model with ``training=True`` (keras-team/keras#20285).
  Keras 3 does run a BatchNormalization layer whose ``trainable`` is False in
  inference mode, so ``freeze_batch_norm`` sets that (written out in
  04_fine_tuning, reused by 06_going_faster). The saved model holds only Keras'
  own layers and loads anywhere.
- ``get_file(..., extract=True)`` returns a ``<name>_extracted`` folder, so the
  tutorial's ``os.path.join(os.path.dirname(path), "cats_and_dogs_filtered")``
  points at nothing; ``assets`` downloads and extracts by itself.
- ``metrics=["accuracy"]`` on a logits output thresholds at 0.5; the notebooks
  use ``BinaryAccuracy(threshold=0.0)``. (Not new in Keras 3, but easy to miss.)
"""

from __future__ import annotations


def freeze_batch_norm(model) -> int:
    """Set ``trainable = False`` on every BatchNormalization layer of ``model``
    (04_fine_tuning); return how many. Keras 3 runs them in inference mode."""
    import keras

    count = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
            count += 1
        elif hasattr(layer, "layers"):  # a nested model, such as the base
            count += freeze_batch_norm(layer)
    return count
