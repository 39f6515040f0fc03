"""Notebook session plumbing (every notebook's setup cell)."""

from __future__ import annotations

import warnings


def setup_notebook() -> None:
    """Readable errors and no known-harmless warnings in a notebook.

    - The project's own errors (assets, dataset, missing or unusable artifacts,
      artifacts of another split) already say what happened and what to do;
      they are shown as that message alone, without a stack trace.
    - Keras warns that ``fit(shuffle=True)`` is ignored for a ``tf.data`` dataset:
      true and harmless here (the training dataset shuffles itself), so hidden.
    Does nothing outside IPython except the warning filter.
    """
    warnings.filterwarnings(
        "ignore", message=r"`shuffle=True` was passed, but will be ignored"
    )
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from .compat import show_error_without_stack
    from .errors import COURSE_ERRORS

    def handler(shell, etype, value, tb, tb_offset=None):
        message = f"{etype.__name__}: {value}"
        show_error_without_stack(shell, etype, value, message)
        return [message]

    shell.set_custom_exc(COURSE_ERRORS, handler)


#: Seconds the training cells of each notebook took on our 2-core CPU without a
#: GPU (``make benchmark``: results/benchmark.json of 2026-11-29, training seconds
#: of 03 and 04; 06: the whole notebook, its fast path (157 s) and the experiments
#: after it (five seeds), ``make reproduce`` of 2026-12-03).
CPU_TRAINING_SECONDS = {"03": 220, "04": 263, "06": 821}


def describe_runtime(notebook: str | None = None) -> str:
    """Versions, and where training will run (every notebook's setup cell).

    With a GPU, TensorFlow trains there by itself; without one, the message
    says how long ``notebook``'s training cells took on our 2-core CPU.
    """
    import platform

    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    line = (f"TensorFlow {tf.__version__} | Keras {keras.__version__} | "
            f"Python {platform.python_version()}")
    if gpus:
        return f"{line}\nGPU: {len(gpus)} found, training runs there"
    seconds = CPU_TRAINING_SECONDS.get(notebook or "")
    hint = (f": its training cells took about {seconds / 60:.0f} minutes on a "
            "2-core laptop CPU" if seconds else "")
    return f"{line}\nno GPU: training runs on the CPU{hint}"
