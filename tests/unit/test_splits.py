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


# -- issue 20: a hand-edited or damaged split.json ---------------------------

def write_saved_split(folder, data, **changes) -> dict:
    """A split.json as 01 writes it, for files that exist in folder ``data`` (made
    here, empty: load_split does not open them), with ``changes`` applied."""
    parts = {"train": ["train/cats/1.jpg", "train/dogs/2.jpg"],
             "validation": ["validation/cats/3.jpg", "validation/dogs/4.jpg"],
             "test": ["validation/cats/5.jpg", "validation/dogs/6.jpg"]}
    for paths in parts.values():
        for rel in paths:
            (data / rel).parent.mkdir(parents=True, exist_ok=True)
            (data / rel).write_bytes(b"")
    saved = {"format": 1, "id": "0123456789ab", "data_dir": str(data),
             "class_names": ["cats", "dogs"], "image_size": [160, 160],
             "settings": {"test_fraction": 0.2, "seed": 123},
             **{k: {"paths": list(v), "labels": [0, 1]} for k, v in parts.items()}}
    for key, value in changes.items():
        part, _, field = key.partition("__")
        if field:
            saved[part] = {**saved[part], field: value}
        else:
            saved[key] = value
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "split.json").write_text(json.dumps(saved))
    return saved


HOSTILE_SPLITS = {
    # paths that leave the dataset folder
    "climbs out": ({"train__paths": ["../../../etc/passwd", "train/dogs/2.jpg"]},
                   "outside the dataset folder"),
    "absolute elsewhere": ({"test__paths": ["/etc/hostname", "validation/dogs/6.jpg"]},
                           "outside the dataset folder"),
    "climbs out half-way": ({"validation__paths": ["train/cats/../../../x.jpg",
                                                   "validation/dogs/4.jpg"]},
                            "outside the dataset folder"),
    # a file in two parts, or twice
    "training image in the test set": ({"test__paths": ["train/cats/1.jpg",
                                                        "validation/dogs/6.jpg"]},
                                       "more than once"),
    "twice in one part": ({"validation__paths": ["validation/cats/3.jpg",
                                                 "validation/cats/3.jpg"]},
                          "more than once"),
    "one file, two spellings": ({"test__paths": ["train/cats/./1.jpg",
                                                 "validation/dogs/6.jpg"]},
                                "more than once"),
    # labels outside the classes
    "label 5": ({"train__labels": [0, 5]}, "labels"),
    "label -1": ({"test__labels": [-1, 1]}, "labels"),
    "label 1.5": ({"validation__labels": [0, 1.5]}, "labels"),
    "label as text": ({"train__labels": ["0", "1"]}, "labels"),
    "label true": ({"train__labels": [0, True]}, "labels"),
    # lists of unequal length
    "fewer labels": ({"train__labels": [0]}, "2 paths and 1 labels"),
    "more labels": ({"test__labels": [0, 1, 1]}, "2 paths and 3 labels"),
    # an image size that is not two small positive integers
    "one number": ({"image_size": [160]}, "image_size"),
    "zero": ({"image_size": [0, 160]}, "image_size"),
    "a fraction": ({"image_size": [160.5, 160]}, "image_size"),
    "text": ({"image_size": ["160", "160"]}, "image_size"),
    "huge": ({"image_size": [100000, 100000]}, "image_size"),
    "true": ({"image_size": [True, 160]}, "image_size"),
    "not a list": ({"image_size": 160}, "image_size"),
    # class names
    "one class": ({"class_names": ["cats"]}, "class_names"),
    "a class twice": ({"class_names": ["cats", "cats"]}, "class_names"),
    "a number as a class": ({"class_names": ["cats", 3]}, "class_names"),
    # the rest
    "paths not a list": ({"train__paths": "train/cats/1.jpg"}, "paths"),
    "data_dir a number": ({"data_dir": 5}, "data_dir"),
    "settings a list": ({"settings": [0.2, 123]}, "settings"),
    # 06's record of the files a learner left out
    "excluded a list": ({"settings": {"test_fraction": 0.2, "seed": 123,
                                      "excluded": ["train/cats/1.jpg"]}}, "excluded"),
    "excluded without why": ({"settings": {"test_fraction": 0.2, "seed": 123,
                                           "excluded": {"train/cats/9.jpg": " "}}},
                             "excluded"),
    "from_split a number": ({"settings": {"test_fraction": 0.2, "seed": 123,
                                          "from_split": 7}}, "from_split"),
}


@pytest.mark.parametrize("changes, message", HOSTILE_SPLITS.values(),
                         ids=HOSTILE_SPLITS.keys())
def test_a_bad_split_is_refused_with_the_fix(tmp_path, changes, message):
    write_saved_split(tmp_path / "a", tmp_path / "data", **changes)
    before = (tmp_path / "a" / "split.json").read_bytes()
    with pytest.raises(errors.UnusableArtifactError) as err:
        splits.load_split(tmp_path / "a")
    text = str(err.value)
    assert message in text, text
    assert "split.json" in text and "Run the notebook 01_data again" in text
    assert (tmp_path / "a" / "split.json").read_bytes() == before  # kept as it is
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["split.json"]


def test_a_good_hand_written_split_loads(tmp_path):
    write_saved_split(tmp_path / "a", tmp_path / "data")
    split = splits.load_split(tmp_path / "a")
    assert split.image_size == (160, 160) and split.class_names == ("cats", "dogs")
    assert len(split.train) == len(split.validation) == len(split.test) == 2


def test_converted_copies_in_the_artifacts_folder_are_inside(tmp_path):
    """01's converted copies live in the artifacts folder, outside the dataset:
    the split may list them, by their absolute path."""
    copy = tmp_path / "a" / "converted" / "train" / "cats" / "1.tif.jpg"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"")
    write_saved_split(tmp_path / "a", tmp_path / "data",
                      train__paths=[str(copy), "train/dogs/2.jpg"])
    assert splits.load_split(tmp_path / "a").train.paths[0] == str(copy)


def test_a_split_with_converted_copies_in_a_relative_artifacts_folder_loads(
        small_dataset, tmp_path, monkeypatch):
    """The notebooks' ARTIFACTS_DIR is relative ("../artifacts"): a converted
    copy in it is listed so that load_split finds it inside that folder."""
    from PIL import Image

    Image.new("CMYK", (40, 30)).save(small_dataset / "train" / "cats" / "cmyk.jpg")
    (tmp_path / "nb").mkdir()
    monkeypatch.chdir(tmp_path / "nb")
    report = checks.check_dataset(small_dataset, work_dir="../artifacts",
                                  progress=False)
    split = splits.make_split(report, (160, 160), 0.2, 123)
    splits.save_split(split, "../artifacts")
    loaded = splits.load_split("../artifacts")
    assert loaded == split
    assert any("converted" in p for p in loaded.train.paths)


def _class_files(counts: dict) -> checks.ImageFiles:
    names = tuple(sorted(counts))
    paths = [f"{c}/{c}.{i}.jpg" for c in names for i in range(counts[c])]
    labels = [names.index(c) for c in names for _ in range(counts[c])]
    return checks.ImageFiles(tuple(paths), tuple(labels), names)


def test_a_flat_folder_is_split_by_file_class_by_class():
    """07 on my_photos/<class>/: each class held out at the validation fraction,
    the test set a fraction of what is held out; disjoint, every file once, the
    same for the same seed, another split for another seed."""
    files = _class_files({"hats": 100, "pants": 40, "shoes": 3})
    train, validation, test = splits.split_class_files(files, 0.2, 0.25, 123)
    every = [*train.paths, *validation.paths, *test.paths]
    assert sorted(every) == sorted(files.paths)
    assert len(set(every)) == len(every)
    per_class = [[part.labels.count(i) for i in range(3)]
                 for part in (train, validation, test)]
    assert per_class == [[80, 32, 1], [15, 6, 1], [5, 2, 1]]
    assert train.class_names == test.class_names == files.class_names
    assert splits.split_class_files(files, 0.2, 0.25, 123) == (train, validation,
                                                                test)
    assert splits.split_class_files(files, 0.2, 0.25, 7)[2] != test


def test_a_class_too_small_to_split_names_the_fix():
    files = _class_files({"hats": 10, "pants": 2})
    with pytest.raises(errors.DatasetError, match="'pants' has 2 usable image"):
        splits.split_class_files(files, 0.2, 0.2, 123)


def test_marked_files_leave_the_split_and_are_recorded(report, tmp_path):
    """06's fix-the-labels: the marked training and validation files go, the
    test set stays, the exclusions and the parent split are recorded, the id
    changes; saved as 06's cleaned split, 01's split.json untouched."""
    split = splits.make_split(report, (96, 96), 0.2, 123)
    splits.save_split(split, tmp_path)
    before = (tmp_path / "split.json").read_bytes()
    train_file, validation_file = split.train.paths[3], split.validation.paths[0]
    rel = os.path.relpath(validation_file, split.data_dir).replace(os.sep, "/")
    cleaned = splits.exclude_files(split, {train_file: "a dog, labelled cat",
                                           rel: " no animal "})
    assert len(cleaned.train) == len(split.train) - 1
    assert len(cleaned.validation) == len(split.validation) - 1
    assert train_file not in cleaned.train.paths
    assert validation_file not in cleaned.validation.paths
    assert cleaned.test == split.test and cleaned.id != split.id
    assert cleaned.settings["from_split"] == split.id
    assert cleaned.settings["excluded"] == {
        os.path.relpath(train_file, split.data_dir).replace(os.sep, "/"):
            "a dog, labelled cat", rel: "no animal"}
    path = splits.save_split(cleaned, tmp_path, "cleaned_split")
    assert path == stages.results_path(tmp_path, "cleaned_split") != \
        stages.results_path(tmp_path, "split")
    assert (tmp_path / "split.json").read_bytes() == before
    assert splits.load_split(tmp_path, "cleaned_split") == cleaned
    assert splits.load_split(tmp_path) == split
    # nothing marked: the same files, so the same id (a model trained on either
    # was trained on the same images)
    assert splits.exclude_files(split, {}).id == split.id


def test_marking_a_test_file_or_a_stranger_is_refused(report):
    split = splits.make_split(report, (96, 96), 0.2, 123)
    with pytest.raises(errors.DatasetError, match="is a test file.*not cleaned"):
        splits.exclude_files(split, {split.test.paths[0]: "a wrong label"})
    with pytest.raises(errors.DatasetError, match="not in this split.*number"):
        splits.exclude_files(split, {"train/cats/nobody.jpg": "a wrong label"})
    with pytest.raises(errors.DatasetError, match="Say why"):
        splits.exclude_files(split, {split.train.paths[0]: ""})


def test_a_missing_cleaned_split_says_run_06(tmp_path):
    with pytest.raises(errors.MissingArtifactError, match="06_going_faster"):
        splits.load_split(tmp_path, "cleaned_split")
