"""Catching up: make or fetch what an earlier notebook saves, so any notebook runs
on its own (a fresh Colab runtime, a learner who fell behind in a workshop).

Each notebook that needs an earlier one's artifacts calls ``ensure`` in one
labelled cell. In order, it

1. finds the artifact in the artifacts folder;
2. copies it from a folder that persists (``TL_PERSIST_DIR``, or Google Drive on
   Colab, see ``get_persist_dir``), where a previous session left it;
3. with ``catch_up``, takes the instructor's checkpoint from the classroom mirror
   (``TL_MIRROR``, made by ``make mirror``): each file is downloaded, checked
   against the mirror's manifest of sha256 sums and sizes, and only then put in
   the artifacts folder. A checkpoint made on another split than the learner's
   own ``split.json`` is not used (step 4 instead, and the message says why);
   the results JSON records ``"source": "mirror"``;
4. with ``catch_up``, makes it now, the quick way: 01's split with its default
   settings, and 03/04's models by 06's cached-features path
   (``train_quickly``). The message says so, and what differs from the full run.
   Never silently: the results JSON records ``"made_by": "catch-up"``.

(Over 250 lines: 06's whole fast path is here as one function, ``train_quickly``,
beside the fetch-or-make logic that calls it and the mirror's checkpoints.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import artifacts, assets, checks, downloads, fast, model_parts, pipeline, splits

#: What each stage saves, and the notebook that saves it.
STAGES = {
    "split": (("split.json",), "01_data"),
    "feature_extraction": (("feature_extraction.keras",
                            "feature_extraction_results.json"),
                           "03_feature_extraction"),
    "fine_tuning": (("fine_tuned.keras", "fine_tuning_results.json"),
                    "04_fine_tuning"),
}
#: 01's defaults, used when the split is made here.
IMG_SIZE, TEST_FRACTION, SEED = (160, 160), 0.2, 123
#: Fine-tuning epochs when catching up (04 runs 10): half, so that catching up
#: both 03 and 04 stays within 2 minutes on a 2-core CPU (make benchmark).
CATCH_UP_FINE_TUNE_EPOCHS = 5
#: A classroom mirror serves the instructor's checkpoints in this folder, with
#: a manifest: {"format", "split_id", "stages": [...], "files": {name:
#: {"sha256", "bytes"}}} (written by ``describe_checkpoints``).
CHECKPOINTS_DIR = "checkpoints"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
REMAKE_MIRROR = ("Ask the instructor to run `make mirror` again (and to serve "
                 "that folder as it is), or unset TL_MIRROR to make it the "
                 "quick way instead.")


def get_persist_dir(mount_drive: bool = False,
                    drive_root: str = "/content/drive") -> Path | None:
    """A folder that outlives the session, or ``None`` (every notebook's setup).

    ``TL_PERSIST_DIR`` if set. On Colab with ``mount_drive`` (the notebooks'
    ``USE_DRIVE``), Google Drive is mounted (Colab asks for permission once) and
    a folder in it is used. Elsewhere, or without it, ``None``.
    """
    if os.environ.get("TL_PERSIST_DIR"):
        return Path(os.environ["TL_PERSIST_DIR"]).expanduser()
    if mount_drive and "google.colab" in sys.modules:
        from google.colab import drive

        drive.mount(drive_root)
        return Path(drive_root) / "MyDrive" / "transfer-learning-course" / "artifacts"
    return None


def has_stage(folder, stage: str) -> bool:
    names, _ = STAGES[stage]
    return folder is not None and all((Path(folder) / n).exists() for n in names)


def save_to_persist_dir(artifacts_dir, stage: str, persist_dir) -> None:
    """Copy a stage's artifacts to the folder that persists, atomically (01, 03,
    04 after saving; nothing happens without a ``persist_dir``)."""
    if persist_dir is None:
        return
    names, _ = STAGES[stage]
    for name in names:
        src = Path(artifacts_dir) / name
        artifacts.write_atomically(Path(persist_dir) / name,
                                   lambda tmp, s=src: shutil.copyfile(s, tmp))


def ensure(artifacts_dir, stage: str, persist_dir=None, catch_up: bool = True,
           progress: bool = True) -> str:
    """Make sure ``stage``'s artifacts, and the split, are in ``artifacts_dir``
    (02-06); return what was done, for the notebook to print.

    Missing files are copied from ``persist_dir``, or with ``catch_up`` taken
    from the classroom mirror (``TL_MIRROR``, verified) or made now the quick
    way (and then kept in ``persist_dir`` too); without ``catch_up`` a missing
    one stops with "run <notebook> first". A split whose images are not on this
    machine (a new Colab runtime, the instructor's split) is re-made on the
    dataset here, and must come out the same.
    """
    artifacts_dir = Path(artifacts_dir)
    mirror = MirrorCheckpoints(progress) if catch_up else None

    def available(name):
        return has_stage(artifacts_dir, name) or has_stage(persist_dir, name)

    def on_mirror(name):
        return mirror is not None and mirror.has(name)

    needed = ["split"] if stage == "split" else ["split", stage]
    if (stage == "fine_tuning" and not available("fine_tuning")
            and not on_mirror("fine_tuning")
            and (available("feature_extraction") or on_mirror("feature_extraction"))):
        needed.insert(1, "feature_extraction")  # fine-tune a 03 model (own or mirror)
    done = []
    for name in needed:
        names, notebook = STAGES[name]
        taken = False
        if has_stage(artifacts_dir, name):
            pass
        elif has_stage(persist_dir, name):
            for file in names:
                artifacts.write_atomically(
                    artifacts_dir / file,
                    lambda tmp, f=file: shutil.copyfile(Path(persist_dir) / f, tmp))
            done.append(f"{notebook}: copied its files from {persist_dir}")
        else:
            taken, note = (take_from_mirror(artifacts_dir, name, mirror)
                           if on_mirror(name)
                           else (False, mirror.explain(name) if mirror else ""))
            done.append(note)
            if not taken:
                done.append(_make_now(artifacts_dir, name, persist_dir, catch_up,
                                      progress))
        if name == "split":
            try:
                done.append(rebase_split(artifacts_dir, progress))
            except artifacts.ArtifactMismatchError:
                if not taken:
                    raise
                (artifacts_dir / "split.json").unlink()
                taken = False
                done.append("01_data: the mirror's split lists another dataset "
                            "than yours here: not used.")
                done.append(_make_now(artifacts_dir, name, persist_dir, catch_up,
                                      progress))
        if taken:
            save_to_persist_dir(artifacts_dir, name, persist_dir)
    done = [line for line in done if line]
    return "\n".join(done) or f"found what {STAGES[stage][1]} saved in {artifacts_dir}"


def _make_now(artifacts_dir: Path, stage: str, persist_dir, catch_up: bool,
              progress: bool) -> str:
    """Make ``stage`` the quick way and keep it in ``persist_dir``; without
    ``catch_up``, stop and name the notebook to run first."""
    names, notebook = STAGES[stage]
    if not catch_up:
        for file in names:
            artifacts.require_artifact(artifacts_dir / file, notebook)
    message, made = _catch_up(artifacts_dir, stage, progress)
    for made_stage in made if persist_dir else ():
        save_to_persist_dir(artifacts_dir, made_stage, persist_dir)
    return message


def get_mirror_urls() -> list[str]:
    """The classroom mirrors named by ``TL_MIRROR``, in order (02-06's catch-up)."""
    return downloads.split_urls(os.environ.get("TL_MIRROR", ""))


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
            return (f"{STAGES[stage][1]}: not among the classroom mirror's "
                    f"checkpoints ({self.url}): made here instead.")
        why, self.why_not = self.why_not, ""
        return why


def fetch_manifest() -> tuple[str | None, dict | None, str]:
    """The checkpoints URL and manifest of the first mirror in ``TL_MIRROR`` that
    serves one, or ``(None, None, why not)``; why is "" without ``TL_MIRROR``
    (02-06's catch-up). A manifest that is not one raises ``AssetError``."""
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for base in get_mirror_urls():
            url = f"{base.rstrip('/')}/{CHECKPOINTS_DIR}"
            try:
                path = downloads.download([f"{url}/{MANIFEST_FILE}"],
                                          Path(work) / MANIFEST_FILE, False)
            except downloads.AssetError as e:
                failures.append(str(e).split("Tried:\n  ", 1)[-1])
                continue
            return url, read_manifest(path, url), ""
    why = ("No checkpoints from the classroom mirror (" + "; ".join(failures)
           + "): made here instead.") if failures else ""
    return None, None, why


def read_manifest(path, url: str) -> dict:
    """The checkpoint manifest in ``path``, downloaded from ``url``; raises
    ``AssetError`` if it is not one (02-06's catch-up)."""
    try:
        data = json.loads(Path(path).read_text())
        ok = (data["format"] == MANIFEST_FORMAT and isinstance(data["split_id"], str)
              and isinstance(data["files"], dict) and isinstance(data["stages"], list)
              and set(data["stages"]) <= set(STAGES))
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        ok = False
    if not ok:
        raise downloads.AssetError(
            f"{url}/{MANIFEST_FILE} is not a checkpoint manifest of this course "
            f"(damaged, cut short, or made by another version). {REMAKE_MIRROR}")
    return data


def describe_checkpoints(folder, stages, split_id: str) -> dict:
    """The manifest of the checkpoints of ``stages`` in ``folder``: each file's
    sha256 and size (``make mirror``, scripts/fetch.py; read by ``ensure``)."""
    files = {}
    for stage in stages:
        for name in STAGES[stage][0]:
            path = Path(folder) / name
            files[name] = {"sha256": assets.sha256_file(path),
                           "bytes": path.stat().st_size}
    return {"format": MANIFEST_FORMAT, "split_id": split_id, "stages": list(stages),
            "files": files}


def take_from_mirror(artifacts_dir: Path, stage: str,
                     mirror: MirrorCheckpoints) -> tuple[bool, str]:
    """Put the mirror's checkpoint of ``stage`` in ``artifacts_dir``, verified,
    unless it was made on another split than the learner's (02-06's catch-up).
    Returns (taken, what was done or why not)."""
    names, notebook = STAGES[stage]
    theirs = mirror.manifest["split_id"]
    if stage != "split":
        mine = artifacts.load_json(artifacts_dir / "split.json", "01_data").get("id")
        if mine != theirs:
            return False, (
                f"{notebook}: the classroom mirror's checkpoint was made on another "
                f"split (id {theirs}) than your split.json (id {mine}): not used, "
                "since your test images could be among its validation images. (To "
                f"use the instructor's, delete {artifacts_dir / 'split.json'} and "
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
    names, _ = STAGES[stage]
    expected = {name: get_manifest_entry(manifest, name, url) for name in names}
    staging = Path(tempfile.mkdtemp(prefix=".mirror-", suffix=".partial",
                                    dir=artifacts_dir))
    try:
        for name in names:
            path = downloads.download(
                [f"{url}/{name}"], staging / name, progress, fix=REMAKE_MIRROR,
                kind="zip" if name.endswith(".keras") else None)
            verify_checksum(path, f"{url}/{name}", *expected[name])
            check_recorded_split(path, f"{url}/{name}", manifest["split_id"])
        for name in names:  # the results JSON last: only then is the stage there
            if name.endswith("_results.json"):
                results = json.loads((staging / name).read_text())
                artifacts.save_json({**results, "source": "mirror", "mirror": url},
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
    raise downloads.AssetError(
        f"The classroom mirror's manifest {url}/{MANIFEST_FILE} gives no sha256 "
        f"and size for {name}, so it cannot be verified; nothing was kept. "
        f"{REMAKE_MIRROR}")


def verify_checksum(path: Path, source: str, sha256: str, size: int) -> None:
    """Raise ``AssetError`` unless ``path`` has the ``sha256`` and ``size`` the
    mirror's manifest gives for ``source`` (02-06's catch-up)."""
    actual, actual_size = assets.sha256_file(path), path.stat().st_size
    if (actual, actual_size) != (sha256, size):
        raise downloads.AssetError(
            f"{source} does not match the classroom mirror's manifest: its sha256 "
            f"is {actual} ({actual_size:,} bytes), the manifest expects {sha256} "
            f"({size:,} bytes). It was altered or cut short, on the mirror or on "
            f"the way; nothing was kept. {REMAKE_MIRROR}")


def check_recorded_split(path: Path, source: str, split_id: str) -> None:
    """Raise ``AssetError`` unless the split or results JSON in ``path`` is
    complete and records the split ``split_id`` (models: nothing to check)."""
    if path.suffix != ".json":
        return
    notebook = next(nb for names, nb in STAGES.values() if path.name in names)
    try:
        data = artifacts.load_json(path, notebook)
        recorded = data.get("split_id", data.get("id"))
    except (artifacts.MissingArtifactError, AttributeError):
        recorded = None
    if recorded != split_id:
        raise downloads.AssetError(
            f"{source} matches its checksum but does not record the split the "
            f"classroom mirror's manifest names ({split_id}); nothing was kept. "
            f"{REMAKE_MIRROR}")


def rebase_split(artifacts_dir, progress: bool = True) -> str:
    """If the split's images are not here, get the dataset and make the split
    again with its saved settings; it must list the same files (same id).
    Returns what was done ("" when nothing was needed)."""
    try:
        splits.load_split(artifacts_dir)
        return ""
    except splits.SplitImagesMissingError:
        pass  # the images are not here: made again below
    saved = artifacts.load_json(Path(artifacts_dir) / "split.json", "01_data")
    report = checks.check_dataset(assets.get_dataset_dir(progress),
                                  work_dir=artifacts_dir, progress=progress)
    settings = saved["settings"]
    split = splits.make_split(report, tuple(saved["image_size"]),
                              settings["test_fraction"], settings["seed"])
    if split.id != saved["id"]:
        raise artifacts.ArtifactMismatchError(
            f"The split in {artifacts_dir} (id {saved['id']}) lists images that "
            f"are not on this machine, and the dataset here splits differently "
            f"(id {split.id}): it is another dataset. Run 01_data on this one.")
    splits.save_split(split, artifacts_dir)
    return (f"01_data: the split's images were not on this machine; got the "
            f"dataset and made the same split again (id {split.id})")


def _catch_up(artifacts_dir: Path, stage: str,
              progress: bool) -> tuple[str, list[str]]:
    """Make ``stage`` now; return the message and the stages it made."""
    start = time.perf_counter()
    if stage == "split":
        report = checks.check_dataset(assets.get_dataset_dir(progress),
                                      work_dir=artifacts_dir, progress=progress)
        splits.save_split(splits.make_split(report, IMG_SIZE, TEST_FRACTION, SEED),
                          artifacts_dir)
        return (f"01_data: made the split now with 01's default settings "
                f"({time.perf_counter() - start:.0f} s)"), ["split"]
    split = splits.load_split(artifacts_dir)
    if stage == "feature_extraction":
        out = train_quickly(split, assets.prepare_weights(progress=progress),
                            artifacts_dir, fine_tune=False)
        return (f"03_feature_extraction: trained its model now the quick way (06's "
                f"cached features: the same layers, optimizer and epochs, but "
                f"without augmentation) in "
                f"{time.perf_counter() - start:.0f} s; validation accuracy "
                f"{out['feature_extraction']:.4f}"), list(out)
    # fine_tuning: from 03's model if there is one, else both stages at once
    out = train_quickly(split, assets.prepare_weights(progress=progress),
                        artifacts_dir, fine_tune=True,
                        fine_tune_epochs=CATCH_UP_FINE_TUNE_EPOCHS)
    made = ("03_feature_extraction and 04_fine_tuning: trained both stages"
            if "feature_extraction" in out else "04_fine_tuning: fine-tuned 03's model")
    return (f"{made} now the quick way (06's cached activations: the same layers "
            f"and optimizers, but without augmentation and with "
            f"{CATCH_UP_FINE_TUNE_EPOCHS} fine-tuning epochs instead of 10) in "
            f"{time.perf_counter() - start:.0f} s; validation accuracy "
            f"{out['fine_tuning']:.4f}"), list(out)


def train_quickly(split, weights, artifacts_dir, fine_tune: bool = True,
                  initial_epochs: int = 10, fine_tune_epochs: int = 10,
                  fine_tune_at: int = 100, batch_size: int = 32, seed: int = 123,
                  learning_rate: float = 1e-4, verbose: int = 0) -> dict:
    """06_going_faster's recipe as one function: save 03's model (and with
    ``fine_tune``, 04's) as those notebooks would; return the final validation
    accuracy of each stage it made, keyed by stage.

    A feature-extraction model already in ``artifacts_dir`` is fine-tuned as it
    is, never replaced.
    """
    import tensorflow as tf

    from .compat import freeze_batch_norm

    tf.keras.utils.set_random_seed(seed)
    artifacts_dir = Path(artifacts_dir)
    shape = tuple(split.image_size) + (3,)
    existing = fine_tune and has_stage(artifacts_dir, "feature_extraction")
    if existing:
        model = artifacts.load_model(artifacts_dir / "feature_extraction.keras",
                                     "03_feature_extraction")
        base = model_parts.find_base_model(model)
        rescale = model.get_layer("rescaling")
        gap, dropout, dense = model.layers[-3:]
        initial_epochs = artifacts.load_json(
            artifacts_dir / "feature_extraction_results.json",
            "03_feature_extraction")["epochs"]
    else:
        base = tf.keras.applications.MobileNetV2(input_shape=shape,
                                                 include_top=False, weights=weights)
        base.trainable = False
        rescale = model_parts.make_rescaling()
        gap = tf.keras.layers.GlobalAveragePooling2D()
        dropout, dense = tf.keras.layers.Dropout(0.2), tf.keras.layers.Dense(1)
        inputs = tf.keras.Input(shape=shape)
        x = rescale(model_parts.make_augmentation()(inputs))
        model = tf.keras.Model(inputs, dense(dropout(gap(base(x, training=False)))))
    bottom, top = fast.split_model_at(base, fine_tune_at)
    both = tf.keras.Model(base.input, [*bottom.outputs, base.output])
    images = tf.keras.Input(shape=shape)
    *acts, features = both(rescale(images))
    cacher = tf.keras.Model(images, [*acts, gap(features)])
    cached = {}
    for part in ("train", "validation"):
        ds = pipeline.make_dataset(getattr(split, part), split.image_size, batch_size)
        cached[part] = fast.extract_outputs(cacher, ds)

    def data(part, index, shuffle=False):
        outputs, labels = cached[part]
        return fast.make_cached_dataset(outputs[index], labels, batch_size, shuffle,
                                        seed)

    out = {}
    if not existing:
        feature_input = tf.keras.Input(shape=(base.output.shape[-1],))
        head = tf.keras.Model(feature_input, dense(dropout(feature_input)))
        model_parts.compile_for_logits(head, tf.keras.optimizers.Adam(learning_rate))
        history = head.fit(data("train", slice(-1, None), True),
                           epochs=initial_epochs, verbose=verbose,
                           validation_data=data("validation", slice(-1, None)))
        model_parts.compile_for_logits(model, tf.keras.optimizers.Adam(learning_rate))
        hist = {"epoch": list(history.epoch), **history.history}
        artifacts.save_model(model, artifacts_dir / "feature_extraction.keras")
        artifacts.save_results(artifacts_dir / "feature_extraction_results.json",
                               split, history=hist, epochs=initial_epochs,
                               made_by="catch-up")
        out["feature_extraction"] = hist["val_accuracy"][-1]
    if not fine_tune:
        return out
    base.trainable = True
    for layer in base.layers[:fine_tune_at]:
        layer.trainable = False
    freeze_batch_norm(base)
    top_inputs = [tf.keras.Input(shape=t.shape[1:]) for t in bottom.outputs]
    top_model = tf.keras.Model(top_inputs, dense(dropout(gap(top(top_inputs)))))
    model_parts.compile_for_logits(top_model,
                                   tf.keras.optimizers.RMSprop(learning_rate / 10))
    n = len(bottom.outputs)
    history = top_model.fit(
        data("train", slice(0, n), True), verbose=verbose,
        validation_data=data("validation", slice(0, n)),
        epochs=initial_epochs + fine_tune_epochs, initial_epoch=initial_epochs)
    model_parts.compile_for_logits(model,
                                   tf.keras.optimizers.RMSprop(learning_rate / 10))
    hist = {"epoch": list(history.epoch), **history.history}
    artifacts.save_model(model, artifacts_dir / "fine_tuned.keras")
    artifacts.save_results(artifacts_dir / "fine_tuning_results.json", split,
                           history=hist, epochs=fine_tune_epochs,
                           fine_tune_at=fine_tune_at, made_by="catch-up")
    out["fine_tuning"] = hist["val_accuracy"][-1]
    return out
