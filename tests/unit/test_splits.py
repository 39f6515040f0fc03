"""helpers/splits.py: the split, decided once in 01, saved, loaded unchanged by
every later notebook; the test set carved out of validation as the tutorial
does, the same every time."""

from __future__ import annotations

import json
import os

import pytest

from helpers import checks, errors, pipeline, splits, stages


@pytest.fixture
def report(dataset_dir, tmp_path):
    return checks.check_dataset(dataset_dir, work_dir=tmp_path / "work",
                                progress=False)


def test_saved_split_loads_identical(report, tmp_path):
    split = splits.make_split(report, (96, 96), 0.2, 123)
    splits.save_split(split, tmp_path)
    loaded = splits.load_split(tmp_path)
    assert loaded == split and loaded.id == split.id
    assert loaded.image_size == (96, 96) and loaded.class_names == ("cats", "dogs")
    assert loaded.settings == {"test_fraction": 0.2, "seed": 123}
    saved = json.loads((tmp_path / "split.json").read_text())
    assert all(not os.path.isabs(p) for p in saved["test"]["paths"])


def test_settings_that_move_images_change_the_id(report):
    base = splits.make_split(report, (160, 160), 0.2, 123)
    for other in (splits.make_split(report, (160, 160), 0.7, 123),
                  splits.make_split(report, (160, 160), 0.2, 7),
                  splits.make_split(report, (128, 128), 0.2, 123)):
        assert other.id != base.id
    assert splits.make_split(report, (160, 160), 0.2, 123).id == base.id


def test_later_batch_size_cannot_move_test_images(report, tmp_path):
    """What 05 tests on is read from split.json: a notebook's BATCH_SIZE only
    batches those files."""
    splits.save_split(splits.make_split(report, (160, 160), 0.2, 123), tmp_path)
    split = splits.load_split(tmp_path)
    for batch_size in (1, 5, 32, 64):
        ds = pipeline.make_dataset(split.test, split.image_size, batch_size)
        assert sum(int(y.shape[0]) for _, y in ds) == len(split.test)
    assert splits.load_split(tmp_path).test == split.test


def test_missing_or_damaged_split_says_run_01(report, tmp_path):
    with pytest.raises(errors.MissingArtifactError,
                       match="Run the notebook 01_data"):
        splits.load_split(tmp_path)
    (tmp_path / "split.json").write_text('{"format": 1, "train": ')
    with pytest.raises(errors.MissingArtifactError, match="damaged.*01_data"):
        splits.load_split(tmp_path)


def test_split_listing_vanished_files_says_run_01(dataset_dir, tmp_path):
    import shutil

    copy = shutil.copytree(dataset_dir, tmp_path / "copy")
    report = checks.check_dataset(copy, work_dir=tmp_path / "work", progress=False)
    splits.save_split(splits.make_split(report, (160, 160), 0.2, 123), tmp_path)
    shutil.rmtree(copy / "validation")
    with pytest.raises(errors.MissingArtifactError, match="do not exist.*01_data"):
        splits.load_split(tmp_path)


def test_model_from_another_split_is_refused(report):
    split = splits.make_split(report, (160, 160), 0.2, 123)
    stages.check_same_split({"split_id": split.id}, split, "04_fine_tuning")
    other = splits.make_split(report, (160, 160), 0.7, 123)
    with pytest.raises(errors.ArtifactMismatchError,
                       match="another split.*Re-run 04_fine_tuning"):
        stages.check_same_split({"split_id": split.id}, other, "04_fine_tuning")


def test_carve_matches_the_tutorial_counts_and_is_disjoint():
    files = checks.ImageFiles(tuple(f"v{i}.jpg" for i in range(1000)),
                            tuple(i % 2 for i in range(1000)), ("cats", "dogs"))
    validation, test = splits.carve_test_files(files)
    assert (len(validation), len(test)) == (808, 192)
    assert set(validation.paths).isdisjoint(test.paths)
    assert set(validation.paths) | set(test.paths) == set(files.paths)
    assert splits.carve_test_files(files) == (validation, test)  # same every time
    other = splits.carve_test_files(files, seed=7)[1]
    assert set(other.paths) != set(test.paths)
