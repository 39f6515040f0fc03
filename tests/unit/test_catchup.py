"""catchup.ensure_stage and catchup.keep, the two calls the notebooks make: a
stage made the quick way (fast.train_quickly), kept in the folder that
persists, found there again by a new session, and 04 fine-tuned from 03's own
model."""

from __future__ import annotations

import pytest

from helpers import catchup, errors, persist, stages


def test_keep_needs_a_folder_that_persists(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    stages.results_path(tmp_path / "a", "split").write_text("{}")
    assert catchup.keep(tmp_path / "a", "split") == []  # none: nothing happens
    monkeypatch.setenv("TL_PERSIST_DIR", str(tmp_path / "kept"))
    assert catchup.keep(tmp_path / "a", "split") == [
        stages.results_path(tmp_path / "kept", "split")]
    assert persist.get_persist_dir() == tmp_path / "kept"


def test_without_catch_up_a_missing_stage_names_its_notebook(assets_here):
    with pytest.raises(errors.MissingArtifactError, match="01_data"):
        catchup.ensure_stage("fine_tuning", assets_here / "a", catch_up=False,
                             progress=False)




# -- issue 20: re-making a split whose recorded settings are odd -------------

ODD_SETTINGS = {
    "seed as text": {"test_fraction": 0.2, "seed": "abc"},
    "fraction as text": {"test_fraction": "0.2", "seed": 123},
    "fraction over 1": {"test_fraction": 2, "seed": 123},
    "negative seed": {"test_fraction": 0.2, "seed": -1},
    "fractional seed": {"test_fraction": 0.2, "seed": 1.5},
    "no seed": {"test_fraction": 0.2},
    "nothing": {},
    "not a number": {"test_fraction": float("nan"), "seed": 123},
}


@pytest.mark.parametrize("settings", ODD_SETTINGS.values(), ids=ODD_SETTINGS.keys())
def test_remaking_a_split_with_odd_settings_says_so(assets_here, settings):
    """The split's images are not on this machine (another data_dir), so the
    catch-up would make it again with its recorded settings."""
    import json

    from test_splits import write_saved_split

    folder = assets_here / "a"
    write_saved_split(folder, assets_here / "elsewhere", settings=settings)
    import shutil
    shutil.rmtree(assets_here / "elsewhere")
    before = stages.results_path(folder, "split").read_bytes()
    with pytest.raises(errors.UnusableArtifactError) as err:
        catchup.rebase_split(folder, progress=False)
    text = str(err.value)
    assert "settings" in text and "split.json" in text and "01_data again" in text
    assert stages.results_path(folder, "split").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["split.json"]
    assert json.loads(before)["settings"] == json.loads(json.dumps(settings))


# -- issue 20: a folder that persists but cannot be used ---------------------

def make_file(path):
    path.write_text("in the way")
    return path


def inside_a_file(path):
    make_file(path)
    return path / "kept"


def broken_link(path):
    path.symlink_to(path.parent / "gone" / "nowhere")
    return path


def too_long(path):
    return path / ("x" * 300)


BAD_PERSIST = {"a file": make_file, "inside a file": inside_a_file,
               "a broken link": broken_link, "a name too long": too_long}


@pytest.mark.parametrize("make", BAD_PERSIST.values(), ids=BAD_PERSIST.keys())
def test_a_persist_folder_that_cannot_be_used_stops_before_the_work(
        tmp_path, monkeypatch, make):
    target = make(tmp_path / "persist")
    monkeypatch.setenv("TL_PERSIST_DIR", str(target))
    (tmp_path / "a").mkdir()
    stages.results_path(tmp_path / "a", "split").write_text("{}")
    for call in (lambda: persist.get_persist_dir(),
                 lambda: catchup.keep(tmp_path / "a", "split"),
                 lambda: catchup.ensure_stage("split", tmp_path / "a",
                                              progress=False)):
        with pytest.raises(errors.UnusableArtifactError) as err:
            call()
        message = str(err.value)
        assert "TL_PERSIST_DIR" in message and "unset it" in message
    assert stages.results_path(tmp_path / "a", "split").read_text() == "{}"
    assert not list(tmp_path.rglob("*.partial*"))


@pytest.mark.parametrize("make", [make_file, inside_a_file])
def test_a_persist_folder_lost_after_the_work_keeps_the_artifacts(tmp_path, make):
    (tmp_path / "a").mkdir()
    stages.results_path(tmp_path / "a", "split").write_text("{}")
    target = make(tmp_path / "persist")
    with pytest.raises(errors.UnusableArtifactError) as err:
        persist.save_to_persist_dir(tmp_path / "a", "split", target)
    message = str(err.value)
    assert str(target) in message and "are kept in" in message
    assert stages.results_path(tmp_path / "a", "split").read_text() == "{}"
    assert not list(tmp_path.rglob("*.partial*"))
