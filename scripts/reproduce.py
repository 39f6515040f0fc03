"""Run the whole course headlessly on the real data and record what it measured.

    make reproduce                      # = python scripts/reproduce.py
    python scripts/reproduce.py --collect-only   # re-read the last run's artifacts

Executes notebooks 01-06 in order, each in a fresh kernel, writing their outputs
into the ``.ipynb`` files (these are the stored outputs a learner sees), then
collects the numbers the notebooks saved into ``results/reproduce.json`` and
prints a short table. Uses the same settings as JupyterLab: ``TL_DATA_DIR``,
``TL_WEIGHTS``, ``TL_MIRROR``, ``TL_ARTIFACTS_DIR``... from the environment.
Training logs are one line per epoch (``TL_VERBOSE=2``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOTEBOOKS = ROOT / "notebooks"
#: TensorFlow's C++ start-up logs, which bypass TF_CPP_MIN_LOG_LEVEL.
NOISE = re.compile(r"^([IWE]\d{4} \d\d:\d\d:\d\d|WARNING: All log messages before "
                   r"absl|To enable the following instructions|INFO: Created "
                   r"TensorFlow Lite XNNPACK delegate)")


def strip_log_noise(nb) -> None:
    """Drop TensorFlow's C++ start-up log lines from stderr outputs."""
    for cell in nb.cells:
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                lines = [x for x in out["text"].splitlines(keepends=True)
                         if not NOISE.match(x)]
                if not "".join(lines).strip():
                    continue
                out["text"] = "".join(lines)
            outputs.append(out)
        if cell.cell_type == "code":
            cell["outputs"] = outputs


def run_notebook(path: Path, inplace: bool = True, timeout: int = 3600) -> float:
    """Execute one notebook in a fresh kernel; return its wall seconds."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.setdefault("TL_VERBOSE", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if inplace:
        strip_log_noise(nb)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            nbformat.write(nb, tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return seconds


def notebook_paths(only=None) -> list[Path]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not only or p.name[:2] in only]


def run_notebooks(only=None, inplace: bool = True) -> dict[str, float]:
    """Run the selected notebooks in order, printing progress; return seconds."""
    seconds = {}
    for path in notebook_paths(only):
        print(f"running {path.name} ...", flush=True)
        seconds[path.stem] = run_notebook(path, inplace)
        print(f"  done in {seconds[path.stem]:.0f} s", flush=True)
    return seconds


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def describe_environment() -> dict:
    import tensorflow as tf

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
        "weights_sha256": sha256(weights),
        "dataset_counts": assets.count_images(assets.get_dataset_dir(progress=False)),
    }


def collect(artifacts: Path, notebook_seconds: dict) -> dict:
    def load(name):
        path = artifacts / name
        return json.loads(path.read_text()) if path.exists() else None

    fe = load("feature_extraction_results.json")
    ft = load("fine_tuning_results.json")
    ev = load("evaluation_results.json")
    fast = load("fast_path_results.json")
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "make reproduce",
        "environment": describe_environment(),
        "notebook_seconds": {k: round(v, 1) for k, v in notebook_seconds.items()},
    }
    if fe:
        h = fe["history"]
        results["feature_extraction"] = {
            "val_accuracy_before_training": fe["initial_accuracy"],
            "val_loss_before_training": fe["initial_loss"],
            "val_accuracy_per_epoch": h["val_accuracy"],
            "seconds_per_epoch": h["seconds"],
            "train_seconds": round(fe["train_seconds"], 1),
            "peak_memory_mib": round(fe["peak_memory_mib"]),
        }
    if ft:
        h = ft["history"]
        results["fine_tuning"] = {
            "epochs": h["epoch"],
            "val_accuracy_per_epoch": h["val_accuracy"],
            "seconds_per_epoch": h["seconds"],
            "train_seconds": round(ft["train_seconds"], 1),
            "peak_memory_mib": round(ft["peak_memory_mib"]),
        }
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
            "peak_memory_mib": round(fast["peak_memory_mib"]),
        }
    return results


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
    args = parser.parse_args(argv)

    from helpers.artifacts import get_artifacts_dir, save_json

    # Absolute: the kernels run in notebooks/, a relative path would move there.
    artifacts = get_artifacts_dir(ROOT / "artifacts").resolve()
    os.environ["TL_ARTIFACTS_DIR"] = str(artifacts)
    seconds = {} if args.collect_only else run_notebooks(args.only)
    results = collect(artifacts, seconds)
    save_json(results, args.output)
    print(format_table(results))
    print(f"wrote {os.path.relpath(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
