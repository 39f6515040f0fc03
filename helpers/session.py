"""Notebook session plumbing: short, readable errors (every notebook's setup)."""

from __future__ import annotations


def show_clear_errors() -> bool:
    """Show the project's own errors as their message, without a stack trace.

    Asset, dataset and missing-artifact errors already say what happened and what
    to do; a long traceback only hides that. Returns False outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    from .artifacts import MissingArtifactError
    from .assets import AssetError
    from .data import DatasetError

    def handler(shell, etype, value, tb, tb_offset=None):
        message = f"{etype.__name__}: {value}"
        shell.write_err(message + "\n")
        return [message]

    shell.set_custom_exc((AssetError, DatasetError, MissingArtifactError), handler)
    return True
