"""Notebook session plumbing (every notebook's setup cell)."""

from __future__ import annotations

import warnings


def setup_notebook() -> None:
    """Readable errors and no known-harmless warnings in a notebook.

    - The project's own errors (assets, dataset, missing artifacts) already say
      what happened and what to do; they are shown as that message alone, without
      a stack trace.
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
    from .artifacts import ArtifactMismatchError, MissingArtifactError
    from .checks import DatasetError
    from .downloads import AssetError

    def handler(shell, etype, value, tb, tb_offset=None):
        message = f"{etype.__name__}: {value}"
        shell._showtraceback(etype, value, [message])  # an error output, no stack
        return [message]

    shell.set_custom_exc(
        (AssetError, DatasetError, MissingArtifactError, ArtifactMismatchError),
        handler,
    )
