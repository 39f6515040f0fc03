"""helpers/pipeline.py: file lists to batched ``tf.data`` datasets. Shapes and a
stable order for evaluation, a new order each epoch for training, the cache
giving the same images, a clear error for an empty split, and the decision to
cache in memory only what fits."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import checks, errors, pipeline, splits


def test_dataset_batches_shapes_and_is_stable(dataset_dir, tmp_path):
    report = checks.check_dataset(dataset_dir, work_dir=tmp_path, progress=False)
    split = splits.make_split(report, (160, 160), 0.2, 123)
    assert set(split.validation.paths).isdisjoint(split.test.paths)
    ds = pipeline.make_dataset(split.validation, (160, 160), 32)
    images, labels = next(iter(ds))
    assert images.shape == (32, 160, 160, 3) and images.dtype.name == "float32"
    assert 0 <= float(images.numpy().min()) and float(images.numpy().max()) <= 255
    first = np.concatenate([y.numpy() for _, y in ds])
    second = np.concatenate([y.numpy() for _, y in ds])
    assert np.array_equal(first, second)  # no reshuffle between passes
    assert np.array_equal(first, np.asarray(split.validation.labels))


def test_cached_pipeline_gives_the_same_images(dataset_dir):
    files = checks.list_image_files(dataset_dir / "validation")
    plain_ds = pipeline.make_dataset(files, (96, 96), 16)
    plain = np.concatenate([x.numpy() for x, _ in plain_ds])
    cached_ds = pipeline.make_dataset(files, (96, 96), 16, cache=True)
    for _ in range(2):  # the second pass reads the cache
        cached = np.concatenate([x.numpy() for x, _ in cached_ds])
        assert np.abs(cached - plain).max() <= 0.5  # uint8 rounding only


def test_training_pipeline_reshuffles(dataset_dir):
    files = checks.list_image_files(dataset_dir / "train")
    ds = pipeline.make_dataset(files, (32, 32), 80, shuffle=True, seed=3)
    a, b = (next(iter(ds))[1].numpy() for _ in range(2))
    assert sorted(a) == sorted(files.labels) == sorted(b)  # every file, once
    assert not np.array_equal(a, b)  # in a new order each epoch


def test_empty_split_has_a_clear_error():
    empty = checks.ImageFiles((), (), ("cats", "dogs"))
    with pytest.raises(errors.DatasetError, match="no images"):
        pipeline.make_dataset(empty, (160, 160), 32)


def test_cache_only_what_fits_in_a_fraction_of_free_memory():
    n_bytes = pipeline.estimate_decoded_bytes(1481, (160, 160))
    assert n_bytes == 1481 * 160 * 160 * 3 * 4
    cache, why = pipeline.decide_cache(n_bytes, 8 * 2**30)
    assert cache and "cache in memory" in why
    cache, why = pipeline.decide_cache(n_bytes, 1 * 2**30)  # 434 MiB >= 256 MiB
    assert not cache and "stream from the files" in why
    assert pipeline.decide_cache(100, 400, fraction=0.25)[0] is False  # not under
    assert pipeline.decide_cache(99, 400, fraction=0.25)[0] is True
    cache, why = pipeline.decide_cache(n_bytes, None)
    assert not cache and "unknown" in why
    available = pipeline.read_available_memory()
    assert available is None or available > 0
