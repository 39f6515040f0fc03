"""The classroom mirror's checkpoints: the instructor's saved stages, served
beside the assets by ``make mirror`` (``scripts/fetch.py``) and taken, verified,
by the catch-up (``catchup.ensure``) when ``TL_MIRROR`` names a mirror.

A mirror serves them in ``checkpoints/``, with a manifest: ``{"format",
"split_id", "stages": [...], "files": {name: {"sha256", "bytes"}}}`` (written
by ``describe_checkpoints``). Each file is downloaded, checked against the
manifest's sha256 and size, and only then moved into the artifacts folder; a
checkpoint made on another split than the learner's own is not used.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from . import settings
from .artifacts import load_json, make_partial_dir, read_json, save_json
from .assets import sha256_file
from .downloads import download, split_urls
from .errors import AssetError, MissingArtifactError
from .stages import (
    CATCH_UP_STAGES,
    find_stage_of,
    get_stage,
    list_paths,
    load_results,
    results_path,
)

CHECKPOINTS_DIR = "checkpoints"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
#: A manifest lists a few files: a larger one is not a manifest.
MAX_MANIFEST_BYTES = 1 << 20
REMAKE_MIRROR = ("Ask the instructor to run `make mirror` again (and to serve "
                 "that folder as it is), or unset TL_MIRROR to make it the "
                 "quick way instead.")


def get_mirror_urls() -> list[str]:
    """The classroom mirrors named by ``TL_MIRROR``, in order (02-06's catch-up)."""
    return split_urls(settings.resolve("TL_MIRROR") or "")


class MirrorCheckpoints:
    """The instructor's checkpoints on the first mirror of ``TL_MIRROR`` that
    serves them; its manifest is downloaded once, when first asked (``ensure``,
    which 02-06 call)."""

    def __init__(self, progress: bool = True):
        self.progress = progress
        self.url = self.manifest = None
        self.why_not, self._asked = "", False

    def has(self, stage: str) -> bool:
        if not self._asked:
            self._asked = True
            self.url, self.manifest, self.why_not = fetch_manifest()
        return self.manifest is not None and stage in self.manifest["stages"]

    def explain(self, stage: str) -> str:
        """Why the mirror gives nothing for ``stage``: "" without ``TL_MIRROR``;
        a mirror that serves no checkpoints is named once."""
        if self.manifest is not None:
            return (f"{get_stage(stage).notebook}: not among the classroom mirror's "
                    f"checkpoints ({self.url}): made here instead.")
        why, self.why_not = self.why_not, ""
        return why


def fetch_manifest() -> tuple[str | None, dict | None, str]:
    """The checkpoints URL and manifest of the first mirror in ``TL_MIRROR`` that
    serves one, or ``(None, None, why not)``; why is "" without ``TL_MIRROR``
    (02-06's catch-up). A mirror that answers with something else (a captive
    portal's page, a catch-all server, a damaged or huge manifest) is passed
    over for the next, and named in why not."""
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for base in get_mirror_urls():
            url = f"{base.rstrip('/')}/{CHECKPOINTS_DIR}"
            try:
                path = download([f"{url}/{MANIFEST_FILE}"],
                                Path(work) / MANIFEST_FILE, False,
                                max_bytes=MAX_MANIFEST_BYTES)
                return url, read_manifest(path, url), ""
            except AssetError as e:  # not a mirror of this course: the next
                failures.append(str(e).split("Tried:\n  ", 1)[-1])
    why = ("No checkpoints from the classroom mirror (" + "; ".join(failures)
           + "): made here instead.") if failures else ""
    return None, None, why


def read_manifest(path, url: str) -> dict:
    """The checkpoint manifest in ``path``, downloaded from ``url``; raises
    ``AssetError`` if it is not one (02-06's catch-up)."""
    try:
        data = read_json(path, MAX_MANIFEST_BYTES)
        ok = (data["format"] == MANIFEST_FORMAT and isinstance(data["split_id"], str)
              and isinstance(data["files"], dict) and isinstance(data["stages"], list)
              and set(data["stages"]) <= set(CATCH_UP_STAGES))
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        ok = False
    if not ok:
        raise AssetError(
            f"{url}/{MANIFEST_FILE} is not a checkpoint manifest of this course "
            f"(damaged, cut short, or made by another version). {REMAKE_MIRROR}")
    return data


def describe_checkpoints(folder, stages, split_id: str) -> dict:
    """The manifest of the checkpoints of ``stages`` in ``folder``: each file's
    sha256 and size (``make mirror``, scripts/fetch.py; read by ``ensure``)."""
    files = {}
    for stage in stages:
        for path in list_paths(folder, stage):
            files[path.name] = {"sha256": sha256_file(path),
                           "bytes": path.stat().st_size}
    return {"format": MANIFEST_FORMAT, "split_id": split_id, "stages": list(stages),
            "files": files}


def take_from_mirror(artifacts_dir: Path, stage: str,
                     mirror: MirrorCheckpoints) -> tuple[bool, str]:
    """Put the mirror's checkpoint of ``stage`` in ``artifacts_dir``, verified,
    unless it was made on another split than the learner's (02-06's catch-up).
    Returns (taken, what was done or why not)."""
    names, notebook = get_stage(stage).files, get_stage(stage).notebook
    theirs = mirror.manifest["split_id"]
    if stage != "split":
        split_file = results_path(artifacts_dir, "split")
        mine = load_json(split_file, get_stage("split").notebook).get("id")
        if mine != theirs:
            return False, (
                f"{notebook}: the classroom mirror's checkpoint was made on another "
                f"split (id {theirs}) than your split.json (id {mine}): not used, "
                "since your test images could be among its validation images. (To "
                f"use the instructor's, delete {split_file} and "
                "run this cell again: the mirror's split comes with them.)")
    fetch_checkpoint(artifacts_dir, stage, mirror.url, mirror.manifest,
                     mirror.progress)
    return True, (f"{notebook}: took the instructor's checkpoint from the classroom "
                  f"mirror {mirror.url} ({', '.join(names)}; sha256 verified)")


def fetch_checkpoint(artifacts_dir, stage: str, url: str, manifest: dict,
                     progress: bool = True) -> None:
    """Download ``stage``'s files from the mirror's checkpoints at ``url``, check
    each against ``manifest`` and only then move them into ``artifacts_dir``, the
    results JSON last, marked ``"source": "mirror"`` (02-06's catch-up). Raises
    ``AssetError`` naming the file, leaving nothing behind."""
    names, model = get_stage(stage).files, get_stage(stage).model
    expected = {name: get_manifest_entry(manifest, name, url) for name in names}
    staging = make_partial_dir(artifacts_dir)
    try:
        for name in names:
            path = download(
                [f"{url}/{name}"], staging / name, progress, fix=REMAKE_MIRROR,
                kind="zip" if name == model else None,
                max_bytes=expected[name][1])
            verify_checksum(path, f"{url}/{name}", *expected[name])
            check_recorded_split(path, f"{url}/{name}", manifest["split_id"])
        for name in names:  # the results JSON last: only then is the stage there
            if model is not None and name == get_stage(stage).results:
                results = read_json(staging / name)
                save_json({**results, "source": "mirror", "mirror": url},
                                    Path(artifacts_dir) / name)
            else:
                os.replace(staging / name, Path(artifacts_dir) / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def get_manifest_entry(manifest: dict, name: str, url: str) -> tuple[str, int]:
    """(sha256, bytes) the manifest gives for ``name``; ``AssetError`` if none."""
    entry = manifest["files"].get(name)
    if (isinstance(entry, dict) and isinstance(entry.get("bytes"), int)
            and re.fullmatch(r"[0-9a-f]{64}", str(entry.get("sha256")))):
        return entry["sha256"], entry["bytes"]
    raise AssetError(
        f"The classroom mirror's manifest {url}/{MANIFEST_FILE} gives no sha256 "
        f"and size for {name}, so it cannot be verified; nothing was kept. "
        f"{REMAKE_MIRROR}")


def verify_checksum(path: Path, source: str, sha256: str, size: int) -> None:
    """Raise ``AssetError`` unless ``path`` has the ``sha256`` and ``size`` the
    mirror's manifest gives for ``source`` (02-06's catch-up)."""
    actual, actual_size = sha256_file(path), path.stat().st_size
    if (actual, actual_size) != (sha256, size):
        raise AssetError(
            f"{source} does not match the classroom mirror's manifest: its sha256 "
            f"is {actual} ({actual_size:,} bytes), the manifest expects {sha256} "
            f"({size:,} bytes). It was altered or cut short, on the mirror or on "
            f"the way; nothing was kept. {REMAKE_MIRROR}")


def check_recorded_split(path: Path, source: str, split_id: str) -> None:
    """Raise ``AssetError`` unless the split or results JSON in ``path`` is
    complete and records the split ``split_id`` (models: nothing to check)."""
    if path.suffix != ".json":
        return
    try:
        data = load_results(path.parent, find_stage_of(path.name).name)
        recorded = data.get("split_id", data.get("id"))
    except (MissingArtifactError, AttributeError):
        recorded = None
    if recorded != split_id:
        raise AssetError(
            f"{source} matches its checksum but does not record the split the "
            f"classroom mirror's manifest names ({split_id}); nothing was kept. "
            f"{REMAKE_MIRROR}")
