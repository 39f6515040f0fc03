"""The input pipeline: file lists to batched ``tf.data`` datasets (01_data).

01_data writes this pipeline out cell by cell and shows that it gives the same
images as the tutorial's ``tf.keras.utils.image_dataset_from_directory``; this is
that code, kept for the notebooks after it.

07_your_own_data also decides here whether the decoded images fit in memory
(``estimate_decoded_bytes``, ``read_available_memory``, ``decide_cache``), which
``make_dataset(cache=...)`` then takes.
"""

from __future__ import annotations

import numpy as np

from .checks import ImageFiles
from .errors import DatasetError


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


def estimate_decoded_bytes(n_images: int, image_size: tuple[int, int],
                           bytes_per_value: int = 4) -> int:
    """Memory that ``n_images`` decoded images take: images x H x W x 3 colour
    values x 4 bytes (float32, as the pipeline decodes them) (07_your_own_data)."""
    height, width = image_size
    return int(n_images) * int(height) * int(width) * 3 * int(bytes_per_value)


def read_available_memory() -> int | None:
    """Bytes of memory available to new allocations now, or ``None`` where the
    operating system does not say (07_your_own_data).

    ``psutil`` where it is installed (Jupyter brings it), else Linux's
    ``/proc/meminfo`` (``MemAvailable``).
    """
    try:
        import psutil
    except ImportError:
        pass
    else:
        return int(psutil.virtual_memory().available)
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def decide_cache(n_bytes: int, available: int | None,
                 fraction: float = 0.25) -> tuple[bool, str]:
    """Whether to ``cache()`` decoded images in memory, and why (07).

    Only if they take less than ``fraction`` of the available memory (training
    needs the rest); with the available memory unknown, never. Returns
    ``(cache, reason)``.
    """
    mib = n_bytes / 2**20
    if available is None:
        return False, (f"decoded images ~{mib:,.0f} MiB; available memory unknown: "
                       "stream from the files")
    limit = fraction * available
    if n_bytes < limit:
        return True, (f"decoded images ~{mib:,.0f} MiB < {fraction:.0%} of the "
                      f"{available / 2**30:,.1f} GiB available: cache in memory")
    return False, (f"decoded images ~{mib:,.0f} MiB >= {fraction:.0%} of the "
                   f"{available / 2**30:,.1f} GiB available: stream from the files")
