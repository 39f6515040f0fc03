"""Keras 2 / Keras 3 differences, kept in one place.

The TensorFlow tutorial was written for Keras 2 (``tf.keras`` before TF 2.16). On
TF 2.16+ ``tf.keras`` is Keras 3, which changed a few behaviours the tutorial relies
on. Everything the project does differently because of that lives here:

- ``InferenceMode``: Keras 3's ``fit`` overrides ``base_model(x, training=False)``;
- ``summary_text``: Keras 3 summaries are rich tables sized to the terminal;
- ``initial_epoch_after``: the tutorial's ``history.epoch[-1]`` repeats an epoch.

Two more live where they are used: Keras 3's ``get_file(..., extract=True)``
returns a ``<name>_extracted`` folder, so ``assets`` downloads and extracts
itself; and ``metrics=["accuracy"]`` on a logits output thresholds at 0.5, so the
notebooks use ``BinaryAccuracy(threshold=0.0)``.
"""

from __future__ import annotations

import math


def summary_text(model, width: int = 88) -> str:
    """``model.summary()`` as a plain-text table (03_feature_extraction).

    Keras 3 draws summaries with rich: box characters and column widths depend on
    the terminal, and in Jupyter it also emits an HTML copy. This table has the
    same rows (layer, output shape, parameters) and totals, in stable ASCII.
    """
    rows = [("Layer (type)", "Output Shape", "Param #")]
    for layer in model.layers:
        try:
            shape = str(tuple(layer.output.shape))
        except (AttributeError, ValueError):
            shape = "?"
        rows.append((f"{layer.name} ({type(layer).__name__})", shape,
                     f"{layer.count_params():,}"))
    name_w = width - 24 - 14
    line = "-" * width
    lines = [f'Model: "{model.name}"', line]
    for i, (name, shape, params) in enumerate(rows):
        lines.append(f"{name[:name_w - 1]:<{name_w}}{shape:<24}{params:>14}")
        if i == 0:
            lines.append(line)
    total = sum(math.prod(w.shape) for w in model.weights)
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    lines += [line, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}"]
    return "\n".join(lines)


def initial_epoch_after(history) -> int:
    """The epoch to continue from after ``history`` (04_fine_tuning).

    The tutorial passes ``initial_epoch=history.epoch[-1]``, which repeats the last
    epoch of feature extraction; the next epoch index is ``len(history.epoch)``.
    Accepts a Keras ``History`` or a dict with an ``"epoch"`` list.
    """
    epochs = history["epoch"] if isinstance(history, dict) else history.epoch
    return max(epochs) + 1 if len(epochs) else 0


def _register(cls):
    import keras

    return keras.saving.register_keras_serializable(package="tl_helpers")(cls)


def InferenceMode(layer, name: str | None = None):
    """``layer(x, training=False)`` that stays in inference mode under Keras 3's fit.

    Taught in 03_feature_extraction. In Keras 2, ``base_model(x, training=False)``
    inside a functional model kept its BatchNormalization layers in inference mode
    even after unfreezing. Keras 3 replays a functional model with the ``training``
    value of the outer call, so ``fit`` overrides that ``False`` with ``True``
    (keras-team/keras#20285) and the unfrozen BatchNormalization layers start
    updating their statistics. Wrapping the call keeps the tutorial's intent.
    """
    return _inference_mode_class()(layer, name=name or f"{layer.name}_inference")


_CLASS = None


def register_custom_layers():
    """Register this module's layers with Keras, so saved models that use them load.
    Returns the ``InferenceMode`` wrapper class."""
    return _inference_mode_class()


def _inference_mode_class():
    global _CLASS
    if _CLASS is None:
        import keras

        @_register
        class InferenceModeWrapper(keras.layers.Wrapper):
            """Calls the wrapped layer with ``training=False``, always."""

            def call(self, inputs, training=None):
                return self.layer(inputs, training=False)

            def compute_output_shape(self, input_shape):
                return self.layer.compute_output_shape(input_shape)

        _CLASS = InferenceModeWrapper
    return _CLASS
