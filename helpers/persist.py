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
import tempfile
from pathlib import Path

from . import settings, stages
from .artifacts import write_atomically
from .errors import UnusableArtifactError

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
        return check_persist_dir(Path(from_env).expanduser())
    if mount_drive and "google.colab" in sys.modules:
        from google.colab import drive

        drive.mount(drive_root)
        return check_persist_dir(Path(drive_root).joinpath(*DRIVE_FOLDER))
    return None


def check_persist_dir(path: Path) -> Path:
    """``path``, made if needed, once a file was written and removed there;
    a folder that is a file, lies inside one or cannot be written stops here,
    before any work, with the fix."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as e:
        raise report_unusable(path, e) from e
    return path


def report_unusable(path: Path, error: OSError,
                    artifacts_dir=None) -> UnusableArtifactError:
    """The error for a folder that persists but cannot be written to."""
    kept = (f" Your files are kept in {artifacts_dir}: nothing was lost."
            if artifacts_dir is not None else "")
    return UnusableArtifactError(
        f"The folder that persists, {path} (TL_PERSIST_DIR, or Google Drive with "
        f"USE_DRIVE), cannot be used ({type(error).__name__}: "
        f"{error.strerror or error}): each notebook keeps a copy of what it "
        "saves there. Set TL_PERSIST_DIR to a folder you can write to, or "
        f"unset it (USE_DRIVE = False), then run this cell again.{kept}")


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
    try:
        return copy_stage(artifacts_dir, stage, persist_dir)
    except OSError as e:
        raise report_unusable(Path(persist_dir), e, artifacts_dir) from e


def copy_from_persist_dir(persist_dir, stage: str, artifacts_dir) -> list[Path]:
    """Copy a stage's artifacts that a previous session kept in ``persist_dir``
    back into ``artifacts_dir`` (the catch-up)."""
    return copy_stage(persist_dir, stage, artifacts_dir)
