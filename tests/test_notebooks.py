"""The notebooks as a whole: pairs in sync, JupyterLab serves them, they fail
clearly when run out of order or offline, and the environment files agree."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import nbrun
import pytest
import synthetic
from harness import execute, output_text, serve_folder

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_paired_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_data", "02_augmentation", "03_feature_extraction", "04_fine_tuning",
        "05_evaluation", "06_going_faster", "07_your_own_data", "08_scaling_up",
    ]


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_and_py_pair_agree(ipynb):
    import jupytext

    py = ipynb.parent / "py" / (ipynb.stem + ".py")
    assert py.exists(), f"{py.name} is missing: run `make sync`"
    a, b = jupytext.read(ipynb), jupytext.read(py)
    cells = lambda nb: [(c.cell_type, c.source.strip(),  # noqa: E731
                         c.metadata.get("tags", [])) for c in nb.cells]
    assert cells(a) == cells(b), f"{ipynb.name} and {py.name} differ: run `make sync`"
    tags = [c.metadata.get("tags", []) for c in a.cells]
    assert sum("parameters" in t for t in tags) == 1, "one tagged parameters cell"
    assert a.cells[0].cell_type == "markdown" and a.cells[0].source.startswith("# ")


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_follows_prose(ipynb):
    """A sentence of prose before each code cell (excepted: the parameters cell,
    which the setup section introduces, and the course's own cells, tagged
    ``course``: collapsed, or one call explained in docs/course-cells.md)."""
    import jupytext

    nb = jupytext.read(ipynb)
    orphans = [
        cell.source.splitlines()[0]
        for before, cell in zip(nb.cells, nb.cells[1:])
        if cell.cell_type == "code" and before.cell_type != "markdown"
        and not {"parameters", "course"} & set(cell.metadata.get("tags", []))
    ]
    assert not orphans, f"code cells without prose before them: {orphans}"


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_badges_point_at_the_notebook_they_sit_in(ipynb):
    """Run in Colab, View on GitHub, Download: right after the title, each link
    naming this notebook at the tag of this version, from pyproject.toml."""
    import nbformat
    from badges import BADGE_MARK, read_config

    repository, ref = read_config()
    nb = nbformat.read(ipynb, as_version=4)
    assert nb.cells[1].cell_type == "markdown"
    assert nb.cells[1].source.startswith(BADGE_MARK), "run `make badges`"
    links = re.findall(r'"(https://[^"]+)"', nb.cells[1].source)
    links = [u for u in links if not u.endswith(".png")]
    slug = repository.removeprefix("https://github.com/")
    assert links == [
        f"https://colab.research.google.com/github/{slug}/blob/{ref}/notebooks/"
        f"{ipynb.name}",
        f"{repository}/blob/{ref}/notebooks/{ipynb.name}",
        f"https://raw.githubusercontent.com/{slug}/{ref}/notebooks/{ipynb.name}",
    ]


def test_environment_yml_matches_requirements():
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    reqs = [x.strip() for x in lines if x.strip() and not x.startswith("#")]

    def normalise(items):
        return sorted(i.lower().replace("_", "-") for i in items)

    assert normalise(pip_section) == normalise(reqs)
    pinned = re.compile(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*")
    assert all(pinned.fullmatch(r) for r in reqs), "pin every requirement with =="
    python = [d for d in env["dependencies"] if isinstance(d, str) and
              d.startswith("python")]
    assert python == ["python=3.11"]


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
    no_catch_up = {"CATCH_UP": False}  # (catching up: tests/test_colab.py)
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
                                                                dataset_dir,
                                                                tiny_model):
    """BATCH_SIZE in a later notebook cannot move images into the test set; a
    model trained on another split than 01's current one is refused."""
    import tensorflow as tf

    from helpers import splits, stages

    work = tmp_path / "artifacts"
    env = {"TL_ARTIFACTS_DIR": str(work), "TL_DATA_DIR": str(dataset_dir)}
    notebooks = ROOT / "notebooks"
    error, _ = execute(notebooks / "01_data.ipynb", env, notebooks,
                       {"BATCH_SIZE": 8})
    assert error is None, error and error.evalue
    first = splits.load_split(work)
    error, _ = execute(notebooks / "01_data.ipynb", env, notebooks)
    assert error is None, error and error.evalue
    split = splits.load_split(work)
    assert split == first  # 01's own BATCH_SIZE does not move test images either
    tiny_model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                       metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0)])
    stages.save_stage(work, "fine_tuning", split, tiny_model, epochs=1,
                      history={"epoch": [1], "val_accuracy": [0.5]})

    error, _ = execute(notebooks / "05_evaluation.ipynb", env, notebooks,
                       {"BATCH_SIZE": 5})
    assert error is None, error and error.evalue
    evaluated = json.loads((work / "evaluation_results.json").read_text())
    assert evaluated["test_files"] == list(split.test.paths)
    assert evaluated["split_id"] == split.id

    error, _ = execute(notebooks / "01_data.ipynb", env, notebooks,
                       {"TEST_FRACTION": 0.7})
    assert error is None, error and error.evalue
    assert splits.load_split(work).id != split.id
    error, _ = execute(notebooks / "05_evaluation.ipynb", env, notebooks)
    assert error is not None and error.ename == "ArtifactMismatchError"
    assert "trained on another split" in error.evalue
    assert "Re-run 04_fine_tuning" in error.evalue
    assert len(error.traceback) == 1


def test_only_01_holds_the_split_settings():
    """02-06 and 08 take the image size and the test set from split.json: none of
    them has a setting that could re-split the data. (07 stands alone, on the
    learner's own folder, and splits that folder itself.)"""
    import nbformat

    for path in NOTEBOOKS:
        names = nbrun.parameter_names(nbformat.read(path, as_version=4))
        if path.stem in ("01_data", "07_your_own_data"):
            assert {"BATCH_SIZE", "TEST_FRACTION", "SEED", "IMG_SIZE"} <= names
        else:
            assert not names & {"TEST_FRACTION", "IMG_SIZE"}, path.name


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_smoke_switches_or_nbval_comments_in_the_lesson(ipynb):
    import jupytext
    from badges import SETUP_MARK

    nb = jupytext.read(ipynb.parent / "py" / (ipynb.stem + ".py"))
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                     and not c.source.startswith(SETUP_MARK))
    for plumbing in ("TL_SMOKE", "NBVAL", "TL_VERBOSE", "google.colab"):
        assert plumbing not in code, f"{plumbing} in {ipynb.name}"


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
