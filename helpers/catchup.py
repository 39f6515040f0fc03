"""Catching up: make or fetch what an earlier notebook saves, so any notebook runs
on its own (a fresh Colab runtime, a learner who fell behind in a workshop).

Each notebook that needs an earlier one's artifacts calls ``ensure_stage`` in one
labelled cell ("If you start here"), and each that saves calls ``keep``. In
order, ``ensure``

1. finds the artifact in the artifacts folder;
2. copies it from a folder that persists (``persist``: ``TL_PERSIST_DIR``, or
   Google Drive on Colab), where a previous session left it;
3. with ``catch_up``, takes the instructor's checkpoint from the classroom mirror
   (``mirror``: ``TL_MIRROR``, made by ``make mirror``), verified against the
   mirror's manifest. A checkpoint made on another split than the learner's own
   ``split.json`` is not used (step 4 instead, and the message says why); the
   results JSON records ``"source": "mirror"``;
4. with ``catch_up``, makes it now, the quick way: 01's split with its default
   settings, and 03/04's models by 06's cached-features recipe
   (``fast.train_quickly``). The message says so, and what differs from the full
   run. Never silently: the results JSON records ``"made_by": "catch-up"``.

What each stage saves, and which notebook saves it, is ``stages``'.
"""

from __future__ import annotations

import time
from pathlib import Path

from . import assets, checks, fast, pipeline, splits, stages
from .artifacts import (
    describe_path,
    load_json,
    load_model,
    read_json,
    require_artifact,
)
from .errors import ArtifactMismatchError, SplitImagesMissingError
from .mirror import MirrorCheckpoints, take_from_mirror
from .persist import copy_from_persist_dir, get_persist_dir, save_to_persist_dir

#: 01's defaults, used when the split is made here.
IMG_SIZE, TEST_FRACTION, SEED = (160, 160), 0.2, 123
#: Fine-tuning epochs when catching up (04 runs 10): half, so that catching up
#: both 03 and 04 stays within 2 minutes on a 2-core CPU (make benchmark).
CATCH_UP_FINE_TUNE_EPOCHS = 5


def ensure_stage(stage: str, artifacts_dir, catch_up: bool = True,
                 use_drive: bool = False, progress: bool = True) -> str:
    """``ensure`` with the folder that persists found here (``TL_PERSIST_DIR``,
    or Google Drive with ``use_drive`` on Colab): the "If you start here" cell
    of 02-06. Returns what was done, for the notebook to print."""
    return ensure(artifacts_dir, stage, get_persist_dir(mount_drive=use_drive),
                  catch_up=catch_up, progress=progress)


def keep(artifacts_dir, stage: str, use_drive: bool = False) -> list[Path]:
    """Copy what ``stage`` saved to the folder that persists, if there is one
    (01, 03, 04 after saving); return the files written."""
    return save_to_persist_dir(artifacts_dir, stage,
                               get_persist_dir(mount_drive=use_drive))


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
        return (stages.has_stage(artifacts_dir, name)
                or stages.has_stage(persist_dir, name))

    def on_mirror(name):
        return mirror is not None and mirror.has(name)

    needed = ["split"] if stage == "split" else ["split", stage]
    if (stage == "fine_tuning" and not available("fine_tuning")
            and not on_mirror("fine_tuning")
            and (available("feature_extraction") or on_mirror("feature_extraction"))):
        needed.insert(1, "feature_extraction")  # fine-tune a 03 model (own or mirror)
    done = []
    for name in needed:
        taken = False
        notebook = stages.get_stage(name).notebook
        here = stages.has_stage(artifacts_dir, name)
        damaged = find_problem(artifacts_dir, name) if here else None
        kept = stages.has_stage(persist_dir, name)
        kept_damaged = find_problem(persist_dir, name) if kept else None
        if here and (damaged is None or not (catch_up or kept and not kept_damaged)):
            pass  # found (a damaged file is reported when the notebook loads it)
        elif kept and not kept_damaged:
            done.append(set_aside_damaged(artifacts_dir, notebook, damaged))
            copy_from_persist_dir(persist_dir, name, artifacts_dir)
            done.append(f"{notebook}: copied its files from "
                        f"{describe_path(persist_dir)}")
        else:
            done.append(set_aside_damaged(artifacts_dir, notebook, damaged))
            if kept:
                done.append(f"{notebook}: the copy of {kept_damaged[0]} in "
                            f"{describe_path(persist_dir)} cannot be used "
                            f"({kept_damaged[1]}): not taken.")
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
            except ArtifactMismatchError:
                if not taken:
                    raise
                stages.results_path(artifacts_dir, "split").unlink()
                taken = False
                done.append("01_data: the mirror's split lists another dataset "
                            "than yours here: not used.")
                done.append(_make_now(artifacts_dir, name, persist_dir, catch_up,
                                      progress))
        if taken:
            save_to_persist_dir(artifacts_dir, name, persist_dir)
    done = [line for line in done if line]
    return "\n".join(done) or (f"found what {stages.get_stage(stage).notebook} "
                               f"saved in {describe_path(artifacts_dir)}")


def find_problem(folder, stage: str) -> tuple[str, str] | None:
    """``(file name, why)`` if ``stage``'s files in ``folder`` cannot be used
    (``stages.find_stage_problem``; a split is also checked field by field,
    ``splits.read_split``), else ``None``."""
    problem = stages.find_stage_problem(folder, stage)
    if problem is None and stage == "split":
        path = stages.results_path(folder, "split")
        try:
            splits.read_split(read_json(path), Path(folder))
        except (splits.BadSplit, KeyError, TypeError, ValueError, OSError) as e:
            return path.name, str(e)
    return problem


def set_aside_damaged(folder: Path, notebook: str, problem) -> str:
    """Rename the damaged file ``problem`` names to ``<name>.damaged-<time>``
    beside it (kept, never deleted); return what to tell the learner ("" if
    there is no problem)."""
    if problem is None:
        return ""
    name, why = problem
    path = Path(folder) / name
    aside = path.with_name(f"{name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(aside)
    return (f"{notebook}: {name} in {describe_path(folder)} cannot be used "
            f"({why}): moved to {aside.name}; taken again instead.")


def _make_now(artifacts_dir: Path, stage: str, persist_dir, catch_up: bool,
              progress: bool) -> str:
    """Make ``stage`` the quick way and keep it in ``persist_dir``; without
    ``catch_up``, stop and name the notebook to run first."""
    if not catch_up:
        for path in stages.list_paths(artifacts_dir, stage):
            require_artifact(path, stages.get_stage(stage).notebook)
    message, made = _catch_up(artifacts_dir, stage, progress)
    for made_stage in made if persist_dir else ():
        save_to_persist_dir(artifacts_dir, made_stage, persist_dir)
    return message


def rebase_split(artifacts_dir, progress: bool = True) -> str:
    """If the split's images are not here, get the dataset and make the split
    again with its saved settings; it must list the same files (same id).
    Returns what was done ("" when nothing was needed)."""
    try:
        splits.load_split(artifacts_dir)
        return ""
    except SplitImagesMissingError:
        pass  # the images are not here: made again below
    saved = load_json(stages.results_path(artifacts_dir, "split"),
                      stages.get_stage("split").notebook)
    report = checks.check_dataset(assets.get_dataset_dir(progress),
                                  work_dir=artifacts_dir, progress=progress)
    settings = saved["settings"]
    split = splits.make_split(report, tuple(saved["image_size"]),
                              settings["test_fraction"], settings["seed"])
    if split.id != saved["id"]:
        raise ArtifactMismatchError(
            f"The split in {describe_path(artifacts_dir)} (id {saved['id']}) lists "
            f"images that are not on this machine, and the dataset here splits "
            f"differently (id {split.id}): it is another dataset. Run 01_data on "
            "this one.")
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
    weights = assets.prepare_weights(progress=progress)
    if stage == "feature_extraction":
        out = make_quickly(split, weights, artifacts_dir, fine_tune=False)
        return (f"03_feature_extraction: trained its model now the quick way (06's "
                f"cached features: the same layers, optimizer and epochs, but "
                f"without augmentation) in "
                f"{time.perf_counter() - start:.0f} s; validation accuracy "
                f"{out['feature_extraction']:.4f}"), list(out)
    # fine_tuning: from 03's model if there is one, else both stages at once
    out = make_quickly(split, weights, artifacts_dir, fine_tune=True,
                       fine_tune_epochs=CATCH_UP_FINE_TUNE_EPOCHS)
    made = ("03_feature_extraction and 04_fine_tuning: trained both stages"
            if "feature_extraction" in out else "04_fine_tuning: fine-tuned 03's model")
    return (f"{made} now the quick way (06's cached activations: the same layers "
            f"and optimizers, but without augmentation and with "
            f"{CATCH_UP_FINE_TUNE_EPOCHS} fine-tuning epochs instead of 10) in "
            f"{time.perf_counter() - start:.0f} s; validation accuracy "
            f"{out['fine_tuning']:.4f}"), list(out)


def make_quickly(split, weights, artifacts_dir, fine_tune: bool = True,
                 initial_epochs: int = 10, fine_tune_epochs: int = 10,
                 fine_tune_at: int = 100, batch_size: int = 32, seed: int = 123,
                 learning_rate: float = 1e-4, verbose: int = 0) -> dict:
    """Save 03's model (and with ``fine_tune``, 04's) as those notebooks would,
    made by 06's recipe (``fast.train_quickly``); return the final validation
    accuracy of each stage it made, keyed by stage.

    A feature-extraction model already in ``artifacts_dir`` is fine-tuned as it
    is, never replaced.
    """
    import tensorflow as tf

    from .model_parts import make_augmentation

    tf.keras.utils.set_random_seed(seed)
    existing = fine_tune and stages.has_stage(artifacts_dir, "feature_extraction")
    if existing:
        notebook = stages.get_stage("feature_extraction").notebook
        parts = fast.find_classifier(load_model(
            stages.model_path(artifacts_dir, "feature_extraction"), notebook))
        initial_epochs = stages.load_results(artifacts_dir,
                                             "feature_extraction")["epochs"]
    else:
        base = tf.keras.applications.MobileNetV2(
            input_shape=tuple(split.image_size) + (3,), include_top=False,
            weights=weights)
        base.trainable = False
        parts = fast.make_classifier(base, make_augmentation())
    train, validation = (
        pipeline.make_dataset(getattr(split, part), split.image_size, batch_size)
        for part in ("train", "validation"))
    numbers = {"feature_extraction": {"epochs": initial_epochs},
               "fine_tuning": {"epochs": fine_tune_epochs,
                               "fine_tune_at": fine_tune_at}}

    def save(stage, history):  # as each stage ends, as 03 and 04 save
        stages.save_stage(artifacts_dir, stage, split, parts.model,
                          history=history, made_by="catch-up", **numbers[stage])

    histories = fast.train_quickly(
        parts, train, validation, train_head=not existing, fine_tune=fine_tune,
        initial_epochs=initial_epochs, fine_tune_epochs=fine_tune_epochs,
        fine_tune_at=fine_tune_at, batch_size=batch_size, seed=seed,
        learning_rate=learning_rate, verbose=verbose, on_stage=save)
    return {stage: h["val_accuracy"][-1] for stage, h in histories.items()}
