"""Benchmark: the course against the tutorial's own code, and against its fast path.

    make benchmark      # = python scripts/benchmark.py
    make quick          # = python scripts/benchmark.py --quick: the quick path only

1. Input pipeline alone: images/second over the training split, decoding every
   epoch (the course's pipeline, and the tutorial's ``image_dataset_from_directory``)
   and reading decoded images from the in-memory cache.
2. The tutorial's code as written (``scripts/tutorial_baseline.py``) against the
   course's default path (notebooks 03 and 04 in fresh kernels), ``--epochs`` +
   ``--epochs`` each, alternating (tutorial first in even repeats, the course
   first in odd ones), ``--repeats`` times: seconds per epoch (validation
   included), median and spread, and the ratios course / tutorial.
3. Where an epoch of the course's default path goes, for both stages: the input
   pipeline alone, the training step alone (on batches held in memory),
   validation alone, the course's callbacks alone (backup, epoch log, timing,
   progress), and one whole epoch to compare their sum with.
4. The default path (notebooks 03 and 04: 10 + 10 epochs through the whole
   network) and the fast path (notebook 06: cached features and activations),
   run back to back in fresh kernels with their own artifacts folder: validation
   and test accuracy, seconds per stage, peak memory, the ratio fast / default.
5. The quick path: the whole course as a learner who catches up runs it (01 and
   02, then 03's and 04's models made by the catch-up, 06's recipe, then 05),
   its total seconds and its accuracy.
6. What TensorBoard's logs cost (``--parts tensorboard``): the callback
   ``training.ResumableRun`` adds, timed alone as ``fit`` calls it for one epoch
   of 03 (median of several), against one whole epoch of 03 measured here.

The machine's load average is recorded at the start and the end (and before
each run of step 2). Writes results/benchmark.json and prints the tables.
Settings as in the notebooks (TL_DATA_DIR, TL_WEIGHTS, ...). ``--parts`` runs
some of the steps (``baseline,breakdown,compare,quick,tensorboard``) and keeps the other
entries of an existing ``--output``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


#: The steps of a full run, in order (``--parts``).
PARTS = ("baseline", "breakdown", "compare", "quick", "tensorboard")
#: The quick path's target: the whole course in 5 minutes on a 2-core CPU.
QUICK_TARGET_SECONDS = 300


def load_average() -> list[float] | None:
    """The 1-, 5- and 15-minute load averages (None where the system has none)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def one_pass(dataset) -> tuple[int, float]:
    """Images and seconds of one pass over a batched dataset."""
    start = time.perf_counter()
    n = sum(int(x.shape[0]) for x, _ in dataset)
    return n, time.perf_counter() - start


def pipeline_throughput(work: Path, batch_size=32, image_size=(160, 160)) -> dict:
    """Images/second of the input pipeline alone: the course's, without and with
    the cache, and the tutorial's ``image_dataset_from_directory``."""
    import tensorflow as tf

    from helpers import assets, checks, pipeline

    data_dir = assets.get_dataset_dir()
    files = checks.check_dataset(data_dir, work_dir=work,
                                 progress=False).splits["train"]

    def rate(ds) -> float:
        n, seconds = one_pass(ds)
        return round(n / seconds, 1)

    plain = pipeline.make_dataset(files, image_size, batch_size, shuffle=True)
    cached = pipeline.make_dataset(files, image_size, batch_size, shuffle=True,
                                   cache=True)
    tutorial = tf.keras.utils.image_dataset_from_directory(
        str(Path(data_dir) / "train"), shuffle=True, batch_size=batch_size,
        image_size=image_size, verbose=False).prefetch(tf.data.AUTOTUNE)
    return {
        "images": len(files),
        "decode_every_epoch": rate(plain),
        "cache_first_pass": rate(cached),
        "cache_later_passes": rate(cached),
        "tutorial_image_dataset_from_directory": rate(tutorial),
    }


# --- 2. The tutorial's code against the course's default path -----------------

def run_tutorial(work: Path, repeat: int, epochs: int) -> dict:
    """scripts/tutorial_baseline.py in a fresh process on the course's data and
    weights; its seconds per epoch."""
    import subprocess

    from helpers import assets

    output = work / f"tutorial_{repeat}.json"
    command = [sys.executable, str(ROOT / "scripts" / "tutorial_baseline.py"),
               str(assets.get_dataset_dir()), "--weights",
               str(assets.prepare_weights()), "--initial-epochs", str(epochs),
               "--fine-tune-epochs", str(epochs), "--output", str(output)]
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    if done.returncode:
        raise RuntimeError("tutorial_baseline.py failed:\n" + done.stdout[-3000:]
                           + done.stderr[-3000:])
    r = json.loads(output.read_text())
    return {"path": "tutorial", "repeat": repeat,
            "wall_seconds": r["wall_seconds"],
            "feature_extraction": r["feature_extraction"]["seconds_per_epoch"],
            "fine_tuning": r["fine_tuning"]["seconds_per_epoch"],
            "val_accuracy": r["fine_tuning"]["val_accuracy"][-1]}


def run_course(work: Path, repeat: int, epochs: int, parameters: dict) -> dict:
    """Notebooks 03 and 04 in fresh kernels (the course's default path, backup
    and epoch log included), in a folder of their own holding 01's split; the
    seconds per epoch their epoch logs measured."""
    from nbrun import run_notebooks

    from helpers import stages

    folder = work / f"course_{repeat}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copyfile(stages.results_path(work, "split"),
                    stages.results_path(folder, "split"))
    previous = os.environ.get("TL_ARTIFACTS_DIR")
    os.environ["TL_ARTIFACTS_DIR"] = str(folder)
    try:
        seconds = run_notebooks(["03", "04"], {**parameters, "INITIAL_EPOCHS": epochs,
                                               "FINE_TUNE_EPOCHS": epochs},
                                inplace=False)
    finally:
        os.environ["TL_ARTIFACTS_DIR"] = previous or str(work)
    return course_seconds(folder, repeat, sum(seconds.values()))


def course_seconds(folder: Path, repeat: int, wall: float | None) -> dict:
    """What 03 and 04 saved in ``folder``, as one run of the comparison."""
    from helpers import stages

    fe, ft = (stages.load_results(folder, s)
              for s in ("feature_extraction", "fine_tuning"))
    return {"path": "course", "repeat": repeat,
            "wall_seconds": round(wall, 1) if wall else None,
            "feature_extraction": fe["history"]["seconds"],
            "fine_tuning": ft["history"]["seconds"],
            "val_accuracy": ft["history"]["val_accuracy"][-1]}


def spread(values: list[float]) -> dict:
    """Median, quartiles, min and max of ``values``."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    q1, median, q3 = np.percentile(v, [25, 50, 75])
    return {"median": round(float(median), 2), "q1": round(float(q1), 2),
            "q3": round(float(q3), 2), "min": round(float(v.min()), 2),
            "max": round(float(v.max()), 2), "n": int(v.size)}


def summarize_baseline(runs: list[dict], epochs: int, loads: list) -> dict:
    """Seconds per epoch of each path and stage over every repeat: all epochs,
    and without each ``fit``'s first (which also traces the model)."""
    table, ratios = {}, {}
    for path in ("tutorial", "course"):
        mine = [r for r in runs if r["path"] == path]
        table[path] = {
            stage: {"all_epochs": spread([s for r in mine for s in r[stage]]),
                    "after_first_epoch": spread([s for r in mine
                                                 for s in r[stage][1:]]
                                                or [s for r in mine
                                                    for s in r[stage]])}
            for stage in ("feature_extraction", "fine_tuning")}
    for stage in ("feature_extraction", "fine_tuning"):
        ratios[stage] = {
            which: round(table["course"][stage][which]["median"]
                         / table["tutorial"][stage][which]["median"], 3)
            for which in ("all_epochs", "after_first_epoch")}
    return {
        "epochs": {"feature_extraction": epochs, "fine_tuning": epochs,
                   "note": "the tutorial's fine-tuning runs one epoch more "
                           "(initial_epoch=history.epoch[-1]), as written"},
        "repeats": len(runs) // 2,
        "order": [r["path"] for r in runs],
        "load_average_before_each_run": loads,
        "runs": runs,
        "seconds_per_epoch": table,
        "ratio_course_over_tutorial": ratios,
    }


def compare_with_tutorial(work: Path, repeats: int, epochs: int,
                          parameters: dict) -> dict:
    """Alternate the tutorial's code and the course's path ``repeats`` times."""
    runs, loads = [], []
    for repeat in range(repeats):
        order = ("tutorial", "course") if repeat % 2 == 0 else ("course", "tutorial")
        for path in order:
            print(f"repeat {repeat + 1}/{repeats}: the {path}'s code, {epochs} + "
                  f"{epochs} epochs ...", flush=True)
            loads.append(load_average())
            runs.append(run_tutorial(work, repeat, epochs) if path == "tutorial"
                        else run_course(work, repeat, epochs, parameters))
    return summarize_baseline(runs, epochs, loads)


# --- 3. Where an epoch goes -----------------------------------------------------

def time_callbacks(run, model, train_batches: int, val_batches: int,
                   verbose: int) -> dict:
    """Seconds the course's callbacks (``training.ResumableRun``) take in one
    epoch, called as ``fit`` calls them: each batch's hooks, validation's, and
    each callback's ``on_epoch_end`` (where the backup saves)."""
    import tensorflow as tf

    callbacks = tf.keras.callbacks.CallbackList(
        run.callbacks, add_history=True, add_progbar=verbose != 0, model=model,
        verbose=verbose, epochs=2, steps=train_batches)
    logs = {"loss": tf.constant(0.5), "accuracy": tf.constant(0.5)}
    detail = {}
    callbacks.on_train_begin()
    for epoch in range(2):  # the second epoch is timed (the first opens files)
        start = time.perf_counter()
        callbacks.on_epoch_begin(epoch)
        for step in range(train_batches):
            callbacks.on_train_batch_begin(step)
            callbacks.on_train_batch_end(step, logs)
        callbacks.on_test_begin()
        for step in range(val_batches):
            callbacks.on_test_batch_begin(step)
            callbacks.on_test_batch_end(step, logs)
        callbacks.on_test_end({"loss": 0.5, "accuracy": 0.5})
        hooks = time.perf_counter() - start
        epoch_logs = {"loss": 0.5, "accuracy": 0.5, "val_loss": 0.5,
                      "val_accuracy": 0.5}
        detail = {}
        for callback in callbacks.callbacks:  # one by one, in fit's order
            begin = time.perf_counter()
            callback.on_epoch_end(epoch, epoch_logs)
            name = type(callback).__name__
            detail[name] = round(detail.get(name, 0) + time.perf_counter() - begin,
                                 4)
    callbacks.on_train_end()
    total = hooks + sum(detail.values())
    return {"seconds": round(total, 3), "batch_and_validation_hooks": round(hooks, 4),
            "on_epoch_end": detail}


def build_03(work: Path) -> tuple:
    """``(split, batch size, training and validation datasets, base, model)``:
    03's pipeline (seeded, shuffled, prefetched) on the split saved in
    ``work``, and 03's model (the frozen MobileNetV2 on the course's weights,
    the course's head), not compiled; what ``epoch_breakdown`` and
    ``tensorboard_cost`` time."""
    import tensorflow as tf

    from helpers import assets, model_parts, pipeline, splits

    split = splits.load_split(work)
    size, batch = tuple(split.image_size), 32
    tf.keras.utils.set_random_seed(123)
    train = pipeline.make_dataset(split.train, size, batch, shuffle=True,
                                  seed=123).prefetch(tf.data.AUTOTUNE)
    validation = pipeline.make_dataset(split.validation, size,
                                       batch).prefetch(tf.data.AUTOTUNE)
    base = tf.keras.applications.MobileNetV2(input_shape=size + (3,),
                                             include_top=False,
                                             weights=assets.prepare_weights())
    base.trainable = False
    model = model_parts.build_classifier(base, 1, dropout=0.2)
    return split, batch, train, validation, base, model


def epoch_breakdown(work: Path, verbose: int = 2) -> dict:
    """Where an epoch of the course's default path goes, for both stages: the
    input pipeline alone, the training step alone (batches held in memory),
    validation alone, the callbacks alone, and a whole epoch to compare with.

    The model is 03's (then 04's unfreezing and compile), built here from the
    same helpers, the same split and the same weights."""
    import numpy as np
    import tensorflow as tf

    from helpers import fast, model_parts, training

    split, batch, train, validation, base, model = build_03(work)
    n_train, n_val = len(split.train), len(split.validation)
    train_batches, val_batches = -(-n_train // batch), -(-n_val // batch)
    one_pass(train)  # the files into the page cache, as in any epoch after the first
    _, train_pipeline = one_pass(train)
    _, val_pipeline = one_pass(validation)
    images, labels = zip(*((x.numpy(), y.numpy()) for x, y in train))
    held = tf.data.Dataset.from_tensor_slices(
        (np.concatenate(images), np.concatenate(labels))).batch(batch)
    del images

    out = {"images": {"train": n_train, "validation": n_val},
           "pipeline_note": "the input pipeline runs beside the training step "
                            "(parallel decoding, prefetch) on the same cores: "
                            "its seconds overlap the step's"}
    for stage, rate, optimizer in (("feature_extraction", 1e-4, "Adam"),
                                   ("fine_tuning", 1e-5, "RMSprop")):
        print(f"breakdown: {stage} ...", flush=True)
        if stage == "fine_tuning":
            fast.unfreeze_top(base, 100)  # 04's unfreezing, BatchNormalization frozen
        model_parts.compile_for_logits(
            model, getattr(tf.keras.optimizers, optimizer)(rate))
        # epoch hooks only: fit dispatches as the tutorial's does
        timer = training.make_epoch_log(work / f"breakdown_{stage}_held.csv",
                                        resume=False)
        model.fit(held, epochs=2, verbose=0, callbacks=timer)
        step = training.read_epoch_log(work / f"breakdown_{stage}_held.csv")
        step_seconds = step["seconds"][-1]  # the first epoch also traces
        model.evaluate(validation, verbose=0)  # traced here, as in fit's first
        start = time.perf_counter()
        model.evaluate(validation, verbose=0)
        val_seconds = time.perf_counter() - start
        run = training.ResumableRun(work / "breakdown", stage, model, "breakdown",
                                    epochs=2, verbose=verbose)
        callbacks = time_callbacks(run, model, train_batches, val_batches, verbose)
        run = training.ResumableRun(work / "breakdown", f"{stage}_epoch", model,
                                    "breakdown", epochs=2, verbose=verbose)
        model.fit(train, validation_data=validation, epochs=2,
                  callbacks=run.callbacks)
        epoch = run.history()["seconds"][-1]  # after the first (a new iterator)
        parts = step_seconds + val_seconds + callbacks["seconds"]
        out[stage] = {
            "epoch_seconds": round(epoch, 2),
            "pipeline_seconds": round(train_pipeline, 2),
            "pipeline_images_per_second": round(n_train / train_pipeline, 1),
            "train_step_seconds": round(step_seconds, 2),
            "train_step_images_per_second": round(n_train / step_seconds, 1),
            "validation_seconds": round(val_seconds, 2),
            "validation_pipeline_seconds": round(val_pipeline, 2),
            "callbacks_seconds": callbacks["seconds"],
            "callbacks": callbacks,
            "sum_step_validation_callbacks": round(parts, 2),
            "sum_over_epoch": round(parts / epoch, 3),
            "unexplained_seconds": round(epoch - parts, 2),
        }
    return out


def tensorboard_cost(work: Path, repeats: int = 7, verbose: int = 2) -> dict:
    """What TensorBoard's logging costs one epoch of 03: Keras' ``TensorBoard``
    callback as ``training.make_tensorboard`` makes it, called alone as ``fit``
    calls it for one epoch of this split (``time_callbacks``: each batch's
    hooks, validation's, and the scalars written at the epoch's end), the
    median of ``repeats``; and one whole epoch of 03's feature extraction
    (every course callback, TensorBoard's too), the second of two ``fit``
    epochs (the first also traces)."""
    import statistics
    from types import SimpleNamespace

    import tensorflow as tf

    from helpers import model_parts, training

    split, batch, train, validation, _, model = build_03(work)
    train_batches = -(-len(split.train) // batch)
    val_batches = -(-len(split.validation) // batch)
    model_parts.compile_for_logits(model, tf.keras.optimizers.Adam(1e-4))
    folder = work / "tensorboard_cost"
    print("tensorboard: two epochs of 03 ...", flush=True)
    run = training.ResumableRun(folder, "feature_extraction", model, "benchmark",
                                epochs=2, verbose=verbose)
    assert any(isinstance(c, tf.keras.callbacks.TensorBoard) for c in run.callbacks)
    model.fit(train, validation_data=validation, epochs=2, callbacks=run.callbacks)
    epoch = run.history()["seconds"][-1]
    seconds = []
    for repeat in range(repeats):
        board = training.make_tensorboard(folder / "alone" / str(repeat), False)
        timed = time_callbacks(SimpleNamespace(callbacks=[board]), model,
                               train_batches, val_batches, verbose=0)
        seconds.append(timed["seconds"])
    alone = statistics.median(seconds)
    return {
        "tensorboard_seconds_per_epoch": round(alone, 4),
        "tensorboard_seconds_each_repeat": seconds,
        "epoch_seconds": round(epoch, 2),
        "share_of_epoch": round(alone / epoch, 5),
        "batches": {"train": train_batches, "validation": val_batches},
        "note": "the callback alone (batch hooks, validation hooks, epoch-end "
                "scalars) against one whole epoch of 03's feature extraction "
                "with every course callback; epoch metrics only, no graph, "
                "histograms or profile (training.make_tensorboard)",
    }


# --- 4. The quick path ------------------------------------------------------------

def quick_path(work: Path, parameters: dict) -> dict:
    """The whole course as a learner who catches up runs it, in a fresh folder:
    01 and 02 as notebooks, 03's and 04's models made by the catch-up (06's
    cached-features recipe, what 04's and 05's "If you start here" cell does),
    then 05 as a notebook. Total seconds and accuracy."""
    from nbrun import run_notebooks

    from helpers import catchup, stages

    folder = work / "quick"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    previous = os.environ.get("TL_ARTIFACTS_DIR")
    os.environ["TL_ARTIFACTS_DIR"] = str(folder)
    load = load_average()
    start = time.perf_counter()
    try:
        seconds = run_notebooks(["01", "02"], parameters, inplace=False)
        print("catching up 03 and 04 ...", flush=True)
        begin = time.perf_counter()
        message = catchup.ensure(folder, "fine_tuning", progress=False)
        seconds["catch_up_03_04"] = time.perf_counter() - begin
        seconds.update(run_notebooks(["05"], parameters, inplace=False))
    finally:
        os.environ["TL_ARTIFACTS_DIR"] = previous or str(work)
    total = time.perf_counter() - start
    fe, ft, ev = (stages.load_results(folder, s)
                  for s in ("feature_extraction", "fine_tuning", "evaluation"))
    return {
        "command": "make quick",
        "steps": "01, 02 (notebooks); 03 and 04 caught up (helpers.catchup, 06's "
                 "recipe); 05 (notebook)",
        "total_seconds": round(total, 1),
        "target_seconds": QUICK_TARGET_SECONDS,
        "within_target": total <= QUICK_TARGET_SECONDS,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "val_accuracy_after_feature_extraction": fe["history"]["val_accuracy"][-1],
        "val_accuracy": ft["history"]["val_accuracy"][-1],
        "test_accuracy": ev["test_accuracy"],
        "catch_up_message": message,
        "load_average": {"start": load, "end": load_average()},
    }


def evaluate_test(model_path: Path, work: Path) -> float:
    import tensorflow as tf

    from helpers import artifacts, pipeline, splits, stages

    split = splits.load_split(work)
    model = artifacts.load_model(model_path, stages.get_stage("fine_tuning").notebook)
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0)])
    test = pipeline.make_dataset(split.test, split.image_size, 32)
    return float(model.evaluate(test, verbose=0)[1])


def _peak(*results) -> int | None:
    values = [r["peak_memory_mib"] for r in results if r["peak_memory_mib"]]
    return round(max(values)) if values else None


def catch_up_seconds(work: Path) -> dict:
    """What a notebook opened alone costs: 03's and 04's models made the quick
    way (helpers.catchup) in a fresh folder holding only 01's split."""
    from helpers import catchup, stages

    folder = work / "catch_up"
    folder.mkdir()
    shutil.copyfile(stages.results_path(work, "split"),
                    stages.results_path(folder, "split"))
    start = time.perf_counter()
    message = catchup.ensure(folder, "fine_tuning")
    seconds = time.perf_counter() - start
    fe, ft = (stages.load_results(folder, s) for s in ("feature_extraction",
                                                        "fine_tuning"))
    return {
        "seconds": round(seconds, 1),
        "val_accuracy_after_feature_extraction": fe["history"]["val_accuracy"][-1],
        "val_accuracy": ft["history"]["val_accuracy"][-1],
        "message": message,
    }


def compare(work: Path, pipeline: dict, notebook_seconds: dict) -> dict:
    from helpers import stages

    fe, ft, fast = (stages.load_results(work, s)
                    for s in ("feature_extraction", "fine_tuning", "fast_path"))
    default_total = fe["train_seconds"] + ft["train_seconds"]
    default = {
        "feature_extraction_seconds": round(fe["train_seconds"], 1),
        "fine_tuning_seconds": round(ft["train_seconds"], 1),
        "total_seconds": round(default_total, 1),
        "val_accuracy_after_feature_extraction": fe["history"]["val_accuracy"][-1],
        "val_accuracy": ft["history"]["val_accuracy"][-1],
        "test_accuracy": evaluate_test(stages.model_path(work, "fine_tuning"), work),
        "peak_memory_mib": _peak(fe, ft),
    }
    t = fast["timings"]
    fast_path = {
        # The one caching pass serves both stages; it is counted with the first.
        "feature_extraction_seconds": round(t["cache"] + t["train_head"], 1),
        "fine_tuning_seconds": round(t["fine_tune_top"], 1),
        "total_seconds": round(fast["train_seconds"], 1),
        "stage_seconds": {k: round(v, 1) for k, v in t.items()},
        "val_accuracy_after_feature_extraction":
            fast["feature_extraction_val_accuracy"],
        "val_accuracy": fast["val_accuracy"],
        "test_accuracy": fast["test_accuracy"],
        "peak_memory_mib": _peak(fast),
    }
    return {
        "command": "make benchmark",
        "pipeline_images_per_second": pipeline,
        "default_path": default,
        "fast_path": fast_path,
        "ratio_fast_over_default_seconds": round(
            fast_path["total_seconds"] / default_total, 3),
        "val_accuracy_difference_points": round(
            100 * (fast_path["val_accuracy"] - default["val_accuracy"]), 2),
        "notebook_wall_seconds": {k: round(v, 1) for k, v in notebook_seconds.items()},
    }


def format_default_fast(r: dict) -> list[str]:
    d, f = r["default_path"], r["fast_path"]
    rows = [
        ("feature extraction (s)", "feature_extraction_seconds", "{:.1f}"),
        ("fine-tuning (s)", "fine_tuning_seconds", "{:.1f}"),
        ("total training (s)", "total_seconds", "{:.1f}"),
        ("val accuracy after feature extraction",
         "val_accuracy_after_feature_extraction", "{:.4f}"),
        ("val accuracy (final)", "val_accuracy", "{:.4f}"),
        ("test accuracy", "test_accuracy", "{:.4f}"),
        ("peak memory (MiB)", "peak_memory_mib", "{:.0f}"),
    ]
    out = [f"{'':<40}{'default':>12}{'fast':>12}{'fast/default':>14}"]
    for label, key, fmt in rows:
        ratio = (f[key] / d[key] if ("seconds" in key or "memory" in key)
                 and d[key] and f[key] else None)
        cells = [fmt.format(v) if v is not None else "n/a" for v in (d[key], f[key])]
        out.append(f"{label:<40}{cells[0]:>12}{cells[1]:>12}"
                   + (f"{ratio:>14.3f}" if ratio is not None else ""))
    p = r["pipeline_images_per_second"]
    out.append("")
    out.append(f"input pipeline, images/s over {p['images']} training images: "
               f"decode every epoch {p['decode_every_epoch']}, cached "
               f"{p['cache_later_passes']} (first pass {p['cache_first_pass']})")
    c = r.get("catch_up_03_04")
    if c:
        out.append(f"catching up 03 and 04 (a notebook opened alone): "
                   f"{c['seconds']} s, validation accuracy {c['val_accuracy']:.4f}")
    out.append(f"fast / default training time: {r['ratio_fast_over_default_seconds']}"
               f"; val accuracy difference: "
               f"{r['val_accuracy_difference_points']:+.2f} points")
    return out


def format_baseline(b: dict) -> list[str]:
    out = [f"seconds per epoch, median [min-max] over {b['repeats']} repeats "
           f"({b['epochs']['feature_extraction']} + {b['epochs']['fine_tuning']} "
           "epochs, validation included):",
           f"{'':<38}{'tutorial':>20}{'course':>20}{'course/tutorial':>17}"]
    table = b["seconds_per_epoch"]
    for stage in ("feature_extraction", "fine_tuning"):
        for which in ("all_epochs", "after_first_epoch"):
            cells = [f"{s['median']:.1f} [{s['min']:.1f}-{s['max']:.1f}]"
                     for s in (table[p][stage][which] for p in ("tutorial", "course"))]
            ratio = b["ratio_course_over_tutorial"][stage][which]
            label = f"{stage.replace('_', ' ')}, {which.replace('_', ' ')}"
            out.append(f"{label:<38}{cells[0]:>20}{cells[1]:>20}{ratio:>17.3f}")
    return out


def format_breakdown(d: dict) -> list[str]:
    out = ["where an epoch of the course's default path goes (seconds):",
           f"{'':<34}{'feature extraction':>20}{'fine-tuning':>14}"]
    rows = [("input pipeline alone (overlaps)", "pipeline_seconds"),
            ("training step alone", "train_step_seconds"),
            ("validation alone", "validation_seconds"),
            ("callbacks alone", "callbacks_seconds"),
            ("step + validation + callbacks", "sum_step_validation_callbacks"),
            ("one whole epoch", "epoch_seconds")]
    for label, key in rows:
        cells = [f"{d[s][key]:.2f}" for s in ("feature_extraction", "fine_tuning")]
        out.append(f"{label:<34}{cells[0]:>20}{cells[1]:>14}")
    for stage in ("feature_extraction", "fine_tuning"):
        c = d[stage]["callbacks"]["on_epoch_end"]
        out.append(f"  {stage} on_epoch_end: "
                   + ", ".join(f"{k} {v:.3f}" for k, v in c.items()))
    return out


def format_table(r: dict) -> str:
    out = []
    if "default_path" in r:
        out += format_default_fast(r)
    if r.get("tutorial_baseline"):
        out += ["", *format_baseline(r["tutorial_baseline"])]
    if r.get("epoch_breakdown"):
        out += ["", *format_breakdown(r["epoch_breakdown"])]
    tb = r.get("tensorboard_cost")
    if tb:
        out += ["", f"TensorBoard's logs: {tb['tensorboard_seconds_per_epoch']:.4f} s "
                f"an epoch, {tb['share_of_epoch']:.3%} of an epoch of 03 "
                f"({tb['epoch_seconds']:.1f} s)"]
    q = r.get("quick_path")
    if q:
        out += ["", f"quick path (01, 02, 03 and 04 caught up, 05): "
                f"{q['total_seconds']} s (target {q['target_seconds']} s), "
                f"validation accuracy {q['val_accuracy']:.4f}, test accuracy "
                f"{q['test_accuracy']:.4f}"]
    return "\n".join(out).strip("\n")


def describe_machine() -> dict:
    import platform

    import tensorflow as tf

    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": tf.keras.__version__, "cpus": os.cpu_count(),
            "machine": platform.machine()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(ROOT / "artifacts" / "benchmark"))
    parser.add_argument("--output", default=str(ROOT / "results" / "benchmark.json"))
    parser.add_argument("--smoke", action="store_true",
                        help="the smoke configuration: checks the script, "
                        "measures nothing worth keeping")
    parser.add_argument("--parts", default=None,
                        help=f"comma-separated steps to run, of {','.join(PARTS)} "
                        "(default: all); the other entries of --output are kept")
    parser.add_argument("--quick", action="store_true",
                        help="the quick path only (= --parts quick): make quick")
    parser.add_argument("--repeats", type=int, default=None,
                        help="tutorial/course repeats (default 3; smoke 1)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per stage in the tutorial comparison "
                        "(default 3; smoke 1)")
    parser.add_argument("--collect-only", action="store_true",
                        help="run no notebook: compare what 03, 04 and 06 saved in "
                        "the artifacts folder (TL_ARTIFACTS_DIR), as the tests do "
                        "with the smoke run's; no catch-up timing. With --parts "
                        "baseline,breakdown: the tutorial's code once against "
                        "what 03 and 04 saved there, and the breakdown on its split")
    parser.add_argument("--catch-up-only", action="store_true",
                        help="measure only catching up 03 and 04, in the --work "
                        "folder of a full run, and update that entry of --output")
    args = parser.parse_args(argv)
    parts = ("quick",) if args.quick else tuple(
        p.strip() for p in (args.parts or ",".join(PARTS)).split(",") if p.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown --parts {sorted(unknown)}; choose from {PARTS}")
    repeats = args.repeats or (1 if args.smoke else 3)
    epochs = args.epochs or (1 if args.smoke else 3)

    from nbrun import HEADLESS, SMOKE, run_notebooks, save_results

    if args.catch_up_only:
        work = Path(args.work).resolve()
        shutil.rmtree(work / "catch_up", ignore_errors=True)
        os.environ["TL_ARTIFACTS_DIR"] = str(work)
        results = json.loads(Path(args.output).read_text())
        results["catch_up_03_04"] = catch_up_seconds(work)
        results["catch_up_03_04"]["command"] = "make benchmark ARGS=--catch-up-only"
        save_results(results, args.output, format_table(results))
        return 0

    if args.collect_only:
        from helpers import artifacts, stages

        work = artifacts.get_artifacts_dir(args.work).resolve()
        if args.parts is None:  # the default and fast paths, as saved
            results = compare(work, pipeline_throughput(work), {})
            results["catch_up_03_04"] = None
            results["command"] += " --collect-only"
            save_results(results, args.output, format_table(results))
            return 0
        results = {"command": f"make benchmark --collect-only --parts {args.parts}",
                   "load_average": {"start": load_average()}}
        if "baseline" in parts:
            saved = stages.load_results(work, "feature_extraction")["epochs"]
            runs = [run_tutorial(work, 0, saved), course_seconds(work, 0, None)]
            results["tutorial_baseline"] = summarize_baseline(runs, saved, [])
        if "breakdown" in parts:
            results["epoch_breakdown"] = epoch_breakdown(work)
        results["load_average"]["end"] = load_average()
        save_results(results, args.output, format_table(results))
        return 0

    work = Path(args.work).resolve()  # kernels run in notebooks/: absolute path
    marker = work / ".benchmark-work"
    if work.exists() and any(work.iterdir()) and not marker.exists():
        print(f"error: {work} is not empty and was not made by this script; "
              "choose another --work folder", file=sys.stderr)
        return 2
    shutil.rmtree(work, ignore_errors=True)  # no backup from an earlier run resumes
    work.mkdir(parents=True)
    marker.touch()
    os.environ["TL_ARTIFACTS_DIR"] = str(work)  # never the course's own artifacts
    output = Path(args.output)
    results = {}
    if set(parts) != set(PARTS) and output.exists():
        results = json.loads(output.read_text())  # the other steps' entries stay
        previous = {k: results[k] for k in ("command", "load_average") if k in results}
        if previous:  # and the command and load of the run that measured them
            results["earlier_runs"] = [*results.get("earlier_runs", []), previous]
    results.pop("kept_note", None)  # a hand-written note on the previous run's
    earlier = dict(results)
    command = "make " + ("quick" if args.quick else "benchmark")
    if args.parts or args.smoke or args.repeats or args.epochs:
        command += " ARGS='" + " ".join(a for a in (argv or sys.argv[1:])) + "'"
    started = load_average()
    parameters = SMOKE if args.smoke else HEADLESS

    def save(final: bool = False) -> None:  # after each step: a long run keeps it
        results["kept_from_an_earlier_run"] = sorted(
            k for k, v in earlier.items() if results.get(k) is v
            and k not in ("command", "machine", "load_average",
                          "kept_from_an_earlier_run", "earlier_runs"))
        results["command"] = command + (" (smoke)" if args.smoke else "")
        results["machine"] = describe_machine()
        results["load_average"] = {"start": started, "end": load_average(),
                                   "note": "1, 5 and 15 minutes (os.getloadavg); "
                                           "the machine is shared"}
        if final:
            save_results(results, output, format_table(results))
        else:
            from helpers.artifacts import save_json

            save_json(results, output)

    if set(parts) - {"quick", "tensorboard"}:
        print("input pipeline ...", flush=True)
        pipeline = pipeline_throughput(work)
        results["pipeline_images_per_second"] = pipeline
    if set(parts) - {"quick"}:
        run_notebooks(["01"], parameters, inplace=False)
    if "baseline" in parts:
        results["tutorial_baseline"] = compare_with_tutorial(work, repeats, epochs,
                                                             parameters)
        results["tutorial_baseline"]["command"] = command
        save()
    if "breakdown" in parts:
        results["epoch_breakdown"] = epoch_breakdown(work)
        results["epoch_breakdown"]["command"] = command
        save()
    if "compare" in parts:
        seconds = run_notebooks(["03", "04", "06"], parameters, inplace=False)
        results.update(compare(work, pipeline, seconds))
        results["catch_up_03_04"] = None
        save()
    if "tensorboard" in parts:
        load = load_average()
        results["tensorboard_cost"] = tensorboard_cost(
            work, repeats=2 if args.smoke else 7)
        results["tensorboard_cost"].update(
            command=command, load_average={"start": load, "end": load_average()})
        save()
    if "quick" in parts:
        results["quick_path"] = quick_path(work, parameters)
        results["quick_path"]["command"] = command
        q = results["quick_path"]
        results["catch_up_03_04"] = {
            "command": command, "seconds": q["seconds"]["catch_up_03_04"],
            "val_accuracy_after_feature_extraction":
                q["val_accuracy_after_feature_extraction"],
            "val_accuracy": q["val_accuracy"], "message": q["catch_up_message"]}
    save(final=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
