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
- ``fit`` under ``tf.distribute.MultiWorkerMirroredStrategy`` (several
  machines) fails on its first batch with "Attempt to convert a value
  (PerReplica...)" (keras-team/keras#20585, open): ``patch_multi_worker_reduce``
  (08_scaling_up).

Every private name of a library the course uses is used here, and only here,
each in one small function: ``keras.src.backend.config.keras_home``
(``find_keras_models_dir``), ``Layer._inbound_nodes`` (``get_first_call``) and
IPython's ``InteractiveShell._showtraceback`` (``show_error_without_stack``).
tests/unit/test_compat.py checks that the installed Keras and IPython still have
them, under whichever pins (requirements.txt, requirements-colab.txt) run it.
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


def patch_multi_worker_reduce(strategy):
    """Let Keras 3's ``fit`` train under ``MultiWorkerMirroredStrategy``
    (08_scaling_up); return ``strategy``.

    ``fit`` hands ``strategy.reduce`` the first (images, labels) batch as one
    tuple, to learn its shapes, and then each step's scalar metrics with
    ``axis=0``. With more than one worker, ``MultiWorkerMirroredStrategy``
    accepts neither: a tuple cannot become one tensor, and a scalar has no axis
    0 (keras-team/keras#20585). This strategy's ``reduce`` then reduces each
    tensor on its own, a scalar over the replicas alone: what Keras meant.
    """
    import tensorflow as tf

    reduce = strategy.reduce

    def reduce_each(reduce_op, value, axis=None):
        def one(v):
            rank = strategy.experimental_local_results(v)[0].shape.rank
            return reduce(reduce_op, v, axis=axis if rank else None)

        return tf.nest.map_structure(one, value)

    strategy.reduce = reduce_each
    return strategy


# Private library names, each used here only (tests/unit/test_compat.py checks that
# the installed Keras and IPython still have them).


def find_keras_models_dir():
    """Where ``weights="imagenet"`` looks (``<KERAS_HOME>/models``), or ``None``
    for a Keras that does not say (03_feature_extraction's ``prepare_weights``).

    Keras reads ``KERAS_HOME`` once, when it is imported, so a later change of
    the variable is not seen there. Private: ``keras.src.backend.config``.
    """
    from pathlib import Path

    try:
        from keras.src.backend.config import keras_home
    except ImportError:  # a Keras without it: the caller passes the path instead
        return None
    return Path(keras_home()).expanduser() / "models"


def get_first_call(layer):
    """The node of ``layer``'s first call in a functional model: its
    ``input_tensors``, ``output_tensors`` and ``arguments`` (06's
    ``fast.split_model_at``). Private: ``Layer._inbound_nodes``."""
    return layer._inbound_nodes[0]


def show_error_without_stack(shell, etype, value, message: str) -> None:
    """Show ``message`` as the cell's error output, without a stack trace (every
    notebook's setup: ``session.setup_notebook``'s handler). Private:
    ``InteractiveShell._showtraceback``, the one call that writes an error
    output both the classic and the Jupyter kernel display as an error."""
    shell._showtraceback(etype, value, [message])
