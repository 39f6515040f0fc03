"""What several test files need: a loopback web server for a folder, what the
dataset cache holds, a notebook run that stops at its first error, and a small
resumable ``fit`` that can be interrupted (tests of helpers/training.py)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path

import nbrun


@contextlib.contextmanager
def serve_folder(root: Path):
    """A real HTTP server on 127.0.0.1 serving ``root``; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def cache_entries() -> list[str]:
    """Everything in the dataset cache (hidden temporaries included)."""
    from helpers import assets

    cache = assets.get_cache_dir() / "datasets"
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def execute(notebook: Path, env: dict, cwd: Path, parameters: dict | None = None,
            kernel: str = "python3", stop_after: str | None = None):
    """Run a notebook in a fresh kernel, stopping at the first error; return
    (error output or None, notebook). ``parameters`` are injected as papermill
    does, over the smoke configuration. ``stop_after``: run only up to the first
    code cell whose source contains it (the smoke run runs every cell)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(notebook, as_version=4)
    if stop_after is not None:
        last = next(i for i, c in enumerate(nb.cells)
                    if c.cell_type == "code" and stop_after in c.source)
        nb.cells = nb.cells[:last + 1]
    nbrun.inject_parameters(nb, {**nbrun.SMOKE, **(parameters or {})}, strict=False)
    old = dict(os.environ)
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=600, kernel_name=kernel,
                       resources={"metadata": {"path": str(cwd)}}).execute()
    except CellExecutionError:
        pass
    finally:
        os.environ.clear()
        os.environ.update(old)
    errors = [o for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    return (errors[0] if errors else None), nb


def output_text(nb) -> str:
    """Everything the notebook's cells printed."""
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


class Interrupt(Exception):
    """Stands for a kernel interrupt or a crash in the middle of ``fit``."""


def run_fit(work: Path, epochs: int, units: int = 2, split_id: str = "s1",
            stop_after: int | None = None):
    """The notebooks' cell in small: prepare the backup, then ``fit``.
    Returns (resume_at, message, the epochs this fit ran or None if stopped)."""
    import numpy as np
    import tensorflow as tf
    from synthetic import make_small_model

    from helpers import training

    class StopAfter(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == stop_after:
                raise Interrupt

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = make_small_model(units)
    info = training.describe_run(model, split_id, epochs, batch_size=32)
    resume_at, message = training.prepare_backup(work / "backup", info)
    try:
        history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0,
                            shuffle=False, callbacks=[
                                training.make_backup(work / "backup"), StopAfter()])
    except Interrupt:
        return resume_at, message, None
    return resume_at, message, history.epoch
