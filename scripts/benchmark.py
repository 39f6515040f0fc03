"""Benchmark: the tutorial's path against the fast path, on the real data.

    make benchmark      # = python scripts/benchmark.py

1. Input pipeline alone: images/second over the training split, decoding every
   epoch (the default) and reading decoded images from the in-memory cache.
2. The default path (notebooks 03 and 04: 10 + 10 epochs through the whole
   network) and the fast path (notebook 06: cached features and activations),
   run back to back in fresh kernels with their own artifacts folder.
3. Side by side: validation and test accuracy, seconds per stage, peak memory,
   and the ratio fast / default.

Writes results/benchmark.json and prints the table. Settings as in the notebooks
(TL_DATA_DIR, TL_WEIGHTS, ...).
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


def pipeline_throughput(work: Path, batch_size=32, image_size=(160, 160)) -> dict:
    """Images/second of the input pipeline alone, without and with the cache."""
    from helpers import assets, checks, pipeline

    files = checks.check_dataset(assets.get_dataset_dir(), work_dir=work,
                                 progress=False).splits["train"]

    def one_pass(ds) -> float:
        start = time.perf_counter()
        n = sum(int(x.shape[0]) for x, _ in ds)
        return n / (time.perf_counter() - start)

    plain = pipeline.make_dataset(files, image_size, batch_size, shuffle=True)
    cached = pipeline.make_dataset(files, image_size, batch_size, shuffle=True,
                                   cache=True)
    return {
        "images": len(files),
        "decode_every_epoch": round(one_pass(plain), 1),
        "cache_first_pass": round(one_pass(cached), 1),
        "cache_later_passes": round(one_pass(cached), 1),
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


def format_table(r: dict) -> str:
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
    c = r["catch_up_03_04"]
    if c:
        out.append(f"catching up 03 and 04 (a notebook opened alone): "
                   f"{c['seconds']} s, validation accuracy {c['val_accuracy']:.4f}")
    out.append(f"fast / default training time: {r['ratio_fast_over_default_seconds']}"
               f"; val accuracy difference: "
               f"{r['val_accuracy_difference_points']:+.2f} points")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(ROOT / "artifacts" / "benchmark"))
    parser.add_argument("--output", default=str(ROOT / "results" / "benchmark.json"))
    parser.add_argument("--smoke", action="store_true",
                        help="the smoke configuration: checks the script, "
                        "measures nothing worth keeping")
    parser.add_argument("--collect-only", action="store_true",
                        help="run no notebook: compare what 03, 04 and 06 saved in "
                        "the artifacts folder (TL_ARTIFACTS_DIR), as the tests do "
                        "with the smoke run's; no catch-up timing")
    parser.add_argument("--catch-up-only", action="store_true",
                        help="measure only catching up 03 and 04, in the --work "
                        "folder of a full run, and update that entry of --output")
    args = parser.parse_args(argv)

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
        from helpers import artifacts

        work = artifacts.get_artifacts_dir(args.work).resolve()
        results = compare(work, pipeline_throughput(work), {})
        results["catch_up_03_04"] = None
        results["command"] += " --collect-only"
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
    print("input pipeline ...", flush=True)
    pipeline = pipeline_throughput(work)
    parameters = SMOKE if args.smoke else HEADLESS
    seconds = run_notebooks(["01", "03", "04", "06"], parameters, inplace=False)
    results = compare(work, pipeline, seconds)
    print("catching up 03 and 04 ...", flush=True)
    results["catch_up_03_04"] = catch_up_seconds(work)
    if args.smoke:
        results["command"] += " (smoke)"
    save_results(results, args.output, format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
