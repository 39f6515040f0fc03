"""helpers/assets.py: where the dataset and the weights come from (a mirror, the
default addresses, a local folder, zip or file), the cache that keeps them, the
checks of what arrived (layout, weights' shape), and ``make mirror``
(scripts/fetch.py) serving them to learners. Failures of a download or a zip
itself are in test_downloads.py."""

from __future__ import annotations

import zipfile

import fetch
import pytest
import synthetic
from harness import cache_entries
from synthetic import zip_folder

from helpers import assets, errors


def test_download_through_a_mirror_then_cached(server, small_dataset, monkeypatch):
    root, url = server
    zip_folder(small_dataset, root / assets.DATASET_ZIP)
    monkeypatch.setenv("TL_MIRROR", url)
    monkeypatch.setattr(assets, "DATASET_URLS", ("http://127.0.0.1:9/unused.zip",))
    path = assets.get_dataset_dir(progress=False)
    assert path == assets.get_cache_dir() / "datasets" / assets.DATASET_NAME
    assert fetch.count_images(path) == {
        "train/cats": 3, "train/dogs": 3, "validation/cats": 2, "validation/dogs": 2,
    }
    # no temporary left behind; the verified zip is kept for a mirror
    assert cache_entries() == [assets.DATASET_NAME, assets.DATASET_ZIP]
    (root / assets.DATASET_ZIP).unlink()  # a second call does not download again
    assert assets.get_dataset_dir(progress=False) == path


def test_origins_are_tried_in_order(server, small_dataset, monkeypatch):
    root, url = server
    zip_folder(small_dataset, root / "good.zip")
    monkeypatch.setenv("TL_DATA_URL", f"{url}/missing.zip {url}/good.zip")
    assert assets.get_dataset_dir(progress=False).is_dir()


def test_zip_in_the_wrong_layout(server, monkeypatch):
    root, url = server
    with zipfile.ZipFile(root / "flat.zip", "w") as zf:
        zf.writestr("photos/cat.jpg", b"x")
    monkeypatch.setenv("TL_DATA_URL", f"{url}/flat.zip")
    with pytest.raises(errors.AssetError, match="train/ and a validation/"):
        assets.get_dataset_dir(progress=False)
    assert cache_entries() == []


def test_a_folder_left_by_someone_else_is_not_trusted(monkeypatch):
    leftover = assets.get_cache_dir() / "datasets" / assets.DATASET_NAME / "train"
    leftover.mkdir(parents=True)
    with pytest.raises(errors.AssetError, match="not completed by this project"):
        assets.get_dataset_dir(progress=False)


def test_local_folder_and_parent_folder(small_dataset, monkeypatch):
    monkeypatch.setenv("TL_DATA_DIR", str(small_dataset))
    assert assets.get_dataset_dir() == small_dataset
    wrapper = small_dataset.parent
    renamed = wrapper / assets.DATASET_NAME
    small_dataset.rename(renamed)
    monkeypatch.setenv("TL_DATA_DIR", str(wrapper))
    assert assets.get_dataset_dir() == renamed


def test_local_zip(small_dataset, tmp_path, monkeypatch):
    zip_path = zip_folder(small_dataset, tmp_path / "copy.zip")
    monkeypatch.setenv("TL_DATA_DIR", str(zip_path))
    path = assets.get_dataset_dir(progress=False)
    assert (path / "train" / "cats").is_dir()
    assert assets.get_dataset_dir(progress=False) == path


def test_local_folder_in_the_wrong_layout(tmp_path, monkeypatch):
    (tmp_path / "pictures").mkdir()
    monkeypatch.setenv("TL_DATA_DIR", str(tmp_path / "pictures"))
    with pytest.raises(errors.DatasetError, match="no 'train' folder"):
        assets.get_dataset_dir()


def test_missing_local_paths_name_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_DATA_DIR", str(tmp_path / "nope"))
    with pytest.raises(errors.AssetError, match="TL_DATA_DIR=.*does not exist"):
        assets.get_dataset_dir()
    monkeypatch.setenv("TL_WEIGHTS", str(tmp_path / "nope.h5"))
    with pytest.raises(errors.AssetError, match="TL_WEIGHTS=.*is not a file"):
        assets.get_weights_path()


def test_weights_download_verify_and_cache(server, weights_file, monkeypatch):
    root, url = server
    (root / assets.WEIGHTS_FILE).write_bytes(weights_file.read_bytes())
    monkeypatch.setenv("TL_MIRROR", url)
    monkeypatch.setattr(assets, "WEIGHTS_URL", "http://127.0.0.1:9/unused.h5")
    path = assets.get_weights_path(progress=False)
    assert path == assets.get_cache_dir() / "models" / assets.WEIGHTS_FILE
    assert sorted(p.name for p in path.parent.iterdir()) == [assets.WEIGHTS_FILE]


def test_weights_of_the_wrong_shape_are_refused(server, tmp_path, monkeypatch):
    root, url = server
    synthetic.write_weights(root / assets.WEIGHTS_FILE, alpha=0.5, size=96)
    monkeypatch.setenv("TL_MIRROR", url)
    monkeypatch.setattr(assets, "WEIGHTS_URL", "http://127.0.0.1:9/unused.h5")
    with pytest.raises(errors.AssetError, match="MobileNetV2 .alpha 1.0"):
        assets.get_weights_path(progress=False)
    models = assets.get_cache_dir() / "models"
    assert not models.exists() or list(models.iterdir()) == []


def test_truncated_weights_file(weights_file, tmp_path, monkeypatch):
    cut = tmp_path / "cut.h5"
    raw = weights_file.read_bytes()
    cut.write_bytes(raw[: len(raw) // 3])
    monkeypatch.setenv("TL_WEIGHTS", str(cut))
    with pytest.raises(errors.AssetError, match="not a readable HDF5"):
        assets.get_weights_path()


def test_local_weights_are_used_as_they_are(weights_file, monkeypatch):
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    assert assets.get_weights_path() == weights_file


def test_origins_from_mirror_and_explicit_urls(monkeypatch):
    monkeypatch.setenv("TL_MIRROR", "http://a:1/, http://b:2")
    assert assets.get_origins("f.zip", "TL_DATA_URL", "http://default/f.zip") == [
        "http://a:1/f.zip", "http://b:2/f.zip", "http://default/f.zip",
    ]
    monkeypatch.setenv("TL_DATA_URL", "http://x/1.zip,http://y/2.zip")
    assert assets.get_origins("f.zip", "TL_DATA_URL", "http://default/f.zip") == [
        "http://x/1.zip", "http://y/2.zip",
    ]


def test_make_mirror_then_learners_download_from_it(server, small_dataset,
                                                    weights_file, tmp_path,
                                                    monkeypatch):
    root, url = server
    monkeypatch.setenv("TL_DATA_DIR", str(small_dataset))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    files = fetch.make_mirror(root)
    assert sorted(p.name for p in files) == sorted(
        [assets.DATASET_ZIP, assets.WEIGHTS_FILE])
    # A learner with an empty cache and only the mirror:
    monkeypatch.delenv("TL_DATA_DIR")
    monkeypatch.delenv("TL_WEIGHTS")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "learner"))
    monkeypatch.setenv("TL_MIRROR", url)
    monkeypatch.setattr(assets, "DATASET_URLS", ("http://127.0.0.1:9/x.zip",))
    monkeypatch.setattr(assets, "WEIGHTS_URL", "http://127.0.0.1:9/x.h5")
    data_dir = assets.get_dataset_dir(progress=False)
    assert fetch.count_images(data_dir) == fetch.count_images(small_dataset)
    assert assets.get_weights_path(progress=False).read_bytes() == (
        weights_file.read_bytes())


def test_mirror_without_scheme_is_reported_and_skipped(server, small_dataset,
                                                      monkeypatch):
    root, url = server
    zip_folder(small_dataset, root / assets.DATASET_ZIP)
    monkeypatch.setenv("TL_MIRROR", f"mirror.lan:8000 {url}")
    monkeypatch.setattr(assets, "DATASET_URLS", ("http://127.0.0.1:9/unused.zip",))
    assert assets.get_dataset_dir(progress=False).is_dir()  # the second origin


def test_the_dataset_has_two_default_addresses_tried_in_order(server,
                                                               small_dataset,
                                                               monkeypatch):
    # The course's tutorial version and tensorflow.org's newer tutorial serve the
    # same zip from two addresses: the first first, then the newer one.
    assert assets.DATASET_URLS[0].endswith("/mledu-datasets/" + assets.DATASET_ZIP)
    assert "/download.tensorflow.org/example_images/" in assets.DATASET_URLS[1]
    assert assets.get_origins(assets.DATASET_ZIP, "TL_DATA_URL",
                              assets.DATASET_URLS) == list(assets.DATASET_URLS)
    root, url = server
    zip_folder(small_dataset, root / "newer.zip")
    monkeypatch.setattr(assets, "DATASET_URLS",
                        ("http://127.0.0.1:9/gone.zip", f"{url}/newer.zip"))
    data_dir = assets.get_dataset_dir(progress=False)
    assert fetch.count_images(data_dir) == fetch.count_images(small_dataset)


def test_mirror_serves_only_the_dataset_images(tmp_path, small_dataset, weights_file,
                                                monkeypatch):
    import shutil

    data_dir = shutil.copytree(small_dataset, tmp_path / "with_hidden")
    (data_dir / ".git").mkdir()
    (data_dir / ".git" / "config").write_text("[remote] url = secret")
    (data_dir / "train" / "cats" / ".DS_Store").write_bytes(b"\0\1")
    (data_dir / "train" / "dogs" / ".hidden").mkdir()
    (data_dir / "train" / "dogs" / ".hidden" / "private.jpg").write_bytes(b"x")
    (data_dir / "notes.txt").write_text("not part of the dataset")
    monkeypatch.setenv("TL_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    zip_path, _ = fetch.make_mirror(tmp_path / "mirror")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
    expected = sorted(
        f"{assets.DATASET_NAME}/{p.relative_to(small_dataset).as_posix()}"
        for p in small_dataset.rglob("*") if p.is_file())
    assert sorted(names) == expected


# -- issue 20: KERAS_HOME naming a file --------------------------------------

def keras_home_a_file(home):
    home.write_text("not a folder")


def keras_home_inside_a_file(home):
    home.parent.joinpath("file").write_text("not a folder")
    return home.parent / "file" / "keras"


def subfolder_a_file(name):
    def make(home):
        home.mkdir()
        (home / name).write_text("not a folder")
    return make


def keras_home_a_broken_link(home):
    home.symlink_to(home.parent / "gone" / "away")


BAD_HOMES = {"a file": keras_home_a_file, "inside a file": keras_home_inside_a_file,
             "datasets a file": subfolder_a_file("datasets"),
             "models a file": subfolder_a_file("models"),
             "a broken link": keras_home_a_broken_link}


@pytest.mark.parametrize("make", BAD_HOMES.values(), ids=BAD_HOMES.keys())
@pytest.mark.parametrize("asset", ["dataset", "weights", "dataset zip"])
def test_keras_home_that_is_not_a_folder_names_the_setting(
        tmp_path, monkeypatch, server, small_dataset, weights_file, make, asset):
    if (asset, make) in ((a, BAD_HOMES[m]) for a, m in (
            ("dataset", "models a file"), ("dataset zip", "models a file"),
            ("weights", "datasets a file"))):
        pytest.skip("that asset does not use that folder")
    root, url = server
    home = make(tmp_path / "home") or tmp_path / "home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    before = sorted(p.name for p in tmp_path.iterdir())
    if asset == "dataset":
        zip_folder(small_dataset, root / "d.zip")
        monkeypatch.setenv("TL_DATA_URL", f"{url}/d.zip")
        call = lambda: assets.get_dataset_dir(progress=False)  # noqa: E731
    elif asset == "dataset zip":
        monkeypatch.setenv("TL_DATA_DIR", str(zip_folder(small_dataset,
                                                         tmp_path / "d.zip")))
        before = sorted(p.name for p in tmp_path.iterdir())
        call = lambda: assets.get_dataset_dir(progress=False)  # noqa: E731
    else:
        (root / "w.h5").write_bytes(weights_file.read_bytes())
        monkeypatch.setenv("TL_WEIGHTS_URL", f"{url}/w.h5")
        call = lambda: assets.get_weights_path(progress=False)  # noqa: E731
    with pytest.raises(errors.AssetError) as err:
        call()
    message = str(err.value)
    assert "KERAS_HOME" in message and "a folder you can write to" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- issue 20: make mirror serves the dataset's images, nothing else ---------

def add_text_file(data_dir, outside):
    (data_dir / "train" / "cats" / "notes.txt").write_text("my notes")


def add_text_named_jpg(data_dir, outside):
    (data_dir / "validation" / "dogs" / "fake.jpg").write_text("not an image")


def add_link_to_a_file_outside(data_dir, outside):
    secret = outside / "secret.jpg"
    synthetic.write_image(secret, "cats", __import__("numpy").random.default_rng(0))
    (data_dir / "train" / "dogs" / "linked.jpg").symlink_to(secret)


def add_link_to_a_folder_outside(data_dir, outside):
    (outside / "private").mkdir()
    synthetic.write_image(outside / "private" / "me.jpg", "cats",
                          __import__("numpy").random.default_rng(1))
    (data_dir / "train" / "cats" / "more").symlink_to(outside / "private")


def add_pdf_and_zip(data_dir, outside):
    (data_dir / "train" / "cats" / "paper.pdf").write_bytes(b"%PDF-1.4 ...")
    (data_dir / "validation" / "cats" / "backup.zip").write_bytes(b"PK\x05\x06"
                                                                  + b"\0" * 18)


FOREIGN = {"a text file": add_text_file, "text named .jpg": add_text_named_jpg,
           "link to a file outside": add_link_to_a_file_outside,
           "link to a folder outside": add_link_to_a_folder_outside,
           "a pdf and a zip": add_pdf_and_zip}


@pytest.mark.parametrize("add", FOREIGN.values(), ids=FOREIGN.keys())
def test_make_mirror_zips_only_the_datasets_images(tmp_path, small_dataset,
                                                   weights_file, monkeypatch, add):
    import shutil

    data_dir = shutil.copytree(small_dataset, tmp_path / "data")
    outside = tmp_path / "outside"
    outside.mkdir()
    add(data_dir, outside)
    monkeypatch.setenv("TL_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    zip_path = fetch.zip_dataset(data_dir, tmp_path / "mirror" / assets.DATASET_ZIP)
    with zipfile.ZipFile(zip_path) as zf:
        names = sorted(zf.namelist())
    expected = sorted(
        f"{assets.DATASET_NAME}/{p.relative_to(small_dataset).as_posix()}"
        for p in small_dataset.rglob("*") if p.is_file())
    assert names == expected
    assert sorted(p.name for p in (tmp_path / "mirror").iterdir()) == [
        assets.DATASET_ZIP]


@pytest.mark.parametrize("make", ["a file", "inside a file", "a broken link"])
def test_a_mirror_folder_that_is_not_one_says_so_before_the_work(
        tmp_path, capsys, monkeypatch, make):
    monkeypatch.setenv("TL_DATA_URL", "http://127.0.0.1:9/never-asked.zip")
    target = tmp_path / "mirror"
    if make == "a file":
        target.write_text("in the way")
    elif make == "inside a file":
        (tmp_path / "f").write_text("in the way")
        target = tmp_path / "f" / "mirror"
    else:
        target.symlink_to(tmp_path / "gone")
    assert fetch.main(["--mirror", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(target) in err and "--mirror" in err
    assert "never-asked" not in err  # stopped before any download
