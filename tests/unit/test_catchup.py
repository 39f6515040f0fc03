"""catchup.ensure_stage and catchup.keep, the two calls the notebooks make: a
stage made the quick way (fast.train_quickly), kept in the folder that
persists, found there again by a new session, and 04 fine-tuned from 03's own
model."""

from __future__ import annotations

import json

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
    import shutil

    from test_splits import write_saved_split

    folder = assets_here / "a"
    write_saved_split(folder, assets_here / "elsewhere", settings=settings)
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


# -- issue 20: damaged copies are not taken, a damaged artifact not "found" ---

def cut_json(path):
    path.write_text('{"format": 1, "train": ')


def write_stage_copy(folder, data, damage=None):
    """A split (for files in ``data``) and a feature-extraction stage whose
    model is a (tiny) zip, in ``folder``; ``damage(path)`` applied to one."""
    import zipfile

    from test_splits import write_saved_split

    saved = write_saved_split(folder, data)
    with zipfile.ZipFile(stages.model_path(folder, "feature_extraction"), "w") as zf:
        zf.writestr("config.json", "{}")
    stages.results_path(folder, "feature_extraction").write_text(json.dumps(
        {"split_id": saved["id"], "history": {"epoch": [0]}, "epochs": 1}))
    if damage:
        damage(folder)
    return folder


DAMAGES = {
    "split cut short": lambda f: cut_json(stages.results_path(f, "split")),
    "model not a zip": lambda f: stages.model_path(f, "feature_extraction")
    .write_bytes(b"\0" * 64),
    "results of another shape": lambda f: stages.results_path(
        f, "feature_extraction").write_text('{"history": []}'),
    "split nested too deep": lambda f: stages.results_path(f, "split")
    .write_text("[" * 100_000),
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_local_stage_is_set_aside_for_the_persisted_copy(tmp_path,
                                                                   damage):
    local = write_stage_copy(tmp_path / "a", tmp_path / "data", damage)
    kept = write_stage_copy(tmp_path / "kept", tmp_path / "data")
    damaged = {p.name: p.read_bytes() for p in local.iterdir()}
    done = catchup.ensure(local, "feature_extraction", kept, catch_up=False,
                          progress=False)
    assert "copied its files from" in done and "damaged" in done
    for stage in ("split", "feature_extraction"):
        for path in stages.list_paths(local, stage):
            assert path.read_bytes() == (kept / path.name).read_bytes()
    aside = {p.name: p.read_bytes() for p in local.iterdir() if "damaged-" in p.name}
    assert len(aside) == 1  # the learner's damaged file is kept, renamed
    (name, data), = aside.items()
    assert damaged[name.split(".damaged-")[0]] == data


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_persisted_copy_is_not_taken(tmp_path, damage):
    kept = write_stage_copy(tmp_path / "kept", tmp_path / "data", damage)
    before = {p.name: p.read_bytes() for p in kept.iterdir()}
    (tmp_path / "a").mkdir()
    with pytest.raises(errors.MissingArtifactError):
        catchup.ensure(tmp_path / "a", "feature_extraction", kept, catch_up=False,
                       progress=False)
    assert {p.name: p.read_bytes() for p in kept.iterdir()} == before
    damaged_stage = next(s for s in ("split", "feature_extraction")
                         if stages.find_stage_problem(kept, s))
    assert not any(p.exists() for p in stages.list_paths(tmp_path / "a",
                                                         damaged_stage))

