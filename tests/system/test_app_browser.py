"""`make demo` in a real browser: 04's model (the smoke run's) behind the web page,
as a learner's visitor uses it.

scripts/demo.py serves the smoke run's fine-tuned model and split on a free port
of 127.0.0.1; headless Chromium (as in test_browser.py) opens the page, uploads
a generated cat photo and then a file that is not an image. The page must show
the two classes with the probabilities the model gives that photo (computed here
from the same files), then the message for the non-image, with no prediction and
no trace; the server's log holds no traceback; and the page may not fetch
anything from any other host than 127.0.0.1 (every such request is recorded and
fails the test: Gradio's scripts, styles and fonts are served locally).

Screenshot: build/browser/09_app.png (the page after the cat's prediction);
``show_app`` takes it for any artifacts folder (notebook 09's, of the real
model, is made with it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import synthetic
from test_browser import CHROMIUM_ARGS, NOT_LOCAL, free_port, require_browser

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "browser"
SERVER_START_S = 120  # TensorFlow, the model and Gradio loaded, the page served
ANSWER_S = 60  # one prediction shown in the page


def start_demo(artifacts: Path, log: Path, port: int) -> subprocess.Popen:
    """scripts/demo.py on ``port``, its output in ``log``; once it answers."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TL_", "PYTEST_"))}
    env.update(TL_ARTIFACTS_DIR=str(artifacts), TF_CPP_MIN_LOG_LEVEL="3",
               GRADIO_TEMP_DIR=str(log.parent / "gradio"))
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "demo.py"), "--port", str(port),
             "--examples", "1"], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    return proc


def wait_for(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Until the page answers and the script says it serves it (started)."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                if "is served on" in log.read_text():
                    return
                time.sleep(0.2)
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    pytest.fail(f"make demo did not answer within {SERVER_START_S} s:\n"
                + log.read_text()[-3000:])


def stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGINT, signal.SIGKILL):  # Ctrl+C, as a learner stops it
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass


def upload(page, url: str, path: Path) -> tuple[str, str]:
    """Open the page, upload ``path`` as the photo, wait for the message;
    (the prediction's text, the message)."""
    page.goto(url, timeout=60_000)
    page.locator("#photo input[type=file]").set_input_files(str(path))
    message = page.locator("#message textarea")
    deadline = time.monotonic() + ANSWER_S
    while not message.input_value():
        assert time.monotonic() < deadline, f"no answer for {path.name}"
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)  # the label and the image are drawn with it
    return page.locator("#prediction").inner_text(), message.input_value()


def show_app(artifacts: Path, photo: Path, not_a_photo: Path, work: Path,
             screenshot: Path, while_starting=None) -> dict:
    """Serve ``artifacts``' model with scripts/demo.py, upload ``photo`` and
    ``not_a_photo`` in headless Chromium; what the page showed for each, the
    requests to other hosts, the server's log, and what ``while_starting()``
    returned (called while the server starts)."""
    from playwright.sync_api import sync_playwright

    executable = require_browser()
    port = free_port()
    log = work / "demo.log"
    proc = start_demo(artifacts, log, port)
    outside, requested = [], []
    try:
        computed = while_starting() if while_starting else None
        url = f"http://127.0.0.1:{port}/"
        wait_for(url, proc, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True,
                                        args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def refuse(route):
                outside.append(route.request.url)
                route.abort()

            page.route(NOT_LOCAL, refuse)
            page.on("request", lambda request: requested.append(request.url))
            shown = upload(page, url, photo)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            refused = upload(page, url, not_a_photo)
            browser.close()
    finally:
        stop(proc)
    return {"photo": shown, "not_a_photo": refused, "outside": outside,
            "log": log.read_text(), "computed": computed, "requested": requested}


def test_the_page_predicts_a_photo_and_explains_a_non_image(tmp_path, smoke_work):
    from helpers import app, stages

    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    for name in ("split", "fine_tuning"):
        for path in stages.list_paths(smoke_work / "artifacts", name):
            shutil.copy2(path, artifacts)
    cat = synthetic.write_image(tmp_path / "my_cat.jpg", "cats",
                                np.random.default_rng(7), size=(300, 220))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo\n")

    def predict_here():  # the same model and photo, in this process
        return app.predict_photo(app.load_classifier(artifacts), cat)["classes"]

    seen = show_app(artifacts, cat, notes, tmp_path, OUT / "09_app.png",
                    while_starting=predict_here)
    print(f"\nscreenshot: {OUT / '09_app.png'}")
    expected = seen["computed"]

    assert not seen["outside"], f"the page fetched from other hosts: {seen['outside']}"
    scripts = [u for u in seen["requested"] if re.search(r"\.m?js(\?|$)", u)]
    assert scripts and all(u.startswith("http://127.0.0.1:") for u in scripts), \
        "Gradio's scripts were not served by the app itself"
    label, message = seen["photo"]
    top, p_top = next(iter(expected.items()))
    assert message == f"{top} ({p_top:.1%})"
    # the Label: the top class as its heading, then each class and its percent
    shown = re.findall(r"^(cats|dogs)\s*\n?\s*(\d+(?:\.\d+)?)%", label, re.M)
    assert {name for name, _ in shown} == {"cats", "dogs"}, label
    for name, percent in shown:
        assert float(percent) == pytest.approx(100 * expected[name], abs=1), label
    heading = next(line.strip() for line in label.splitlines()
                   if line.strip() in expected)
    assert heading == top, label
    label, message = seen["not_a_photo"]
    assert message == ("notes.txt is not an image file (or one in a format this app "
                       "cannot read): upload a photo, JPEG or PNG.")
    assert not re.search(r"\d%", label), f"a prediction is still shown: {label}"
    assert "Traceback" not in seen["log"], seen["log"][-3000:]
    assert "127.0.0.1" in seen["log"] and "0.0.0.0" not in seen["log"]
