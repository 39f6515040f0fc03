"""A folder that outlives the session: ``TL_PERSIST_DIR``, or Google Drive on
Colab (every notebook's setup, and the catch-up).

A Colab runtime forgets its files when it is recycled; with a folder that
persists, each notebook keeps a copy of what it saves there (``save_to``), and
the "If you start here" cell of a later notebook finds it again (``copy_from``,
called by ``catchup.ensure``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from . import settings, stages
from .artifacts import write_atomically

#: Where Google Drive is mounted on Colab, and the course's folder in it.
DRIVE_ROOT = "/content/drive"
DRIVE_FOLDER = ("MyDrive", "transfer-learning-course", "artifacts")


def get_persist_dir(mount_drive: bool = False,
                    drive_root: str = DRIVE_ROOT) -> Path | None:
    """A folder that outlives the session, or ``None`` (every notebook's setup).

    ``TL_PERSIST_DIR`` if set. On Colab with ``mount_drive`` (the notebooks'
    ``USE_DRIVE``), Google Drive is mounted (Colab asks for permission once) and
    a folder in it is used. Elsewhere, or without it, ``None``.
    """
    from_env = settings.resolve("TL_PERSIST_DIR")
    if from_env:
        return Path(from_env).expanduser()
    if mount_drive and "google.colab" in sys.modules:
        from google.colab import drive

        drive.mount(drive_root)
        return Path(drive_root).joinpath(*DRIVE_FOLDER)
    return None


def copy_stage(source, stage: str, target) -> list[Path]:
    """Copy every file of ``stage`` from folder ``source`` to folder ``target``,
    each atomically, the results last; return the files written."""
    return [write_atomically(Path(target) / path.name,
                             lambda tmp, s=path: shutil.copyfile(s, tmp))
            for path in stages.list_paths(source, stage)]


def save_to_persist_dir(artifacts_dir, stage: str, persist_dir) -> list[Path]:
    """Copy a stage's artifacts to the folder that persists, atomically (01, 03,
    04 after saving; nothing happens without a ``persist_dir``)."""
    if persist_dir is None:
        return []
    return copy_stage(artifacts_dir, stage, persist_dir)


def copy_from_persist_dir(persist_dir, stage: str, artifacts_dir) -> list[Path]:
    """Copy a stage's artifacts that a previous session kept in ``persist_dir``
    back into ``artifacts_dir`` (the catch-up)."""
    return copy_stage(persist_dir, stage, artifacts_dir)
