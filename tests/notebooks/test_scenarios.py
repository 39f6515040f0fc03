"""The notebooks run: JupyterLab serves them, and they fail clearly when run out
of order or offline. (Their format, read without running them, is
tests/static/test_notebook_format.py.)"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
import synthetic
from harness import execute, output_text, serve_folder

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_jupyterlab_serves_the_notebooks_like_make_lab(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    port, token = free_port(), "course-test-token"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    log = tmp_path / "lab.log"  # a file, not a pipe: a full pipe would block
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"PY={sys.executable}", f"LAB_PORT={port}",
         f"LAB_TOKEN={token}"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        listing = None
        for _ in range(120):
            try:
                listing = get_json(f"{base}/api/contents/notebooks?token={token}")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(log.read_text()[-2000:])
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer within 60 s"
        names = {item["name"] for item in listing["content"]}
        # each lesson once: the notebooks, and their .py pairs tucked in py/
        assert names == {p.name for p in NOTEBOOKS} | {"py"}, names
        model = get_json(f"{base}/api/contents/notebooks/01_data.ipynb"
                         f"?type=notebook&content=1&token={token}")
        assert model["type"] == "notebook"
        assert model["content"]["cells"][0]["source"].startswith("# 1. Data")
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def test_notebooks_run_out_of_order_say_what_to_run(tmp_path, dataset_dir):
    env = {"TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
           "TL_DATA_DIR": str(dataset_dir)}
    no_catch_up = {"CATCH_UP": False}  # (catching up: tests/system/test_colab.py)
    error, _ = execute(ROOT / "notebooks" / "04_fine_tuning.ipynb", env,
                       ROOT / "notebooks", no_catch_up)
    assert error is not None and error.ename == "MissingArtifactError"
    assert "Run the notebook 01_data first" in error.evalue
    assert len(error.traceback) == 1  # the message, not a stack trace
    error, _ = execute(ROOT / "notebooks" / "01_data.ipynb", env, ROOT / "notebooks")
    assert error is None, error and error.evalue
    error, _ = execute(ROOT / "notebooks" / "04_fine_tuning.ipynb", env,
                       ROOT / "notebooks", no_catch_up)
    assert error is not None and error.ename == "MissingArtifactError"
    assert "Run the notebook 03_feature_extraction first" in error.evalue


def test_05_tests_on_the_split_of_01_whatever_its_own_batch_size(tmp_path,
                                                                smoke_work,
                                                                tiny_model):
    """BATCH_SIZE in a later notebook cannot move images into the test set; a
    model trained on another split than 01's current one is refused."""
    import tensorflow as tf

    from helpers import checks, splits, stages

    work = tmp_path / "artifacts"
    data = smoke_work / "data" / "cats_and_dogs"  # the smoke run's, read only
    env = {"TL_ARTIFACTS_DIR": str(work), "TL_DATA_DIR": str(data)}
    notebooks = ROOT / "notebooks"
    error, _ = execute(notebooks / "01_data.ipynb", env, notebooks,
                       {"BATCH_SIZE": 8})
    assert error is None, error and error.evalue
    split = splits.load_split(work)
    # 01's own BATCH_SIZE does not move test images: the smoke run's 01 (its
    # default BATCH_SIZE, on the same images) made the same split
    assert split == splits.load_split(smoke_work / "artifacts")
    tiny_model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                       metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0)])
    stages.save_stage(work, "fine_tuning", split, tiny_model, epochs=1,
                      history={"epoch": [1], "val_accuracy": [0.5]})

    # 05 with its own BATCH_SIZE, up to its test accuracy (the whole of 05 runs
    # in the smoke run)
    error, nb = execute(notebooks / "05_evaluation.ipynb", env, notebooks,
                        {"BATCH_SIZE": 5}, stop_after="n_test = len(split.test)")
    assert error is None, error and error.evalue
    text = output_text(nb)
    assert "Test accuracy: " in text
    assert f"{len(split.test)} test images: one image = " in text

    # 01 re-run with another TEST_FRACTION (here its helpers, as 01 calls them)
    report = checks.check_dataset(data, work_dir=tmp_path / "check", progress=False)
    splits.save_split(splits.make_split(report, split.image_size, 0.7,
                                        split.settings["seed"]), work)
    assert splits.load_split(work).id != split.id
    error, _ = execute(notebooks / "05_evaluation.ipynb", env, notebooks)
    assert error is not None and error.ename == "ArtifactMismatchError"
    assert "trained on another split" in error.evalue
    assert "Re-run 04_fine_tuning" in error.evalue
    assert len(error.traceback) == 1


def test_offline_first_notebook_gives_an_actionable_message(tmp_path):
    port = free_port()  # nothing listens there: like a machine without network
    error, _ = execute(ROOT / "notebooks" / "01_data.ipynb",
                       {"TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
                        "KERAS_HOME": str(tmp_path / "keras"),
                        "TL_DATA_URL": f"http://127.0.0.1:{port}/cats.zip"},
                       ROOT / "notebooks")
    assert error is not None and error.ename == "AssetError"
    assert "cannot connect" in error.evalue
    for hint in ("TL_DATA_DIR", "TL_MIRROR", "make fetch"):
        assert hint in error.evalue
    assert len(error.traceback) == 1
    assert not any((tmp_path / "keras").rglob("*.zip"))


def test_first_notebook_runs_through_the_download_path(tmp_path):
    """A loopback mirror serving a dataset zip: 01 downloads, extracts, runs."""
    www = tmp_path / "www"
    src = synthetic.make_dataset(tmp_path / "src")
    www.mkdir()
    with zipfile.ZipFile(www / "cats_and_dogs_filtered.zip", "w") as zf:
        for path in sorted(src.rglob("*.jpg")):
            zf.write(path, f"cats_and_dogs_filtered/{path.relative_to(src)}")
    with serve_folder(www) as url:
        error, nb = execute(
            ROOT / "notebooks" / "01_data.ipynb",
            {"TL_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
             "KERAS_HOME": str(tmp_path / "keras"), "TL_MIRROR": url},
            ROOT / "notebooks",
        )
    assert error is None, error and error.evalue
    text = output_text(nb)
    assert "train         80 images (cats 40, dogs 40)" in text
    assert "our split:        0 test images also in validation" in text
    assert (tmp_path / "keras/datasets/cats_and_dogs_filtered/.complete").exists()


def test_07_splits_a_flat_folder_of_classes_by_file(smoke_work):
    """The smoke run's 07 read the generated own-data folder as a learner's photos
    come, <class>/ with no train/ or validation/ (conftest.make_smoke_data), and
    split it class by class: of hats 36, pants 22, shoes 14, a fifth held out
    (7, 4, 3 by rounding), a fifth of that to test (at least 1 each)."""
    own = smoke_work / "data" / "own_data"
    assert sorted(p.name for p in own.iterdir()) == ["hats", "pants", "shoes"]
    saved = json.loads((smoke_work / "artifacts" / "own_data_results.json")
                       .read_text())
    assert saved["split_sizes"] == {"train": 29 + 18 + 11, "validation": 6 + 3 + 2,
                                    "test": 3}
    assert sorted(Path(p).parent.name for p in saved["test_files"]) == [
        "hats", "pants", "shoes"]
