"""Catching up: make or fetch what an earlier notebook saves, so any notebook runs
on its own (a fresh Colab runtime, a learner who fell behind in a workshop).

Each notebook that needs an earlier one's artifacts calls ``ensure`` in one
labelled cell. In order, it

1. finds the artifact in the artifacts folder;
2. copies it from a folder that persists (``TL_PERSIST_DIR``, or Google Drive on
   Colab, see ``get_persist_dir``), where a previous session left it;
3. makes it now, the quick way: 01's split with its default settings, and 03/04's
   models by 06's cached-features path (``train_quickly``). The message says so,
   and what differs from the full run. Never silently: the results JSON records
   ``"made_by": "catch-up"``.

(Over 250 lines: 06's whole fast path is here as one function, ``train_quickly``,
beside the fetch-or-make logic that calls it.)
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from . import artifacts, assets, checks, fast, model_parts, pipeline, splits

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

    Missing files are copied from ``persist_dir``, or with ``catch_up`` made now
    the quick way (and then kept in ``persist_dir`` too); without ``catch_up``
    a missing one stops with "run <notebook> first". A split whose images are
    not on this machine (a new Colab runtime) is re-made on the dataset here,
    and must come out the same.
    """
    artifacts_dir = Path(artifacts_dir)

    def available(name):
        return has_stage(artifacts_dir, name) or has_stage(persist_dir, name)

    needed = ["split"] if stage == "split" else ["split", stage]
    if (stage == "fine_tuning" and not available("fine_tuning")
            and available("feature_extraction")):
        needed.insert(1, "feature_extraction")  # fine-tune 03's own model
    done = []
    for name in needed:
        names, notebook = STAGES[name]
        if has_stage(artifacts_dir, name):
            pass
        elif has_stage(persist_dir, name):
            for file in names:
                artifacts.write_atomically(
                    artifacts_dir / file,
                    lambda tmp, f=file: shutil.copyfile(Path(persist_dir) / f, tmp))
            done.append(f"{notebook}: copied its files from {persist_dir}")
        else:
            if not catch_up:
                for file in names:
                    artifacts.require_artifact(artifacts_dir / file, notebook)
            message, made = _catch_up(artifacts_dir, name, progress)
            done.append(message)
            for made_stage in made if persist_dir else ():
                save_to_persist_dir(artifacts_dir, made_stage, persist_dir)
        if name == "split":
            done.append(rebase_split(artifacts_dir, progress))
    done = [line for line in done if line]
    return "\n".join(done) or f"found what {STAGES[stage][1]} saved in {artifacts_dir}"


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

    def compile_for_logits(m, optimizer):
        m.compile(optimizer=optimizer,
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0,
                                                           name="accuracy")])

    out = {}
    if not existing:
        feature_input = tf.keras.Input(shape=(base.output.shape[-1],))
        head = tf.keras.Model(feature_input, dense(dropout(feature_input)))
        compile_for_logits(head, tf.keras.optimizers.Adam(learning_rate))
        history = head.fit(data("train", slice(-1, None), True),
                           epochs=initial_epochs, verbose=verbose,
                           validation_data=data("validation", slice(-1, None)))
        compile_for_logits(model, tf.keras.optimizers.Adam(learning_rate))
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
    compile_for_logits(top_model, tf.keras.optimizers.RMSprop(learning_rate / 10))
    n = len(bottom.outputs)
    history = top_model.fit(
        data("train", slice(0, n), True), verbose=verbose,
        validation_data=data("validation", slice(0, n)),
        epochs=initial_epochs + fine_tune_epochs, initial_epoch=initial_epochs)
    compile_for_logits(model, tf.keras.optimizers.RMSprop(learning_rate / 10))
    hist = {"epoch": list(history.epoch), **history.history}
    artifacts.save_model(model, artifacts_dir / "fine_tuned.keras")
    artifacts.save_results(artifacts_dir / "fine_tuning_results.json", split,
                           history=hist, epochs=fine_tune_epochs,
                           fine_tune_at=fine_tune_at, made_by="catch-up")
    out["fine_tuning"] = hist["val_accuracy"][-1]
    return out
