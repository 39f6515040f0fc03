"""Benchmark on an accelerator: seconds per epoch, default path against mixed
precision, XLA and the cached-features path, with the GPU's utilisation.

    make benchmark-accelerator      # = python scripts/benchmark_accelerator.py
    python scripts/benchmark_accelerator.py --smoke   # tiny: checks the script

On the real cats/dogs data (``TL_DATA_DIR``, ``TL_WEIGHTS``... as in the
notebooks), with the strategy notebook 08 picks for this machine
(``helpers.scaling.detect_strategy``) and its global batch and learning rate:

1. the input pipeline alone: images/second over the training split, decoding
   (two passes: the first may read from disk, the second from the operating
   system's cache), then decoding and augmenting, as training reads it;
2. for each path, a fresh model: feature extraction (frozen base, ``--epochs``)
   then fine-tuning (from layer 100, BatchNormalization frozen,
   ``--fine-tune-epochs``), seconds per epoch and images/second, validation
   accuracy after each stage, and the GPU's utilisation and memory while it
   trained (``nvidia-smi`` sampled every half second, where there is one):

   - ``default``: float32, as notebooks 03 and 04 (but, as in 08, augmented in
     the input pipeline, so that XLA can compile the model);
   - ``mixed_precision``: ``mixed_float16`` on a GPU, ``mixed_bfloat16`` on a TPU
     or a CPU, the logit in float32 (``scaling.make_classifier``);
   - ``jit_compile``: float32, the training step compiled by XLA (not on a TPU,
     which compiles everything anyway);
   - ``cached_features``: notebook 06's path (``helpers/fast.py``): one pass
     caches what the frozen layers compute, then the head and the top train.

Writes ``results/benchmark_accelerator.json`` and prints a table. Epochs here
run without a validation pass, so seconds per epoch are training alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PATHS = ("default", "mixed_precision", "jit_compile", "cached_features")
NVIDIA_SMI = ["nvidia-smi", "--query-gpu=utilization.gpu,memory.used",
              "--format=csv,noheader,nounits"]
FINE_TUNE_AT = 100


def read_gpu_sample(command=NVIDIA_SMI) -> list[tuple[float, float]] | None:
    """One reading per GPU: (utilisation %, memory used MiB); ``None`` where the
    command is missing, fails or prints something else."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    readings = []
    for line in done.stdout.strip().splitlines():
        try:
            utilisation, memory = (float(v) for v in line.split(","))
        except ValueError:
            return None
        readings.append((utilisation, memory))
    return readings or None


class GpuSampler:
    """Samples ``command`` every ``interval`` seconds in a thread, between
    ``start()`` and ``stop()``; ``stop()`` returns a summary or ``None``."""

    def __init__(self, command=NVIDIA_SMI, interval: float = 0.5):
        self.command, self.interval = command, interval
        self.available = read_gpu_sample(command) is not None
        self._samples, self._done, self._thread = [], threading.Event(), None

    def start(self) -> None:
        if not self.available:
            return
        self._samples, self._done = [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            sample = read_gpu_sample(self.command)
            if sample:
                self._samples.append(sample)
            self._done.wait(self.interval)

    def stop(self) -> dict | None:
        if self._thread is None:
            return None
        self._done.set()
        self._thread.join(timeout=15)
        self._thread = None
        if not self._samples:
            return None
        # The mean over the GPUs at each moment, then over the moments.
        utilisation = [statistics.fmean(u for u, _ in s) for s in self._samples]
        memory = [sum(m for _, m in s) for s in self._samples]
        return {"samples": len(self._samples),
                "utilization_percent_mean": round(statistics.fmean(utilisation), 1),
                "utilization_percent_max": max(utilisation),
                "memory_used_mib_max": max(memory)}


def describe_gpus() -> list[str]:
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total",
                               "--format=csv,noheader"], capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return done.stdout.strip().splitlines() if done.returncode == 0 else []


def epoch_timer():
    """A callback that records each epoch's seconds in ``.seconds``."""
    import tensorflow as tf

    class EpochTimer(tf.keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def summarise(seconds: list[float], images: int) -> dict:
    """Seconds per epoch; the steady ones are those after the first (which
    also traces and compiles), or the first when there is only one."""
    steady = statistics.fmean(seconds[1:]) if len(seconds) > 1 else seconds[0]
    return {"seconds_per_epoch": [round(s, 2) for s in seconds],
            "first_epoch_seconds": round(seconds[0], 2),
            "steady_epoch_seconds": round(steady, 2),
            "images_per_second": round(images / steady, 1)}


def pipeline_throughput(files, image_size, batch_size) -> dict:
    """Images/second of the input pipeline alone: decode, resize, batch; then
    with 02's augmentation too (``scaling.add_augmentation``)."""
    import tensorflow as tf

    from helpers import model_parts, pipeline, scaling

    dataset = pipeline.make_dataset(files, image_size, batch_size, shuffle=True,
                                    seed=123)
    augmented = scaling.add_augmentation(dataset, model_parts.make_augmentation())

    def one_pass(ds) -> float:
        start = time.perf_counter()
        n = sum(int(x.shape[0]) for x, _ in ds.prefetch(tf.data.AUTOTUNE))
        return round(n / (time.perf_counter() - start), 1)

    return {"images": len(files), "first_pass": one_pass(dataset),
            "second_pass": one_pass(dataset),
            "with_augmentation": one_pass(augmented)}


class Bench:
    """What every path shares: data, strategy, settings, the sampler."""

    def __init__(self, args):
        import numpy as np
        import tensorflow as tf

        from helpers import assets, checks, model_parts, pipeline, scaling, splits

        self.args = args
        self.strategy, self.description = scaling.detect_strategy()
        self.device_kind = scaling.get_device_kind(self.strategy)
        self.replicas = self.strategy.num_replicas_in_sync
        self.global_batch = scaling.scale_batch_size(args.batch_size_per_replica,
                                                     self.replicas)
        self.learning_rate = scaling.scale_learning_rate(args.learning_rate,
                                                         self.replicas)
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        report = checks.check_dataset(assets.get_dataset_dir(progress=False),
                                      work_dir=work, progress=False)
        self.image_size = (args.image_size, args.image_size)
        split = splits.make_split(report, self.image_size, 0.2, 123)
        self.train_files, self.val_files = split.train, split.validation
        if args.max_images:  # a seeded sample of each split: both classes
            self.train_files, self.val_files = (
                files.subset(np.random.default_rng(0).permutation(len(files))
                             [:args.max_images])
                for files in (self.train_files, self.val_files))
        self.weights = str(assets.prepare_weights(progress=False))
        autotune = tf.data.AUTOTUNE
        self.plain_train = pipeline.make_dataset(
            self.train_files, self.image_size, self.global_batch, shuffle=True,
            seed=123)
        self.train = scaling.add_augmentation(
            self.plain_train, model_parts.make_augmentation()).prefetch(autotune)
        self.val = pipeline.make_dataset(
            self.val_files, self.image_size, self.global_batch).prefetch(autotune)
        self.sampler = GpuSampler()

    def base(self):
        import tensorflow as tf

        base = tf.keras.applications.MobileNetV2(
            input_shape=self.image_size + (3,), include_top=False,
            weights=self.weights)
        base.trainable = False
        return base

    def compile(self, model, learning_rate, optimizer="adam", jit=False):
        import tensorflow as tf

        opt = (tf.keras.optimizers.Adam(learning_rate) if optimizer == "adam"
               else tf.keras.optimizers.RMSprop(learning_rate))
        self.compile_with(model, opt, jit)

    def compile_with(self, model, optimizer, jit=False):
        import tensorflow as tf

        model.compile(optimizer=optimizer,
                      loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                      metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0,
                                                               name="accuracy")],
                      jit_compile=jit)

    def stage(self, model, data, epochs, val_data, images) -> dict:
        """``fit`` for ``epochs`` (no validation pass), timed and sampled; then
        the validation accuracy."""
        timer = epoch_timer()
        self.sampler.start()
        try:
            model.fit(data, epochs=epochs, callbacks=[timer], verbose=0)
        finally:
            gpu = self.sampler.stop()
        result = summarise(timer.seconds, images)
        result["val_accuracy"] = round(float(model.evaluate(val_data, verbose=0)[1]),
                                       4)
        result["gpu"] = gpu
        return result

    def unfreeze_top(self, base) -> None:
        from helpers import fast

        fast.unfreeze_top(base, FINE_TUNE_AT)

    def run_full(self, policy: str, jit: bool) -> dict:
        """03 then 04 through the whole network, under ``policy``."""
        import tensorflow as tf

        from helpers import scaling

        tf.keras.backend.clear_session()
        tf.keras.utils.set_random_seed(123)
        tf.keras.mixed_precision.set_global_policy(policy)
        try:
            with self.strategy.scope():
                base = self.base()
                model = scaling.make_classifier(base)
                self.compile(model, self.learning_rate, jit=jit)
        finally:
            tf.keras.mixed_precision.set_global_policy("float32")
        out = {"policy": policy, "jit_compile": model.jit_compile}
        n = len(self.train_files)
        out["feature_extraction"] = self.stage(model, self.train, self.args.epochs,
                                               self.val, n)
        with self.strategy.scope():
            self.unfreeze_top(base)
            self.compile(model, self.learning_rate / 10, "rmsprop", jit=jit)
        out["fine_tuning"] = self.stage(model, self.train,
                                        self.args.fine_tune_epochs, self.val, n)
        return out

    def run_cached(self) -> dict:
        """06's path (``fast.train_quickly``): cache once, then train the head,
        then the top; the caching pass timed and sampled on its own."""
        import tensorflow as tf

        from helpers import fast

        tf.keras.backend.clear_session()
        tf.keras.utils.set_random_seed(123)
        start = time.perf_counter()
        out = {"policy": "float32", "jit_compile": False}
        self.sampler.start()
        n = len(self.train_files)

        def fit(model, data, validation_data, initial_epoch, epochs):
            if "cache_seconds" not in out:  # the first fit: caching is over
                gpu = self.sampler.stop()
                out["cache_seconds"] = round(time.perf_counter() - start, 2)
                out["cache_gpu"] = gpu
            return self.stage(model, data, epochs - initial_epoch,
                              validation_data, n)

        try:
            with self.strategy.scope():
                parts = fast.make_classifier(self.base())
            stages = fast.train_quickly(
                parts, self.plain_train, self.val, initial_epochs=self.args.epochs,
                fine_tune_epochs=self.args.fine_tune_epochs,
                fine_tune_at=FINE_TUNE_AT, batch_size=self.global_batch, seed=123,
                learning_rate=self.learning_rate, fit=fit,
                compile=self.compile_with, strategy=self.strategy)
        finally:
            if "cache_seconds" not in out:
                self.sampler.stop()
        return {**out, **stages}


def run(args) -> dict:
    import keras
    import tensorflow as tf

    from helpers import scaling

    bench = Bench(args)
    results = {
        "command": "make benchmark-accelerator" + (" (smoke)" if args.smoke else ""),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": {
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "device_kind": bench.device_kind,
            "strategy": bench.description, "replicas": bench.replicas,
            "gpus": describe_gpus(), "gpu_utilization_readable":
                bench.sampler.available,
        },
        "settings": {
            "image_size": list(bench.image_size),
            "batch_size_per_replica": args.batch_size_per_replica,
            "global_batch_size": bench.global_batch,
            "learning_rate": bench.learning_rate, "epochs": args.epochs,
            "fine_tune_epochs": args.fine_tune_epochs, "fine_tune_at": FINE_TUNE_AT,
            "train_images": len(bench.train_files),
            "validation_images": len(bench.val_files),
        },
    }
    print(f"{bench.description}; global batch {bench.global_batch}", flush=True)
    print("input pipeline ...", flush=True)
    results["pipeline_images_per_second"] = pipeline_throughput(
        bench.train_files, bench.image_size, bench.global_batch)
    paths = {}
    for name in args.paths:
        print(f"{name} ...", flush=True)
        if name == "default":
            paths[name] = bench.run_full("float32", jit=False)
        elif name == "mixed_precision":
            policy = scaling.choose_mixed_precision_policy(bench.device_kind, True)
            paths[name] = bench.run_full(policy, jit=False)
        elif name == "jit_compile":
            if bench.device_kind == "TPU":
                paths[name] = {"skipped": "a TPU compiles every step with XLA"}
            else:
                paths[name] = bench.run_full("float32", jit=True)
        elif name == "cached_features":
            paths[name] = bench.run_cached()
    results["paths"] = paths
    results["steady_seconds_over_default"] = ratios(paths)
    return results


def ratios(paths: dict) -> dict:
    """Each path's steady seconds per epoch over the default path's."""
    if "default" not in paths:
        return {}
    out = {}
    for name, path in paths.items():
        if "skipped" in path:
            continue
        out[name] = {stage: round(path[stage]["steady_epoch_seconds"]
                                  / paths["default"][stage]["steady_epoch_seconds"],
                                  3)
                     for stage in ("feature_extraction", "fine_tuning")}
    return out


def format_table(r: dict) -> str:
    e = r["environment"]
    out = [f"{e['strategy']} | TensorFlow {e['tensorflow']} | "
           f"GPUs: {', '.join(e['gpus']) or 'none'}"]
    p = r["pipeline_images_per_second"]
    out.append(f"input pipeline alone: {p['first_pass']} images/s (first pass), "
               f"{p['second_pass']} (second), {p['with_augmentation']} with "
               f"augmentation; {p['images']} training images")
    out.append(f"{'path':<18}{'stage':<20}{'s/epoch':>9}{'images/s':>10}"
               f"{'val acc':>9}{'GPU %':>7}{'vs default':>12}")
    for name, path in r["paths"].items():
        if "skipped" in path:
            out.append(f"{name:<18}skipped: {path['skipped']}")
            continue
        for stage in ("feature_extraction", "fine_tuning"):
            s = path[stage]
            gpu = s["gpu"]["utilization_percent_mean"] if s["gpu"] else "n/a"
            ratio = r["steady_seconds_over_default"].get(name, {}).get(stage, "")
            out.append(f"{name:<18}{stage:<20}{s['steady_epoch_seconds']:>9}"
                       f"{s['images_per_second']:>10}{s['val_accuracy']:>9}"
                       f"{gpu:>7}{ratio:>12}")
        if "cache_seconds" in path:
            out.append(f"{name:<18}{'(caching pass)':<20}{path['cache_seconds']:>9}")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output",
                        default=str(ROOT / "results" / "benchmark_accelerator.json"))
    parser.add_argument("--work", default=str(ROOT / "artifacts" /
                                              "benchmark_accelerator"),
                        help="where the dataset check keeps its record")
    parser.add_argument("--epochs", type=int, default=3,
                        help="feature-extraction epochs per path (default 3)")
    parser.add_argument("--fine-tune-epochs", type=int, default=3)
    parser.add_argument("--batch-size-per-replica", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-4,
                        help="for one replica; scaled with the replicas")
    parser.add_argument("--image-size", type=int, default=160)
    parser.add_argument("--max-images", type=int, default=0,
                        help="use only the first N images of each split (0: all)")
    parser.add_argument("--paths", default=",".join(PATHS),
                        help=f"comma-separated, from {','.join(PATHS)}")
    parser.add_argument("--smoke", action="store_true",
                        help="one epoch per stage, one batch of 64-px images: "
                        "checks the script, measures nothing worth keeping")
    args = parser.parse_args(argv)
    args.paths = [p for p in args.paths.split(",") if p]
    unknown = sorted(set(args.paths) - set(PATHS))
    if unknown:
        parser.error(f"unknown paths {unknown}; choose from {', '.join(PATHS)}")
    if min(args.epochs, args.fine_tune_epochs) < 1:
        parser.error("--epochs and --fine-tune-epochs must be at least 1")
    if args.smoke:
        args.epochs = args.fine_tune_epochs = 1
        args.image_size, args.max_images = 64, args.batch_size_per_replica

    from nbrun import save_results

    results = run(args)
    save_results(results, args.output, format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
