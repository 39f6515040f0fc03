"""Run the whole course headlessly on the real data and record what it measured.

    make reproduce                      # = python scripts/reproduce.py
    python scripts/reproduce.py --collect-only   # re-read the last run's artifacts

Executes the notebooks in order, each in a fresh kernel (07_your_own_data only
when ``TL_OWN_DATA_DIR`` names a folder of classes, such as the clothing set),
writing their outputs into the ``.ipynb`` files (the stored outputs a learner
sees), then collects the numbers the notebooks saved into ``results/reproduce.json`` and
prints a short table. Uses the same settings as JupyterLab: ``TL_DATA_DIR``,
``TL_WEIGHTS``, ``TL_MIRROR``, ``TL_ARTIFACTS_DIR``... from the environment.
Training logs are one line per epoch (``VERBOSE = 2`` injected, see nbrun.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
def describe_environment() -> dict:
    import tensorflow as tf
    from fetch import count_images

    from helpers import assets

    weights = assets.get_weights_path(progress=False, verify=False)
    gpus = tf.config.list_physical_devices("GPU")
    return {
        "tensorflow": tf.__version__,
        "keras": tf.keras.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "accelerator": ", ".join(g.name for g in gpus) or "none (CPU only)",
        "weights_file": weights.name,
        "weights_sha256": assets.sha256_file(weights),
        "dataset_counts": count_images(assets.get_dataset_dir(progress=False)),
    }


def _round(value):
    return None if value is None else round(value)


def _training_stage(saved: dict) -> dict:
    """Per-epoch accuracy and seconds, time and memory of one training stage."""
    return {
        "val_accuracy_per_epoch": saved["history"]["val_accuracy"],
        "seconds_per_epoch": saved["history"]["seconds"],
        "train_seconds": round(saved["train_seconds"], 1),
        "peak_memory_mib": _round(saved["peak_memory_mib"]),
    }


def collect(artifacts: Path, notebook_seconds: dict) -> dict:
    from helpers import stages

    def load(stage):
        path = stages.results_path(artifacts, stage)
        return json.loads(path.read_text()) if path.exists() else None

    fe = load("feature_extraction")
    ft = load("fine_tuning")
    ev = load("evaluation")
    fast = load("fast_path")
    split = load("split")
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make reproduce",
        "environment": describe_environment(),
        "notebook_seconds": {k: round(v, 1) for k, v in notebook_seconds.items()},
    }
    if split:
        results["split"] = {"id": split["id"], "settings": split["settings"],
                            **{part: len(split[part]["paths"])
                               for part in ("train", "validation", "test")}}
    if fe:
        results["feature_extraction"] = {
            "val_accuracy_before_training": fe["initial_accuracy"],
            "val_loss_before_training": fe["initial_loss"],
            **_training_stage(fe),
        }
    if ft:
        results["fine_tuning"] = {"epochs": ft["history"]["epoch"],
                                  **_training_stage(ft)}
    if ev:
        results["test"] = {"loss": ev["test_loss"], "accuracy": ev["test_accuracy"],
                           "confusion_matrix": ev["test_confusion_matrix"]}
        results["export"] = ev["tflite"]
    if fast:
        results["fast_path"] = {
            "val_accuracy_after_feature_extraction":
                fast["feature_extraction_val_accuracy"],
            "val_accuracy": fast["val_accuracy"],
            "test_accuracy": fast["test_accuracy"],
            "stage_seconds": {k: round(v, 1) for k, v in fast["timings"].items()},
            "train_seconds": round(fast["train_seconds"], 1),
            "peak_memory_mib": _round(fast["peak_memory_mib"]),
        }
        if fast.get("noise"):  # 06's experiments (older results have none)
            results["fast_path"]["seed_study"] = {
                "seeds": [run["seed"] for run in fast["noise"]],
                **{f"{part}_accuracy": {k: round(v, 4) for k, v in spread.items()}
                   for part, spread in fast["noise_spread"].items()},
                "validation_confusion_matrices": [
                    run["validation_confusion_matrix"] for run in fast["noise"]]}
            results["fast_path"]["batch_norm_two_epochs"] = {
                name: {"val_accuracy": run["val_accuracy"],
                       "moving_mean_drift_in_std": round(run["moving_mean_drift"], 4)}
                for name, run in fast["batch_norm_runs"].items()}
            results["fast_path"]["range_test_suggested_rate"] = fast[
                "suggested_learning_rate"]
        if fast.get("label_fix"):  # 06's fix-the-labels (older results have none)
            results["fast_path"]["label_fix"] = {
                k: round(v, 4) if isinstance(v, float) else v
                for k, v in fast["label_fix"].items()}
    return results


#: The entries of the results each notebook's run measures.
MEASURED_BY = {"01": ("split",), "03": ("feature_extraction",),
               "04": ("fine_tuning",), "05": ("test", "export"),
               "06": ("fast_path",)}


def keep_earlier(results: dict, earlier: dict, seconds: dict) -> dict:
    """After a run of some notebooks (``--only``): the earlier run's results in
    the output, with only what these notebooks measured (their entries and
    seconds) replaced, and this run listed under ``later_runs`` (the artifacts
    may hold another run's numbers for the other notebooks since)."""
    ran = {name[:2] for name in seconds}
    merged = dict(earlier)
    merged.update({key: results[key] for number, keys in MEASURED_BY.items()
                   if number in ran for key in keys if key in results})
    merged["notebook_seconds"] = {**earlier.get("notebook_seconds", {}),
                                  **results["notebook_seconds"]}
    merged["later_runs"] = [*earlier.get("later_runs", []), {
        "command": f"{results['command']} --only {' '.join(sorted(ran))}",
        "date": results["date"], "notebooks": sorted(seconds)}]
    return merged


def format_table(r: dict) -> str:
    lines = [f"{'':<44}{'value':>12}"]

    def row(label, value, fmt="{:>12.4f}"):
        lines.append(f"{label:<44}" + fmt.format(value))

    if "feature_extraction" in r:
        fe = r["feature_extraction"]
        row("val accuracy before training", fe["val_accuracy_before_training"])
        row("val accuracy after feature extraction", fe["val_accuracy_per_epoch"][-1])
        row("feature extraction: training seconds", fe["train_seconds"], "{:>12.1f}")
    if "fine_tuning" in r:
        ft = r["fine_tuning"]
        row("val accuracy after fine-tuning", ft["val_accuracy_per_epoch"][-1])
        row("fine-tuning: training seconds", ft["train_seconds"], "{:>12.1f}")
    if "test" in r:
        row("test accuracy", r["test"]["accuracy"])
        row("test loss", r["test"]["loss"])
    if "fast_path" in r:
        fp = r["fast_path"]
        row("fast path: val accuracy", fp["val_accuracy"])
        row("fast path: test accuracy", fp["test_accuracy"])
        row("fast path: training seconds", fp["train_seconds"], "{:>12.1f}")
    row("all notebooks: wall seconds", sum(r["notebook_seconds"].values()),
        "{:>12.1f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="notebook number prefixes, e.g. 03")
    parser.add_argument("--collect-only", action="store_true",
                        help="do not execute; collect the last run's artifacts")
    parser.add_argument("--output", default=str(ROOT / "results" / "reproduce.json"))
    parser.add_argument("--edition", choices=("en", "hi"), default="en",
                        help="hi: run notebooks-hi/ (same code, same artifacts) and "
                        "store its outputs there; results go to --output as usual")
    parser.add_argument("--smoke", action="store_true",
                        help="the smoke configuration (one epoch per stage); the "
                        "stored outputs in notebooks/ are left as they are")
    args = parser.parse_args(argv)

    from nbrun import (
        EDITIONS,
        HEADLESS,
        SMOKE,
        notebook_paths,
        run_notebooks,
        save_results,
    )

    folder = EDITIONS[args.edition]
    only = args.only
    from helpers import settings
    from helpers.artifacts import get_artifacts_dir

    if only is None and not settings.resolve("TL_OWN_DATA_DIR"):
        only = [p.name[:2] for p in notebook_paths(folder=folder)
                if not p.name.startswith("07")]
        print("07_your_own_data skipped: set TL_OWN_DATA_DIR to a folder of your "
              "classes (<class>/, or train/<class>/ and validation/<class>/) to "
              "run it too")

    # Absolute: the kernels run in notebooks/, a relative path would move there.
    artifacts = get_artifacts_dir(ROOT / "artifacts").resolve()
    os.environ["TL_ARTIFACTS_DIR"] = str(artifacts)
    seconds = {} if args.collect_only else run_notebooks(
        only, SMOKE if args.smoke else HEADLESS, inplace=not args.smoke,
        folder=folder)
    results = collect(artifacts, seconds)
    results["command"] = ("make reproduce" + ("-hi" if args.edition == "hi" else "")
                          + (" (smoke)" if args.smoke else ""))
    if args.only and Path(args.output).exists():
        results = keep_earlier(
            results, json.loads(Path(args.output).read_text()), seconds)
    save_results(results, args.output, format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
