"""The optional fast path: compute what a frozen layer outputs once, not every epoch.

Taught in 06_going_faster. A frozen layer computes the same output for the same
image in every epoch, so that output can be computed once and cached:

- feature extraction: cache the base's pooled features and train only the head;
- fine-tuning: cache the activations of the frozen layers below ``fine_tune_at``
  and train only the top of the base and the head on them.

The price: augmentation inside the model no longer varies per epoch, because the
images are seen once (``passes`` caches several augmented copies instead).
"""

from __future__ import annotations

import numpy as np


def extract_outputs(model, dataset, augmentation=None, passes: int = 1):
    """Run ``model`` once over ``dataset``; return (list of outputs, labels).

    Outputs are stored as float16 (half the memory of float32). With
    ``augmentation`` and ``passes > 1``, each pass sees differently augmented
    images and the outputs of all passes are concatenated.
    """
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def forward(x):
        if augmentation is not None:
            x = augmentation(x, training=True)
        out = model(x, training=False)
        out = out if isinstance(out, (list, tuple)) else [out]
        return [tf.cast(o, tf.float16) for o in out]

    outputs, labels = None, []
    for _ in range(passes):
        for x, y in dataset:
            out = forward(x)
            if outputs is None:
                outputs = [[] for _ in out]
            for store, o in zip(outputs, out):
                store.append(o.numpy())
            labels.append(np.asarray(y))
    return [np.concatenate(o) for o in outputs], np.concatenate(labels)


def make_cached_dataset(outputs, labels, batch_size: int, shuffle: bool = False,
                        seed: int = 123):
    """A ``tf.data`` dataset over cached outputs (float16 kept, cast per batch)."""
    import tensorflow as tf

    features = tuple(outputs) if len(outputs) > 1 else outputs[0]
    ds = tf.data.Dataset.from_tensor_slices((features, labels))
    if shuffle:
        ds = ds.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(
        lambda x, y: (tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), x), y)
    )


def split_model_at(model, index: int):
    """Split a functional model into (bottom, top) at ``model.layers[index]``.

    ``bottom`` maps the model's input to every tensor that the layers from
    ``index`` on need from below (more than one where a residual connection
    crosses the cut); ``top`` maps those tensors to the model's output. ``top``
    reuses the same layer objects, so training it trains the original model.
    """
    import keras

    top_layers = model.layers[index:]
    produced = {id(t) for layer in top_layers
                for t in keras.tree.flatten(layer._inbound_nodes[0].output_tensors)}
    needed, seen = [], set()
    for layer in top_layers:
        for t in keras.tree.flatten(layer._inbound_nodes[0].input_tensors):
            if id(t) not in produced and id(t) not in seen:
                seen.add(id(t))
                needed.append(t)
    bottom = keras.Model(model.input, needed, name=f"{model.name}_bottom")
    new_inputs = [keras.Input(shape=t.shape[1:], dtype=t.dtype) for t in needed]
    mapping = {id(old): new for old, new in zip(needed, new_inputs)}

    def remap(value):
        return mapping[id(value)] if isinstance(value, keras.KerasTensor) else value

    for layer in top_layers:
        node = layer._inbound_nodes[0]
        args = keras.tree.map_structure(remap, node.arguments.args)
        kwargs = keras.tree.map_structure(remap, node.arguments.kwargs)
        result = layer(*args, **kwargs)
        for old, new in zip(keras.tree.flatten(node.output_tensors),
                            keras.tree.flatten(result)):
            mapping[id(old)] = new
    top = keras.Model(new_inputs, mapping[id(model.outputs[0])],
                      name=f"{model.name}_top")
    return bottom, top
