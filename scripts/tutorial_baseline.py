"""The tutorial's code as written: the baseline the course is timed against.

TensorFlow's tutorial *Transfer learning and fine-tuning* (tensorflow.org), its
code cells in order, with nothing of this course: ``image_dataset_from_directory``
datasets (its test set taken from the shuffled validation set, leak and all),
prefetch, its augmentation, ``preprocess_input``, MobileNetV2 without its top,
``GlobalAveragePooling2D``, ``Dropout(0.2)``, ``Dense(1)``, ``base_model(x,
training=False)``, Adam at 0.0001 on logits, ``fit``; then ``base_model.trainable
= True``, the layers below ``fine_tune_at = 100`` frozen again, RMSprop at a
tenth of the rate and ``fit(..., initial_epoch=history.epoch[-1])`` (which runs
one fine-tuning epoch more than asked, as the tutorial's does).

Only three things differ from the tutorial's text: the dataset folder and the
weights are arguments (the course's own download is not timed), the epochs are
arguments, and one callback that only reads the clock at the start and the end
of each epoch (no batch hook, so ``fit`` dispatches exactly as the tutorial's
does) gives each epoch's seconds, validation included, as the course's epoch log
measures them.

    python scripts/tutorial_baseline.py DATA_DIR --weights W.h5 \\
        --initial-epochs 3 --fine-tune-epochs 3 --output tutorial.json

``DATA_DIR`` holds ``train/`` and ``validation/`` (``cats_and_dogs_filtered``).
``scripts/benchmark.py`` runs it, alternating with the course's notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def make_timer():
    """A Keras callback that keeps each epoch's seconds (epoch hooks only)."""
    import tensorflow as tf

    class Timer(tf.keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(round(time.perf_counter() - self._start, 3))

    return Timer()


def run_tutorial(data_dir: str, weights: str, initial_epochs: int,
                 fine_tune_epochs: int, batch_size: int = 32,
                 image_size: tuple[int, int] = (160, 160)) -> dict:
    """The tutorial's cells, timed; returns its numbers."""
    start = time.perf_counter()
    import tensorflow as tf

    imported = time.perf_counter() - start

    # --- Data preprocessing: the tutorial's datasets
    train_dir = os.path.join(data_dir, "train")
    validation_dir = os.path.join(data_dir, "validation")
    BATCH_SIZE = batch_size
    IMG_SIZE = image_size
    train_dataset = tf.keras.utils.image_dataset_from_directory(
        train_dir, shuffle=True, batch_size=BATCH_SIZE, image_size=IMG_SIZE)
    validation_dataset = tf.keras.utils.image_dataset_from_directory(
        validation_dir, shuffle=True, batch_size=BATCH_SIZE, image_size=IMG_SIZE)
    val_batches = tf.data.experimental.cardinality(validation_dataset)
    test_dataset = validation_dataset.take(val_batches // 5)
    validation_dataset = validation_dataset.skip(val_batches // 5)
    AUTOTUNE = tf.data.AUTOTUNE
    train_dataset = train_dataset.prefetch(buffer_size=AUTOTUNE)
    validation_dataset = validation_dataset.prefetch(buffer_size=AUTOTUNE)
    test_dataset = test_dataset.prefetch(buffer_size=AUTOTUNE)

    # --- Data augmentation, rescaling
    data_augmentation = tf.keras.Sequential([
        tf.keras.layers.RandomFlip("horizontal"),
        tf.keras.layers.RandomRotation(0.2),
    ])
    preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input

    # --- The base model from the pre-trained convnets
    IMG_SHAPE = IMG_SIZE + (3,)
    base_model = tf.keras.applications.MobileNetV2(
        input_shape=IMG_SHAPE, include_top=False, weights=weights)
    image_batch, label_batch = next(iter(train_dataset))
    feature_batch = base_model(image_batch)

    # --- Feature extraction
    base_model.trainable = False
    global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
    feature_batch_average = global_average_layer(feature_batch)
    prediction_layer = tf.keras.layers.Dense(1)
    prediction_layer(feature_batch_average)

    inputs = tf.keras.Input(shape=IMG_SHAPE)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = global_average_layer(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = prediction_layer(x)
    model = tf.keras.Model(inputs, outputs)

    base_learning_rate = 0.0001
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=base_learning_rate),
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name="accuracy")])
    loss0, accuracy0 = model.evaluate(validation_dataset)

    timer = make_timer()
    history = model.fit(train_dataset, epochs=initial_epochs,
                        validation_data=validation_dataset, callbacks=[timer])
    fe_seconds = list(timer.seconds)

    # --- Fine-tuning
    base_model.trainable = True
    fine_tune_at = 100
    for layer in base_model.layers[:fine_tune_at]:
        layer.trainable = False
    model.compile(
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        optimizer=tf.keras.optimizers.RMSprop(learning_rate=base_learning_rate / 10),
        metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name="accuracy")])
    total_epochs = initial_epochs + fine_tune_epochs
    timer = make_timer()
    history_fine = model.fit(train_dataset, epochs=total_epochs,
                             initial_epoch=history.epoch[-1],
                             validation_data=validation_dataset, callbacks=[timer])
    ft_seconds = list(timer.seconds)

    test_accuracy = None
    if int(val_batches) // 5:  # a small validation set gives no test batch
        test_accuracy = float(model.evaluate(test_dataset)[1])
    return {
        "command": "python scripts/tutorial_baseline.py",
        "initial_epochs": initial_epochs,
        "fine_tune_epochs": fine_tune_epochs,
        "image_size": list(IMG_SIZE), "batch_size": BATCH_SIZE,
        "import_seconds": round(imported, 1),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "initial_val_accuracy": float(accuracy0),
        "feature_extraction": {
            "epochs": list(history.epoch), "seconds_per_epoch": fe_seconds,
            "val_accuracy": [float(v) for v in history.history["val_accuracy"]]},
        "fine_tuning": {
            "epochs": list(history_fine.epoch), "seconds_per_epoch": ft_seconds,
            "val_accuracy": [float(v)
                             for v in history_fine.history["val_accuracy"]]},
        "trainable_variables_fine_tuning": len(model.trainable_variables),
        "test_accuracy": test_accuracy,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", help="the dataset folder (train/, validation/)")
    parser.add_argument("--weights", default="imagenet",
                        help="MobileNetV2 no_top weights: imagenet or an .h5 file")
    parser.add_argument("--initial-epochs", type=int, default=10)
    parser.add_argument("--fine-tune-epochs", type=int, default=10)
    parser.add_argument("--output", help="write the numbers here as JSON")
    args = parser.parse_args(argv)
    result = run_tutorial(args.data_dir, args.weights, args.initial_epochs,
                          args.fine_tune_epochs)
    for stage in ("feature_extraction", "fine_tuning"):
        print(f"{stage}: seconds per epoch {result[stage]['seconds_per_epoch']}, "
              f"val accuracy {result[stage]['val_accuracy'][-1]:.4f}")
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
