"""The data stage: layout checks, bad files, the split and the pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import synthetic
from PIL import Image

from helpers import checks, errors, pipeline, splits


def make_folder(root, layout):
    """layout: {"train/cats": n, ...} of generated JPEGs."""
    rng = np.random.default_rng(0)
    for rel, n in layout.items():
        folder = root / rel
        folder.mkdir(parents=True, exist_ok=True)
        cls = "cats" if "cat" in rel else "dogs"
        for i in range(n):
            synthetic.write_image(folder / f"{i}.jpg", cls, rng)
    return root


GOOD = {"train/cats": 3, "train/dogs": 3, "validation/cats": 2, "validation/dogs": 2}


@pytest.mark.parametrize(
    "layout, message",
    [
        ({"train/cats": 3, "train/dogs": 3}, "has no 'validation' folder"),
        ({"validation/cats": 3, "validation/dogs": 3}, "has no 'train' folder"),
        ({"train/cats": 3, "validation/cats": 3}, "a classifier needs at least two"),
        ({**GOOD, "train/birds": 0}, "The class folder"),
        ({**GOOD, "train/birds": 2}, "Give both splits the same class folders"),
    ],
    ids=["no-validation", "no-train", "single-class", "empty-class", "class-mismatch"],
)
def test_bad_layouts_stop_with_the_fix(tmp_path, layout, message):
    make_folder(tmp_path, layout)
    with pytest.raises(errors.DatasetError, match=message):
        checks.check_dataset(tmp_path, work_dir=tmp_path / "work", progress=False)


def test_not_a_folder(tmp_path):
    with pytest.raises(errors.DatasetError, match="TL_DATA_DIR"):
        checks.check_layout(tmp_path / "missing")


def add_bad_files(root):
    """One of each kind of problem file, in train/cats."""
    cats = root / "train" / "cats"
    rng = np.random.default_rng(1)
    good = synthetic.write_image(cats / "source.jpg", "cats", rng)
    raw = good.read_bytes()
    (cats / "truncated.jpg").write_bytes(raw[: len(raw) // 2])
    (cats / "notes.jpg").write_text("not an image")
    (cats / "readme.txt").write_text("hello")
    synthetic.write_image(cats / "gray.jpg", "cats", rng, mode="L")
    synthetic.write_image(cats / "rgba.png", "cats", rng, fmt="PNG", mode="RGBA")
    synthetic.write_image(cats / "cmyk.jpg", "cats", rng, mode="CMYK")
    synthetic.write_image(cats / "huge.jpg", "cats", rng, size=(5000, 300))
    synthetic.write_image(cats / "picture.tiff", "cats", rng, fmt="TIFF")


def test_bad_files_are_skipped_or_converted_and_reported(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    add_bad_files(root)
    report = checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)
    skipped = dict(report.skipped)
    assert set(skipped) == {"train/cats/truncated.jpg", "train/cats/notes.jpg",
                            "train/cats/readme.txt"}
    assert "does not decode" in skipped["train/cats/truncated.jpg"]
    assert skipped["train/cats/notes.jpg"] == "not an image file"
    assert report.converted == {"CMYK image": 1, "huge image": 1, "TIFF image": 1}
    assert report.decoder_handles == {"grayscale": 1, "RGBA PNG": 1}
    # cats: 3 good + source, gray, rgba, cmyk, huge, tiff; dogs: 3 good
    assert len(report.splits["train"]) == 9 + 3
    summary = report.summary()
    assert "skipped 3 unusable files" in summary and "truncated.jpg" in summary
    assert "converted to an RGB JPEG copy: 1 CMYK image" in summary
    # Converted copies live in the work folder; the dataset is untouched.
    converted = [p for p in report.splits["train"].paths if "/work/converted/" in p]
    assert len(converted) == 3
    assert (root / "train/cats/cmyk.jpg").exists()
    with Image.open(next(p for p in converted if "huge" in p)) as im:
        assert im.mode == "RGB" and max(im.size) <= checks.MAX_SIDE
    # No epoch can stop on a bad file: a full pass over the kept files works.
    ds = pipeline.make_dataset(report.splits["train"], (160, 160), 4)
    assert sum(int(x.shape[0]) for x, _ in ds) == 12


def test_every_file_of_a_class_bad_stops(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    for path in (root / "validation" / "dogs").iterdir():
        path.write_text("broken")
    with pytest.raises(errors.DatasetError, match="No usable image in validation/dogs"):
        checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)


def test_check_is_remembered_until_files_change(tmp_path, monkeypatch):
    root = make_folder(tmp_path / "ds", GOOD)
    work = tmp_path / "work"
    first = checks.check_dataset(root, work_dir=work, progress=False)
    calls = []
    monkeypatch.setattr(checks, "inspect_image",
                        lambda p: calls.append(p) or ("ok", ""))
    again = checks.check_dataset(root, work_dir=work, progress=False)
    assert again.splits == first.splits and not calls
    synthetic.write_image(root / "train/cats/new.jpg", "cats", np.random.default_rng(2))
    third = checks.check_dataset(root, work_dir=work, progress=False)
    assert len(calls) == 11 and len(third.splits["train"]) == 7


def test_deleted_converted_copy_is_made_again(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    synthetic.write_image(root / "train/dogs/cmyk.jpg", "dogs",
                          np.random.default_rng(4), mode="CMYK")
    work = tmp_path / "work"
    first = checks.check_dataset(root, work_dir=work, progress=False)
    shutil.rmtree(work / "converted")
    again = checks.check_dataset(root, work_dir=work, progress=False)
    assert again.splits == first.splits
    assert all(Path(p).exists() for p in again.splits["train"].paths)


def test_labels_follow_sorted_class_folders(dataset_dir):
    files = checks.list_image_files(dataset_dir / "train")
    assert files.class_names == ("cats", "dogs")
    assert all(("/cats/" in p) == (y == 0) for p, y in zip(files.paths, files.labels))


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


def test_real_dataset_untouched_by_conversion(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    synthetic.write_image(root / "train/dogs/cmyk.jpg", "dogs",
                          np.random.default_rng(3), mode="CMYK")
    before = sorted(p.name for p in (root / "train/dogs").iterdir())
    checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)
    assert sorted(p.name for p in (root / "train/dogs").iterdir()) == before
