"""The optional fast path: compute what a frozen layer outputs once, not every epoch.

Taught in 06_going_faster. A frozen layer computes the same output for the same
image in every epoch, so that output can be computed once and cached:

- feature extraction: cache the base's pooled features and train only the head;
- fine-tuning: cache the activations of the frozen layers below ``fine_tune_at``
  and train only the top of the base and the head on them.

The price: augmentation inside the model no longer varies per epoch, because the
images are seen once (``passes`` caches several augmented copies instead).

``train_quickly`` is 06's whole recipe as one function, on the tutorial's model
by parts (``Classifier``): the catch-up (``catchup``) makes 03's and 04's models
with it, and ``scripts/benchmark_accelerator.py`` times it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

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

    from .compat import get_first_call

    top_layers = model.layers[index:]
    produced = {id(t) for layer in top_layers
                for t in keras.tree.flatten(get_first_call(layer).output_tensors)}
    needed, seen = [], set()
    for layer in top_layers:
        for t in keras.tree.flatten(get_first_call(layer).input_tensors):
            if id(t) not in produced and id(t) not in seen:
                seen.add(id(t))
                needed.append(t)
    bottom = keras.Model(model.input, needed, name=f"{model.name}_bottom")
    new_inputs = [keras.Input(shape=t.shape[1:], dtype=t.dtype) for t in needed]
    mapping = {id(old): new for old, new in zip(needed, new_inputs)}

    def remap(value):
        return mapping[id(value)] if isinstance(value, keras.KerasTensor) else value

    for layer in top_layers:
        node = get_first_call(layer)
        args = keras.tree.map_structure(remap, node.arguments.args)
        kwargs = keras.tree.map_structure(remap, node.arguments.kwargs)
        result = layer(*args, **kwargs)
        for old, new in zip(keras.tree.flatten(node.output_tensors),
                            keras.tree.flatten(result)):
            mapping[id(old)] = new
    top = keras.Model(new_inputs, mapping[id(model.outputs[0])],
                      name=f"{model.name}_top")
    return bottom, top


@dataclass
class Classifier:
    """The tutorial's classifier by parts (03): the base, the rescaling, the
    pooling, dropout and dense layers of the head, and, where there is one, the
    whole model from images to logit, which shares those layers."""

    base: object
    rescale: object
    gap: object
    dropout: object
    dense: object
    model: object = None


def make_classifier(base, augmentation=None, dropout: float = 0.2) -> Classifier:
    """A new head for ``base``; with ``augmentation``, also the whole model as 03
    builds it: images, augmentation, rescaling, ``base(x, training=False)``,
    pooling, dropout, one logit."""
    import tensorflow as tf

    from .model_parts import make_rescaling

    parts = Classifier(base, make_rescaling(),
                       tf.keras.layers.GlobalAveragePooling2D(),
                       tf.keras.layers.Dropout(dropout), tf.keras.layers.Dense(1))
    if augmentation is not None:
        inputs = tf.keras.Input(shape=tuple(base.input.shape[1:]))
        x = parts.rescale(augmentation(inputs))
        x = parts.gap(parts.base(x, training=False))
        parts.model = tf.keras.Model(inputs, parts.dense(parts.dropout(x)))
    return parts


def find_classifier(model) -> Classifier:
    """The parts of a model 03 saved (04, the catch-up's fine-tuning)."""
    from .model_parts import find_base_model

    gap, dropout, dense = model.layers[-3:]
    return Classifier(find_base_model(model), model.get_layer("rescaling"), gap,
                      dropout, dense, model)


def unfreeze_top(base, fine_tune_at: int) -> None:
    """04's unfreezing: the layers of ``base`` from ``fine_tune_at`` on train,
    those below and every BatchNormalization layer stay frozen."""
    from .compat import freeze_batch_norm

    base.trainable = True
    for layer in base.layers[:fine_tune_at]:
        layer.trainable = False
    freeze_batch_norm(base)


def fit_with_validation(model, data, validation_data, initial_epoch: int,
                        epochs: int, verbose: int = 0) -> dict:
    """``fit`` as the notebooks call it; the history with its ``epoch`` list."""
    history = model.fit(data, validation_data=validation_data, epochs=epochs,
                        initial_epoch=initial_epoch, verbose=verbose)
    return {"epoch": list(history.epoch), **history.history}


def train_quickly(parts: Classifier, train, validation, *, train_head: bool = True,
                  fine_tune: bool = True, initial_epochs: int = 10,
                  fine_tune_epochs: int = 10, fine_tune_at: int = 100,
                  batch_size: int = 32, seed: int = 123,
                  learning_rate: float = 1e-4, verbose: int = 0, fit=None,
                  compile=None, strategy=None, on_stage=None, augmentation=None,
                  passes: int = 1) -> dict:
    """06_going_faster's recipe as one function; returns what ``fit`` returned
    for each stage it trained, keyed ``feature_extraction`` and ``fine_tuning``.

    ``train`` and ``validation`` are unshuffled batches of images and labels
    (``pipeline.make_dataset``): one pass caches what the frozen layers output
    for them. Then the head trains on the pooled features (with
    ``train_head``, ``initial_epochs`` epochs, Adam at ``learning_rate``), and
    with ``fine_tune`` the top of the base from ``fine_tune_at`` and the head on
    the cached activations below it (``fine_tune_epochs`` more, RMSprop at a
    tenth of the rate, BatchNormalization frozen). The layers are ``parts``'s,
    so ``parts.model``, where there is one, is trained too, and compiled as 03
    and 04 leave it, ready to save.

    ``fit(model, data, validation_data, initial_epoch, epochs)`` trains
    (default: ``fit_with_validation``); ``compile(model, optimizer)`` compiles
    (default: ``model_parts.compile_for_logits``); models and optimizers are
    made in ``strategy``'s scope where one is given. ``on_stage(stage, what fit
    returned)`` is called as each stage ends (the catch-up saves there: 03's
    model before fine-tuning changes it). With ``augmentation`` and ``passes``,
    the training images are cached ``passes`` times, augmented (06's
    ``AUGMENTED_PASSES``; ``scripts/dog_lean.py``).
    """
    import tensorflow as tf

    from .model_parts import compile_for_logits

    fit = fit or (lambda *args: fit_with_validation(*args, verbose=verbose))
    compile = compile or compile_for_logits
    on_stage = on_stage or (lambda stage, result: None)
    scope = strategy.scope if strategy is not None else contextlib.nullcontext
    base = parts.base
    images = tf.keras.Input(shape=tuple(base.input.shape[1:]))
    if fine_tune:
        bottom, top = split_model_at(base, fine_tune_at)
        both = tf.keras.Model(base.input, [*bottom.outputs, base.output])
        *acts, features = both(parts.rescale(images))
    else:
        acts, features = [], base(parts.rescale(images), training=False)
    cacher = tf.keras.Model(images, [*acts, parts.gap(features)])
    cached = {"train": extract_outputs(cacher, train, augmentation, passes),
              "validation": extract_outputs(cacher, validation)}

    def data(part, index, shuffle=False):
        outputs, labels = cached[part]
        return make_cached_dataset(outputs[index], labels, batch_size, shuffle, seed)

    out = {}
    if train_head:
        with scope():
            feature_input = tf.keras.Input(shape=(base.output.shape[-1],))
            head = tf.keras.Model(feature_input,
                                  parts.dense(parts.dropout(feature_input)))
            compile(head, tf.keras.optimizers.Adam(learning_rate))
        head_slice = slice(-1, None)
        out["feature_extraction"] = fit(
            head, data("train", head_slice, True), data("validation", head_slice),
            0, initial_epochs)
        if parts.model is not None:
            with scope():
                compile(parts.model, tf.keras.optimizers.Adam(learning_rate))
                # built now, so that the saved model holds all its variables and
                # loading it does not warn about skipped optimizer variables
                parts.model.optimizer.build(parts.model.trainable_variables)
        on_stage("feature_extraction", out["feature_extraction"])
    if not fine_tune:
        return out
    with scope():
        unfreeze_top(base, fine_tune_at)
        top_inputs = [tf.keras.Input(shape=t.shape[1:]) for t in bottom.outputs]
        top_model = tf.keras.Model(
            top_inputs, parts.dense(parts.dropout(parts.gap(top(top_inputs)))))
        compile(top_model, tf.keras.optimizers.RMSprop(learning_rate / 10))
    n = slice(0, len(bottom.outputs))
    out["fine_tuning"] = fit(top_model, data("train", n, True),
                             data("validation", n), initial_epochs,
                             initial_epochs + fine_tune_epochs)
    if parts.model is not None:
        with scope():
            compile(parts.model, tf.keras.optimizers.RMSprop(learning_rate / 10))
            parts.model.optimizer.build(parts.model.trainable_variables)
    on_stage("fine_tuning", out["fine_tuning"])
    return out


def range_test(model, optimizer, loss, dataset, rates,
               stop_factor: float = 4.0) -> list:
    """The learning-rate range test (06): one step of ``optimizer`` per rate in
    ``rates`` (rising), on ``dataset``'s batches (repeated as needed), the rate
    set before each step; returns the loss of each step's batch before the step.
    Stops early once the loss exceeds ``stop_factor`` times the lowest so far.

    Written by hand because Keras reports, after each batch, the mean loss of the
    epoch so far, not the batch's own (``tests/unit/test_fast.py`` shows it), and
    the test reads the loss at each rate.
    """
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def step(x, y):
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        grads = tape.gradient(value, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return value

    optimizer.build(model.trainable_variables)
    losses, batches = [], iter(dataset.repeat())
    for rate in rates:
        optimizer.learning_rate.assign(float(rate))
        x, y = next(batches)
        losses.append(float(step(x, tf.cast(tf.reshape(y, (-1, 1)), tf.float32))))
        if losses[-1] > stop_factor * min(losses):
            break
    return losses


def suggest_learning_rate(rates, losses, smoothing: float = 0.9) -> float:
    """A rate from a range test: a tenth of the rate where the smoothed loss is
    lowest (fastai's rule of thumb: the loss still falls fast there, well before
    it blows up). The smoothing is an exponential moving average, bias-corrected."""
    smoothed, average = [], 0.0
    for i, value in enumerate(losses, 1):
        average = smoothing * average + (1 - smoothing) * value
        smoothed.append(average / (1 - smoothing**i))
    return float(rates[int(np.argmin(smoothed))]) / 10
