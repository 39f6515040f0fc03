"""helpers/artifacts.py: what one notebook saves and the next one loads. Saved
files are never half-written (a crash while saving keeps the previous file); a
missing or damaged artifact names itself, the notebook that makes it and the
fix, shown as its message alone; an artifacts folder that cannot be used says
so; and messages show project paths relative to the notebook."""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from synthetic import cut_file, make_small_model

from helpers import artifacts, errors


class Boom(RuntimeError):
    pass


def test_crash_while_saving_json_keeps_the_previous_file(tmp_path):
    path = tmp_path / "history.json"
    artifacts.save_json({"epoch": [0, 1]}, path)

    def crash(tmp):
        Path(tmp).write_text('{"epoch": [0, 1, 2')  # half written
        raise Boom

    with pytest.raises(Boom):
        artifacts.write_atomically(path, crash)
    assert json.loads(path.read_text()) == {"epoch": [0, 1]}
    assert [p.name for p in tmp_path.iterdir()] == ["history.json"]


def test_crash_while_saving_a_model_keeps_the_previous_model(tmp_path, monkeypatch):
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    path = tmp_path / "models" / "model.keras"
    artifacts.save_model(model, path)
    before = path.read_bytes()
    original = tf.keras.Model.save

    def crash_after_partial_write(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)
        Path(filepath).write_bytes(Path(filepath).read_bytes()[:100])
        raise Boom

    monkeypatch.setattr(tf.keras.Model, "save", crash_after_partial_write)
    with pytest.raises(Boom):
        artifacts.save_model(model, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["model.keras"]
    monkeypatch.undo()
    assert artifacts.load_model(path, "03").count_params() == 4


def test_missing_artifact_names_the_notebook_to_run(tmp_path):
    with pytest.raises(errors.MissingArtifactError,
                       match="Run the notebook 03_feature_extraction first"):
        artifacts.load_model(tmp_path / "model.keras", "03_feature_extraction")
    with pytest.raises(errors.MissingArtifactError, match="04_fine_tuning"):
        artifacts.load_json(tmp_path / "x.json", "04_fine_tuning")


def test_model_file_name_must_end_in_keras(tmp_path):
    with pytest.raises(ValueError, match=".keras"):
        artifacts.save_model(object(), tmp_path / "model.h5")


def test_artifacts_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TL_ARTIFACTS_DIR", str(tmp_path / "mine"))
    assert artifacts.get_artifacts_dir("../artifacts") == tmp_path / "mine"
    assert (tmp_path / "mine").is_dir()


def test_messages_show_project_paths_relative_to_the_notebook(tmp_path, monkeypatch):
    """A stored output prints ../artifacts, never the author's absolute path; a
    folder outside the project is shown as it is."""
    from helpers.artifacts import describe_path

    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    monkeypatch.chdir(project / "notebooks")
    assert describe_path(project / "artifacts") == "../artifacts"
    assert describe_path(project / "notebooks" / "x") == "x"
    elsewhere = tmp_path / "elsewhere"
    assert describe_path(elsewhere) == str(elsewhere)


# -- damaged artifacts -------------------------------------------------------

def keras_zip_without_config(path: Path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", "{}")


def flip_a_byte_inside(path: Path):
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("model.weights.h5")
    raw[info.header_offset + 200] ^= 0xFF
    path.write_bytes(bytes(raw))


BAD_MODELS = [
    ("cut-short", cut_file, "not a complete .keras file"),
    ("text", lambda p: p.write_text("hello"), "not a complete .keras file"),
    ("empty", lambda p: p.write_bytes(b""), "not a complete .keras file"),
    ("no-config", keras_zip_without_config, "does not load as a Keras model"),
    ("bad-crc", flip_a_byte_inside, "does not load as a Keras model .BadZipFile"),
    ("a-folder", lambda p: (p.unlink(), p.mkdir()), "it is not a file"),
]


@pytest.fixture(scope="module")
def saved_model_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.keras"
    artifacts.save_model(make_small_model(2), path)
    return path.read_bytes()


@pytest.mark.parametrize("damage, message", [c[1:] for c in BAD_MODELS],
                         ids=[c[0] for c in BAD_MODELS])
def test_a_damaged_model_names_itself_its_notebook_and_the_fix(
        tmp_path, saved_model_bytes, damage, message):
    path = tmp_path / "model.keras"
    path.write_bytes(saved_model_bytes)
    damage(path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(errors.UnusableArtifactError) as err:
        artifacts.load_model(path, "03_feature_extraction")
    text = str(err.value)
    assert re.search(message, text), text
    assert str(path) in text and "File not found" not in text
    assert "Run the notebook 03_feature_extraction again" in text
    assert isinstance(err.value, errors.MissingArtifactError)  # as 02-06 expect
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing added


def in_the_way(tmp_path):
    (tmp_path / "artifacts").write_text("a file, not a folder")
    return tmp_path / "artifacts"


def under_a_file(tmp_path):
    (tmp_path / "notes").write_text("a file")
    return tmp_path / "notes" / "artifacts"


def read_only(tmp_path):
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    (tmp_path / "artifacts").mkdir(mode=0o500)
    return tmp_path / "artifacts"


@pytest.mark.parametrize("make", [in_the_way, under_a_file, read_only],
                         ids=["a-file", "under-a-file", "read-only"])
def test_an_artifacts_folder_that_cannot_be_used_says_so(tmp_path, monkeypatch,
                                                         make):
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setenv("TL_ARTIFACTS_DIR", str(path))
    with pytest.raises(errors.UnusableArtifactError) as err:
        artifacts.get_artifacts_dir()
    text = str(err.value)
    assert f"The artifacts folder {path} cannot be used" in text
    assert "Set TL_ARTIFACTS_DIR to a folder you can write to" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_the_notebook_shows_the_new_error_as_its_message_alone(tmp_path,
                                                              monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    from helpers import session

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    shell = InteractiveShell.instance(history_length=0)
    try:
        session.setup_notebook()
        shell.run_cell("from helpers import errors\n"
                       "raise errors.UnusableArtifactError('x.keras cannot be "
                       "used: ... Run the notebook 03 again')")
    finally:
        InteractiveShell.clear_instance()
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "UnusableArtifactError: x.keras cannot be used" in shown
    assert "Traceback" not in shown and "raise" not in shown


# -- issue 20: long names, deep JSON, leftovers of a killed save -------------

def list_folder(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", [
    "a" * 250 + ".json",                      # 255 bytes: the longest allowed
    "क" * 80 + ".json",                       # 245 bytes of Devanagari
    "m" * 243 + ".keras",                     # a model's suffix kept
    "photo." + "é" * 120 + ".tar.gz",         # several suffixes, 2-byte letters
    "x" * 255,                                # no suffix at all
])
def test_a_long_valid_name_is_written_atomically(tmp_path, name):
    assert len(name.encode()) <= 255
    path = artifacts.write_atomically(tmp_path / name,
                                      lambda tmp: Path(tmp).write_text("ok"))
    assert path.read_text() == "ok"
    assert list_folder(tmp_path) == [name]  # no temporary file left behind


def test_a_failed_save_of_a_long_name_leaves_nothing(tmp_path):
    name = "ब" * 83 + ".json"  # 254 bytes

    def crash(tmp):
        Path(tmp).write_text("half")
        raise Boom

    with pytest.raises(Boom):
        artifacts.write_atomically(tmp_path / name, crash)
    assert list_folder(tmp_path) == []


DEEP_JSON = {
    "arrays": "[" * 100_000 + "]" * 100_000,
    "objects": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "deep inside a dict": '{"history": ' + "[" * 60_000 + "]" * 60_000 + "}",
    "mixed, cut short": '[{"a":' * 40_000,
}


@pytest.mark.parametrize("text", DEEP_JSON.values(), ids=DEEP_JSON.keys())
def test_deeply_nested_json_is_a_damaged_artifact(tmp_path, text):
    path = tmp_path / "results.json"
    path.write_text(text)
    with pytest.raises(errors.UnusableArtifactError) as err:
        artifacts.load_json(path, "04_fine_tuning")
    message = str(err.value)
    assert "nested too deeply" in message and "04_fine_tuning again" in message
    assert path.read_text() == text  # the learner's file is left as it is


@pytest.mark.parametrize("text", DEEP_JSON.values(), ids=DEEP_JSON.keys())
def test_every_json_reader_refuses_deep_json(tmp_path, text):
    from helpers import checks, training

    path = tmp_path / "some.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="nested too deeply"):
        artifacts.read_json(path)
    assert training.read_json_or_none(path) is None
    assert checks.read_check_cache(path, "key", tmp_path) is None


def test_json_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(artifacts, "MAX_JSON_BYTES", 1000)
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"paths": ["x" * 50] * 40}))
    with pytest.raises(errors.UnusableArtifactError, match="larger than 1,000"):
        artifacts.load_json(path, "01_data")


@pytest.mark.parametrize("leftover", [
    ".split.abc123.partial.json",       # the old temporary names
    ".tl-8f3a9c2e.partial",             # the new ones
    ".mirror-k2j3.partial",             # a mirror download's staging folder
    ".cats_and_dogs_filtered.x1.partial",  # an extraction's folder
])
def test_partial_files_of_a_killed_save_are_removed_once_stale(tmp_path, leftover):
    stale = tmp_path / leftover
    if "mirror" in leftover or "dogs" in leftover:
        stale.mkdir()
        (stale / "inside.bin").write_bytes(b"x")
    else:
        stale.write_bytes(b"half a model")
    old = time.time() - artifacts.STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / ".other.fresh.partial.json"  # another process, writing now
    fresh.write_bytes(b"being written")
    keep = tmp_path / "notes.partial.txt"  # the learner's, not hidden: never
    keep.write_text("mine")
    os.utime(keep, (old, old))
    artifacts.save_json({"a": 1}, tmp_path / "results.json")
    assert list_folder(tmp_path) == sorted(
        [fresh.name, keep.name, "results.json"])
