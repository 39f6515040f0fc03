"""The page's server keeps its memory bounded: helpers.app.make_app served on a
free port of 127.0.0.1 and asked for several predictions at once (Gradio's own
client, as a page's visitors would): they run one at a time, and all are
answered. The page's look and its answers: test_app_browser.py."""

from __future__ import annotations

import threading
import time

import numpy as np
import synthetic

from helpers import app


def test_predictions_run_one_at_a_time_and_all_are_answered(tmp_path,
                                                            monkeypatch):
    from gradio_client import Client, handle_file

    running, most, calls = [0], [0], []
    lock = threading.Lock()

    def answer(classifier, path, min_confidence=0.0, grad_cam=False):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            calls.append(path)
        time.sleep(0.3)  # a prediction's time on a CPU, while others arrive
        with lock:
            running[0] -= 1
        return {"cats": 0.25, "dogs": 0.75}, None, "dogs (75%)"

    monkeypatch.setattr(app, "answer_photo", answer)  # what make_app binds
    classifier = app.Classifier(None, ("cats", "dogs"), (32, 32), "fine_tuning")
    page = app.make_app(classifier, grad_cam=False)
    photos = [synthetic.write_image(tmp_path / f"cat{i}.jpg", "cats",
                                    np.random.default_rng(i), size=(40, 32))
              for i in range(4)]
    url = app.launch_app(page, port=None, inline=False)
    try:
        client = Client(url, verbose=False)
        jobs = [client.submit(handle_file(str(p)), api_name="/predict")
                for p in photos]
        answers = [job.result(timeout=60) for job in jobs]
    finally:
        app.close_app(page)
    assert len(calls) == len(photos)
    assert most[0] == 1  # never two predictions (two models' memory) at once
    assert [a[2] for a in answers] == ["dogs (75%)"] * len(photos)
