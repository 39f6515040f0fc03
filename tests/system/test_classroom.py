"""The instructor's kit: checkpoints served by `make mirror`, fetched and verified
by the "If you start here" cells, and one shared server for a room of learners
(docs/classroom.md)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import fetch
import pytest
import synthetic
from harness import execute

from helpers import (
    artifacts,
    assets,
    catchup,
    checks,
    errors,
    fast,
    mirror,
    splits,
    stages,
)

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINTS_DIR = mirror.CHECKPOINTS_DIR
FE, FT = stages.get_stage("feature_extraction"), stages.get_stage("fine_tuning")
CHECKPOINT_FILES = {name for stage in stages.CATCH_UP_STAGES
                    for name in stages.get_stage(stage).files}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_split(data_dir: Path, folder: Path, seed: int = 123):
    report = checks.check_dataset(data_dir, work_dir=folder, progress=False)
    split = splits.make_split(report, (160, 160), 0.2, seed)
    splits.save_split(split, folder)
    return split


def save_stage(folder: Path, stage: str, split, seed: int) -> None:
    """A small stand-in for 03's or 04's model and results, saved as they save."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
    stages.save_stage(folder, stage, split, model, epochs=1,
                      history={"epoch": [0], "val_accuracy": [0.5]})


@pytest.fixture
def instructor(tmp_path, dataset_dir):
    """The instructor's artifacts after running 01, 03 and 04, on a copy of the
    dataset that only the instructor's machine has: (artifacts folder, data)."""
    data = shutil.copytree(dataset_dir, tmp_path / "instructor_data")
    folder = tmp_path / "instructor_artifacts"
    folder.mkdir()
    split = save_split(data, folder)
    save_stage(folder, "feature_extraction", split, seed=1)
    save_stage(folder, "fine_tuning", split, seed=2)
    return folder, data


def learner_files(folder: Path) -> set[str]:
    """Everything in a learner's artifacts folder, hidden temporaries included."""
    return {p.name for p in folder.iterdir()}


def no_training(*args, **kwargs):
    raise AssertionError("trained a model instead of taking the mirror's")


def test_make_mirror_serves_the_checkpoints_with_their_checksums(
        tmp_path, instructor, weights_file, monkeypatch):
    folder, data = instructor
    monkeypatch.setenv("TL_DATA_DIR", str(data))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    mirror = tmp_path / "mirror"
    files = fetch.make_mirror(mirror, progress=False, artifacts_dir=folder)

    checkpoints = mirror / CHECKPOINTS_DIR
    assert {p.relative_to(mirror).as_posix() for p in files} == {
        assets.DATASET_ZIP, assets.WEIGHTS_FILE,
        *(f"checkpoints/{n}" for n in CHECKPOINT_FILES), "checkpoints/manifest.json"}
    assert {p.name for p in checkpoints.iterdir()} == CHECKPOINT_FILES | {
        "manifest.json"}  # no temporary left
    manifest = json.loads((checkpoints / "manifest.json").read_text())
    assert manifest["stages"] == ["split", "feature_extraction", "fine_tuning"]
    assert manifest["split_id"] == json.loads(
        (folder / "split.json").read_text())["id"]
    assert manifest["files"] == {
        name: {"sha256": sha256(folder / name),
               "bytes": (folder / name).stat().st_size}
        for name in CHECKPOINT_FILES}
    assert all((checkpoints / n).read_bytes() == (folder / n).read_bytes()
               for n in CHECKPOINT_FILES)
    # readable by others: a web server's user, learners reading it as file://
    assert all(p.stat().st_mode & 0o444 == 0o444 for p in files)


def test_make_mirror_says_what_is_missing_or_stale_and_serves_the_rest(
        tmp_path, instructor, dataset_dir):
    folder, data = instructor
    target = tmp_path / "mirror" / "checkpoints"
    fetch.copy_checkpoints(folder, target)  # an earlier mirror: every stage
    # Since then: 01 re-run with other settings (03's model is now stale) and
    # 04's model deleted.
    save_split(data, folder, seed=7)
    (folder / FT.model).unlink()

    served, split_id, notes = fetch.find_checkpoints(folder)
    assert served == ["split"]
    assert split_id == json.loads((folder / "split.json").read_text())["id"]
    assert any("feature_extraction left out" in n and "another split" in n
               and "Re-run 03_feature_extraction" in n for n in notes), notes
    assert any(f"{FT.model} not in" in n and "04_fine_tuning" in n
               and "--quick" in n for n in notes), notes
    fetch.copy_checkpoints(folder, target)
    assert {p.name for p in target.iterdir()} == {"split.json", "manifest.json"}
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["stages"] == ["split"] and list(manifest["files"]) == [
        "split.json"]

    empty = tmp_path / "nothing_run_yet"
    empty.mkdir()
    served, _, notes = fetch.find_checkpoints(empty)
    assert served == [] and "Run the notebooks 01_data, 03 and 04" in notes[0]
    assert fetch.copy_checkpoints(empty, target) == []
    assert list(target.iterdir()) == []  # nothing stale served


def test_a_learner_who_fell_behind_gets_the_checkpoints_verified(
        tmp_path, server, instructor, weights_file, monkeypatch):
    """`make mirror`, served; a learner with an empty artifacts folder and only
    TL_MIRROR opens 04, then 05: the split, the dataset and both models come
    from the mirror, checked, and nothing is trained."""
    root, url = server
    folder, data = instructor
    monkeypatch.setenv("TL_DATA_DIR", str(data))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    fetch.make_mirror(root, progress=False, artifacts_dir=folder)
    data.rename(tmp_path / "gone")  # the split's images: not on the learner's machine

    monkeypatch.delenv("TL_DATA_DIR")
    monkeypatch.delenv("TL_WEIGHTS")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "learner_keras"))
    monkeypatch.setenv("TL_MIRROR", url)
    monkeypatch.setattr(fast, "train_quickly", no_training)
    learner = tmp_path / "learner"
    learner.mkdir()
    text = catchup.ensure(learner, "feature_extraction", progress=False)
    assert "01_data: took the instructor's checkpoint from the classroom mirror" in text
    assert "made the same split again" in text  # on the dataset from the mirror
    assert ("03_feature_extraction: took the instructor's checkpoint from the "
            f"classroom mirror {url}/checkpoints") in text
    assert "sha256 verified" in text
    assert (learner / FE.model).read_bytes() == (
        folder / FE.model).read_bytes()
    results = json.loads((learner / FE.results).read_text())
    instructors = json.loads((folder / FE.results).read_text())
    assert results == {**instructors, "source": "mirror",
                       "mirror": f"{url}/checkpoints"}
    split = splits.load_split(learner)  # the learner's own copy of the images
    assert split.id == instructors["split_id"]
    assert str(assets.get_cache_dir()) in split.data_dir
    stages.check_same_split(results, split, "03_feature_extraction")
    artifacts.load_model(learner / FE.model, "03_feature_extraction")

    text = catchup.ensure(learner, "fine_tuning", progress=False)  # 05 alone
    assert text.startswith("04_fine_tuning: took the instructor's checkpoint")
    assert (learner / FT.model).read_bytes() == (
        folder / FT.model).read_bytes()
    assert not [n for n in learner_files(learner) if n.startswith(".")]
    assert catchup.ensure(learner, "fine_tuning", progress=False) == (
        f"found what 04_fine_tuning saved in {learner}")


@pytest.mark.parametrize("damage", ["altered", "truncated", "unlisted"])
def test_a_tampered_checkpoint_is_refused_and_nothing_is_kept(
        tmp_path, server, instructor, monkeypatch, damage):
    root, url = server
    folder, data = instructor
    checkpoints = root / CHECKPOINTS_DIR
    fetch.copy_checkpoints(folder, checkpoints)
    manifest = json.loads((checkpoints / "manifest.json").read_text())
    if damage == "altered":  # one byte in the middle, same size
        name = FE.model
        raw = bytearray((checkpoints / name).read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        (checkpoints / name).write_bytes(bytes(raw))
    elif damage == "truncated":
        name = FE.results
        raw = (checkpoints / name).read_bytes()
        (checkpoints / name).write_bytes(raw[: len(raw) // 2])
    else:
        name = FE.results
        del manifest["files"][name]
        (checkpoints / "manifest.json").write_text(json.dumps(manifest))

    monkeypatch.setenv("TL_DATA_DIR", str(data))
    monkeypatch.setenv("TL_MIRROR", url)
    monkeypatch.setattr(fast, "train_quickly", no_training)
    learner = tmp_path / "learner"
    learner.mkdir()
    with pytest.raises(errors.AssetError) as error:
        catchup.ensure(learner, "feature_extraction", progress=False)
    message = str(error.value)
    assert name in message and "make mirror" in message and "TL_MIRROR" in message
    if damage == "unlisted":
        assert "gives no sha256 and size" in message
    else:
        expected = manifest["files"][name]
        assert f"the manifest expects {expected['sha256']}" in message
        assert f"its sha256 is {sha256(checkpoints / name)}" in message
        assert "nothing was kept" in message
    # The split was verified and is there; of 03's checkpoint, nothing at all.
    assert learner_files(learner) == {"split.json"}


def test_a_checkpoint_of_another_split_is_not_used(tmp_path, server, instructor,
                                                   dataset_dir, weights_file,
                                                   monkeypatch):
    """A learner who ran 01 with other settings: the instructor's model could have
    validated on the learner's test images. It is left on the mirror and 03's
    model is made the quick way on the learner's own split."""
    root, url = server
    folder, _ = instructor
    fetch.copy_checkpoints(folder, root / CHECKPOINTS_DIR)
    learner = tmp_path / "learner"
    learner.mkdir()
    mine = save_split(dataset_dir, learner, seed=7)
    monkeypatch.setenv("TL_DATA_DIR", str(dataset_dir))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    monkeypatch.setenv("TL_MIRROR", url)

    text = catchup.ensure(learner, "feature_extraction", progress=False)
    assert ("03_feature_extraction: the classroom mirror's checkpoint was made on "
            "another split") in text
    assert f"than your split.json (id {mine.id}): not used" in text
    assert "03_feature_extraction: trained its model now the quick way" in text
    results = json.loads((learner / FE.results).read_text())
    assert results["split_id"] == mine.id and results["made_by"] == "catch-up"
    assert "source" not in results
    assert json.loads((learner / "split.json").read_text())["id"] == mine.id


def test_a_split_of_another_dataset_or_no_checkpoints_make_it_here(
        tmp_path, server, instructor, monkeypatch):
    """The mirror's split lists the instructor's images; a learner with other
    images does not keep it. A mirror without checkpoints is named, not fatal."""
    root, url = server
    folder, data = instructor
    fetch.copy_checkpoints(folder, root / CHECKPOINTS_DIR)
    data.rename(tmp_path / "gone")
    own = synthetic.make_dataset(tmp_path / "own_images", n_train=6,
                                 n_validation=6, seed=5)
    monkeypatch.setenv("TL_DATA_DIR", str(own))
    monkeypatch.setenv("TL_MIRROR", url)
    learner = tmp_path / "learner"
    learner.mkdir()
    text = catchup.ensure(learner, "split", progress=False)
    assert "01_data: the mirror's split lists another dataset" in text
    assert "01_data: made the split now" in text
    assert splits.load_split(learner).data_dir == str(own)

    shutil.rmtree(root / CHECKPOINTS_DIR)  # a mirror of the assets only
    other = tmp_path / "other_learner"
    other.mkdir()
    text = catchup.ensure(other, "split", progress=False)
    assert "No checkpoints from the classroom mirror" in text and "404" in text
    assert "01_data: made the split now" in text


def test_on_one_machine_the_mirror_folder_serves_as_a_file_url(
        tmp_path, instructor, monkeypatch):
    """A shared server needs no web server: TL_MIRROR=file:///srv/course/mirror."""
    folder, data = instructor
    mirror = tmp_path / "mirror"
    fetch.copy_checkpoints(folder, mirror / CHECKPOINTS_DIR)
    monkeypatch.setenv("TL_DATA_DIR", str(data))
    monkeypatch.setenv("TL_MIRROR", mirror.as_uri())
    monkeypatch.setattr(fast, "train_quickly", no_training)
    learner = tmp_path / "learner"
    learner.mkdir()
    text = catchup.ensure(learner, "fine_tuning", progress=False)
    assert ("04_fine_tuning: took the instructor's checkpoint from the classroom "
            f"mirror {mirror.as_uri()}/checkpoints") in text
    assert learner_files(learner) == {"split.json", *FT.files}


def snapshot(folder: Path) -> dict:
    """Every path under ``folder`` with its size and modification time."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in [folder, *folder.rglob("*")]}


def set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod((0o755 if path.is_dir() else 0o644) if writable else
                   (0o555 if path.is_dir() else 0o444))


def test_a_shared_server_one_dataset_one_artifacts_folder_per_learner(
        tmp_path, weights_file, monkeypatch):
    """One machine for a room: a read-only dataset and one weights file shared by
    all, TL_ARTIFACTS_DIR per learner. Two learners run 01 (with other
    settings) and catch up on 03: each folder holds its own split and model,
    neither refers to the other's, and the dataset is never written to (root
    ignores permissions, so its listing and times are compared too)."""
    shared = synthetic.make_dataset(tmp_path / "shared" / "cats_and_dogs_filtered",
                                    n_train=12, n_validation=24)
    before = snapshot(shared)
    set_writable(shared, False)
    learners = {name: tmp_path / f"home_{name}" / "artifacts" for name in "ab"}
    settings = {"a": {}, "b": {"SEED": 7}}
    try:
        for name, folder in learners.items():
            env = {"TL_DATA_DIR": str(shared), "TL_WEIGHTS": str(weights_file),
                   "TL_ARTIFACTS_DIR": str(folder), "MPLBACKEND": "Agg",
                   "KERAS_HOME": str(folder.parent / ".keras")}
            error, _ = execute(ROOT / "notebooks" / "01_data.ipynb", env,
                               ROOT / "notebooks", settings[name])
            assert error is None, error and error.evalue
            for key, value in env.items():  # 04's "If you start here" cell
                monkeypatch.setenv(key, value)
            text = catchup.ensure(artifacts.get_artifacts_dir(), "feature_extraction",
                                  progress=False)
            assert "03_feature_extraction: trained its model now" in text
            assert "01_data" not in text  # the learner's own split, as 01 saved it
        assert snapshot(shared) == before
    finally:
        set_writable(shared, True)

    ids = {}
    for name, folder in learners.items():
        split = splits.load_split(folder)
        assert split.data_dir == str(shared)
        results = json.loads((folder / FE.results).read_text())
        assert results["split_id"] == split.id
        assert {"split.json", FE.model} <= learner_files(folder)
        ids[name] = split.id
        other = learners["b" if name == "a" else "a"]
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix == ".json":
                assert str(other.parent) not in path.read_text(), path
    assert ids["a"] != ids["b"]  # each learner's own settings, own split
