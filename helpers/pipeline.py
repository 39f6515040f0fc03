"""The input pipeline: file lists to batched ``tf.data`` datasets (01_data).

01_data writes this pipeline out cell by cell and shows that it gives the same
images as the tutorial's ``tf.keras.utils.image_dataset_from_directory``; this is
that code, kept for the notebooks after it.
"""

from __future__ import annotations

import numpy as np

from .checks import DatasetError, ImageFiles


def load_image(path, image_size: tuple[int, int]):
    """Read, decode and resize one image to float32 RGB in [0, 255] (01_data).

    The same steps ``image_dataset_from_directory`` takes: any JPEG/PNG/BMP/GIF,
    grayscale or RGBA, comes out with 3 channels, bilinear-resized.
    """
    import tensorflow as tf

    image = tf.io.read_file(path)
    image = tf.io.decode_image(image, channels=3, expand_animations=False)
    image.set_shape([None, None, 3])
    return tf.image.resize(image, image_size, method="bilinear")


def make_dataset(files: ImageFiles, image_size: tuple[int, int], batch_size: int,
                 shuffle: bool = False, seed: int | None = None, cache: bool = False):
    """A batched ``tf.data.Dataset`` of (image, label) from a file list (01_data).

    ``shuffle=True`` reshuffles every epoch (right for training). ``cache=True``
    keeps the decoded, resized images in memory as uint8 after the first pass
    (used by the benchmark's pipeline measurement).
    """
    import tensorflow as tf

    if not len(files):
        raise DatasetError(
            "This split has no images. Add images to the dataset folder; for an "
            "empty test set raise TEST_FRACTION in 01_data above 0, for an empty "
            "validation set lower it."
        )
    dataset = tf.data.Dataset.from_tensor_slices(
        (list(files.paths), np.asarray(files.labels, dtype=np.int32))
    )

    def load(path, label):
        return load_image(path, image_size), label

    if cache:
        # Decode once, keep uint8 pixels (4x smaller), shuffle the cached images.
        dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        dataset = dataset.map(lambda x, y: (tf.cast(tf.round(x), tf.uint8), y))
        dataset = dataset.cache()
        if shuffle:
            dataset = dataset.shuffle(len(files), seed=seed)
        return dataset.map(lambda x, y: (tf.cast(x, tf.float32), y)).batch(batch_size)
    # Shuffle the cheap paths, then decode: a full shuffle buffer costs nothing.
    if shuffle:
        dataset = dataset.shuffle(len(files), seed=seed)
    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.batch(batch_size)


def count_batches(dataset) -> int:
    """Number of batches in a finite dataset (01_data)."""
    import tensorflow as tf

    return int(tf.data.experimental.cardinality(dataset).numpy())
