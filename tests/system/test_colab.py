"""Colab, simulated: a fresh runtime where ``helpers`` is not installed, a fake
``google.colab`` module imported at kernel start (as Colab does), the setup cell
installing the course at the notebooks' tag (its GitHub address, which git is
told to read from a local clone), and notebooks opened alone that catch up on, or
fetch, what earlier notebooks save."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import nbrun
import pytest
from badges import OLD_SETUP_MARK, SETUP_MARK, SETUP_METADATA, read_config, setup_cell
from harness import execute, output_text

from helpers import stages

ROOT = Path(__file__).resolve().parents[2]
FAKE_COLAB = '''"""Stand-ins for the parts of google.colab the notebooks may call."""
'''
FAKE_DRIVE = '''calls = []


def mount(mountpoint, **kwargs):
    calls.append(mountpoint)
'''
FAKE_FILES = '''def upload():
    raise RuntimeError("files.upload() would block 'Run all' on Colab")
'''


def test_every_notebook_starts_with_the_same_setup_cell():
    repository, ref = read_config()
    expected = setup_cell(repository, ref)
    for path in nbrun.notebook_paths():
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].source == expected, f"{path.name}: run `make badges`"
        assert SETUP_METADATA.items() <= code[0].metadata.items(), path.name
        assert sum(c.source.startswith((SETUP_MARK, OLD_SETUP_MARK))
                   for c in code) == 1


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A kernel like a fresh Colab runtime; returns (kernel name, extra env, the
    runtime's python)."""
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"],
                      capture_output=True).returncode != 0:
        pytest.skip("needs this project as a git checkout")
    work = tmp_path_factory.mktemp("colab")
    repository, ref = read_config()
    clone = work / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "tag", "-f", ref], check=True,
                   capture_output=True)
    venv = work / "runtime"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
         "['purelib'])"], check=True, capture_output=True, text=True).stdout.strip()
    # TensorFlow & co. from our environment, as Colab has them preinstalled; a
    # path line, so the editable install of this project is NOT seen.
    Path(purelib, "preinstalled.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    fake = work / "fake"
    (fake / "google" / "colab").mkdir(parents=True)  # google: a namespace package
    (fake / "google" / "colab" / "__init__.py").write_text(FAKE_COLAB)
    (fake / "google" / "colab" / "drive.py").write_text(FAKE_DRIVE)
    (fake / "google" / "colab" / "files.py").write_text(FAKE_FILES)
    spec = work / "jupyter" / "kernels" / "fake-colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-c", "import google.colab; from ipykernel import "
                 "kernelapp; kernelapp.launch_new_instance()",
                 "-f", "{connection_file}"],
        "display_name": "fake Colab", "language": "python",
        "env": {"PYTHONPATH": str(fake)},
    }))
    check = subprocess.run([str(python), "-c", "import helpers"], cwd=work,
                           capture_output=True, env={**os.environ, "PYTHONPATH": ""})
    assert check.returncode != 0, "helpers must not be importable before setup"
    env = {"JUPYTER_PATH": str(work / "jupyter"),
           # the setup cell's git+https://github.com/... read from the clone
           "GIT_CONFIG_COUNT": "1",
           "GIT_CONFIG_KEY_0": f"url.{clone.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": repository,
           # offline: the clone is the only source; build with what is installed
           "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"}
    return "fake-colab", env, python


def installed_from(python: Path) -> str:
    """Where the runtime's pip says this course is installed ("" if not)."""
    shown = subprocess.run([str(python), "-m", "pip", "show",
                            "transfer-learning-course"],
                           capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in shown.splitlines()
                 if line.startswith("Location:")), "")


def run_alone(notebook: str, kernel: str, env: dict, cwd: Path,
              stop_after: str | None = None):
    """Run a notebook from the top like "Run all" (up to the cell containing
    ``stop_after``, if given); return (error, printed text)."""
    error, nb = execute(ROOT / "notebooks" / f"{notebook}.ipynb", env, cwd,
                        kernel=kernel, stop_after=stop_after)
    return error, output_text(nb)


def test_a_notebook_opened_alone_takes_what_drive_kept(colab, tmp_path, smoke_work):
    """05 alone on a fresh runtime: it installs the course from the repository,
    and takes 01's split and 04's model from Drive, where an earlier session
    kept them (the smoke run's model; the split made on images that have moved
    since, so it is made again and must come out the same). It runs up to the
    test accuracy, which reads both: the rest of 05 runs in the smoke run here
    (`make colab-test`: the same versions) and, from a catch-up, in the
    browser. Making a missing stage the quick way: tests/system/test_quick_path.py
    and the browser's 05; a notebook keeping its files in Drive:
    test_quick_path.py."""
    import shutil

    from helpers import checks, splits

    kernel, env, python = colab
    first = shutil.copytree(smoke_work / "data" / "cats_and_dogs",
                            tmp_path / "data_first_runtime")
    persist = tmp_path / "drive"
    persist.mkdir()
    for path in stages.list_paths(smoke_work / "artifacts", "fine_tuning"):
        shutil.copy2(path, persist)
    report = checks.check_dataset(first, work_dir=tmp_path / "check", progress=False)
    split = splits.make_split(report, (160, 160), 0.2, 123)
    assert split.id == splits.load_split(smoke_work / "artifacts").id
    splits.save_split(split, persist)  # as 01 kept it in the first session
    moved = first.rename(tmp_path / "data_second_runtime")
    empty = tmp_path / "cwd"
    empty.mkdir()

    error, text = run_alone("05_evaluation", kernel, {
        **env, "TL_DATA_DIR": str(moved), "MPLBACKEND": "Agg",
        "TL_WEIGHTS": str(smoke_work / "data" / "random_mobilenet_v2_no_top.h5"),
        "TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "TL_PERSIST_DIR": str(persist)}, empty,
        stop_after="model.evaluate(test_dataset")
    assert error is None, error and (error.ename, error.evalue)
    assert "Test accuracy: " in text
    assert Path(installed_from(python)).is_relative_to(python.parent.parent)
    assert "04_fine_tuning: copied its files from" in text
    assert "made the same split again" in text
    assert "made the split now" not in text and "the quick way" not in text
    assert list(empty.iterdir()) == []  # nothing written into the working folder


def test_drive_is_mounted_only_when_asked_and_only_on_colab(monkeypatch, tmp_path):
    import types

    from helpers import persist

    monkeypatch.delenv("TL_PERSIST_DIR", raising=False)
    assert persist.get_persist_dir(mount_drive=True) is None  # not on Colab
    mounted = []
    drive = types.SimpleNamespace(mount=mounted.append)
    colab = types.ModuleType("google.colab")
    colab.drive = drive
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    assert persist.get_persist_dir(mount_drive=False) is None and not mounted
    folder = persist.get_persist_dir(mount_drive=True, drive_root=str(tmp_path))
    assert mounted == [str(tmp_path)]
    assert folder == tmp_path / "MyDrive" / "transfer-learning-course" / "artifacts"
    monkeypatch.setenv("TL_PERSIST_DIR", str(tmp_path / "mine"))
    assert persist.get_persist_dir(mount_drive=True) == tmp_path / "mine"


def test_without_catch_up_a_half_saved_stage_stops_and_is_kept(tmp_path, report_split):
    """03 killed between its two saves: the model is there, its results are not.
    With CATCH_UP = False nothing is made or replaced; the message names 03."""
    from helpers import catchup, errors

    model = stages.model_path(tmp_path, "feature_extraction")
    model.write_bytes(b"the learner's model")
    results = stages.get_stage("feature_extraction").results
    with pytest.raises(errors.MissingArtifactError,
                       match=f"{results}.*03_feature_extraction"):
        catchup.ensure(tmp_path, "feature_extraction", catch_up=False)
    assert model.read_bytes() == b"the learner's model"


@pytest.fixture
def report_split(tmp_path, dataset_dir):
    from helpers import checks, splits

    report = checks.check_dataset(dataset_dir, work_dir=tmp_path, progress=False)
    splits.save_split(splits.make_split(report, (160, 160), 0.2, 123), tmp_path)
