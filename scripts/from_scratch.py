"""What ImageNet buys: the tutorial's network trained from scratch, measured.

The same MobileNetV2 and head as notebook 03 (augmentation, rescaling, pooling,
dropout, one logit), on the same split (01's), for as many epochs as 03 and 04
together (20), but with random initial weights and every layer trained, its
BatchNormalization layers included. The learning rate is ten times the
tutorial's (Adam at 0.001): a network learning from nothing needs larger steps,
as in d2l's fine-tuning chapter, where the network trained from scratch gets ten
times the rate of the fine-tuned one. Beside it, the validation accuracy per
epoch of 03 and 04 as they saved it in the artifacts folder: one table, one plot,
three curves (``results/from_scratch.json`` and ``.png``).

    TL_DATA_DIR=... TL_WEIGHTS=... python scripts/from_scratch.py   # 20 epochs

About 20 minutes on a 2-core CPU (it trains all 2.26 million weights); run 01,
03 and 04 first (``make reproduce``). ``--epochs`` and ``--output`` for a
shorter run; the tests run one epoch on the smoke run's artifacts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

LEARNING_RATE = 0.001


def train_from_scratch(split, epochs: int, batch_size: int = 32,
                       dropout: float = 0.2, seed: int = 123,
                       verbose: int = 2) -> dict:
    """03's model with random weights, every layer trained; its history (per
    epoch, with seconds) and test accuracy."""
    import tensorflow as tf
    from tutorial_baseline import make_timer

    from helpers import model_parts, pipeline

    tf.keras.utils.set_random_seed(seed)
    train = pipeline.make_dataset(split.train, split.image_size, batch_size,
                                  shuffle=True, seed=seed)
    validation = pipeline.make_dataset(split.validation, split.image_size, batch_size)
    test = pipeline.make_dataset(split.test, split.image_size, batch_size)
    shape = split.image_size + (3,)
    base = tf.keras.applications.MobileNetV2(input_shape=shape, include_top=False,
                                             weights=None)
    inputs = tf.keras.Input(shape=shape)
    x = model_parts.make_rescaling()(model_parts.make_augmentation()(inputs))
    x = tf.keras.layers.GlobalAveragePooling2D()(base(x))  # every layer trains
    x = tf.keras.layers.Dropout(dropout)(x)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))
    model_parts.compile_for_logits(model, tf.keras.optimizers.Adam(LEARNING_RATE))
    timer = make_timer()
    start = time.perf_counter()
    history = model.fit(train, validation_data=validation, epochs=epochs,
                        callbacks=[timer], verbose=verbose)
    train_seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(test, verbose=0)
    return {"history": {**{k: [float(v) for v in values]
                           for k, values in history.history.items()},
                        "seconds": timer.seconds},
            "train_seconds": round(train_seconds, 1),
            "trainable_parameters": model_parts.count_params(
                model.trainable_variables),
            "test_accuracy": float(test_accuracy), "test_loss": float(test_loss)}


def read_transfer(artifacts, split) -> dict:
    """03's and 04's validation accuracy per epoch and 05's test accuracy, as
    they saved them (``None`` for what is missing)."""
    from helpers import stages

    def history(stage):
        if not stages.results_path(artifacts, stage).exists():
            return None
        return stages.load_results(artifacts, stage, split)["history"]["val_accuracy"]

    path = stages.results_path(artifacts, "evaluation")
    test = json.loads(path.read_text())["test_accuracy"] if path.exists() else None
    return {"feature_extraction_val_accuracy": history("feature_extraction"),
            "fine_tuning_val_accuracy": history("fine_tuning"),
            "test_accuracy": test}


def format_table(r: dict) -> str:
    """One line per way of training: validation accuracy after the first epoch,
    the last, and test accuracy."""
    t, scratch = r["transfer"], r["from_scratch"]["history"]["val_accuracy"]
    lines = [f"{'':<36}{'epoch 1':>9}{'last':>9}{'test':>9}"]
    lines.append(f"{'from scratch (random weights)':<36}{scratch[0]:>9.4f}"
                 f"{scratch[-1]:>9.4f}{r['from_scratch']['test_accuracy']:>9.4f}")
    fe, ft = t["feature_extraction_val_accuracy"], t["fine_tuning_val_accuracy"]
    if fe:
        lines.append(f"{'feature extraction (03)':<36}{fe[0]:>9.4f}{fe[-1]:>9.4f}"
                     f"{'':>9}")
    if fe and ft:
        test = f"{t['test_accuracy']:>9.4f}" if t["test_accuracy"] is not None else ""
        lines.append(f"{'then fine-tuning (04)':<36}{'':>9}{ft[-1]:>9.4f}{test}")
    return "\n".join(lines)


def plot_curves(r: dict):
    """Validation accuracy per epoch: from scratch, 03, and 04 after it; and the
    from-scratch run's training accuracy (``--replot`` draws it again from the
    JSON)."""
    from helpers import plots

    t = r["transfer"]
    scratch = r["from_scratch"]["history"]["val_accuracy"]
    training = r["from_scratch"]["history"]["accuracy"]
    curves = {"from scratch": (range(1, len(scratch) + 1), scratch),
              "from scratch, training accuracy (each batch's statistics)":
                  (range(1, len(training) + 1), training)}
    fe, ft = t["feature_extraction_val_accuracy"], t["fine_tuning_val_accuracy"]
    if fe:
        curves["feature extraction (03)"] = (range(1, len(fe) + 1), fe)
    if fe and ft:
        curves["fine-tuning (04)"] = (range(len(fe) + 1, len(fe) + len(ft) + 1), ft)
    return plots.plot_curves(curves, "accuracy (validation, unless marked)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20,
                        help="03's and 04's epochs together (default 20)")
    parser.add_argument("--output", default=str(ROOT / "results" / "from_scratch.json"),
                        help="the JSON; the plot is written beside it (.png)")
    parser.add_argument("--replot", action="store_true",
                        help="train nothing: draw the plot again from --output")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    output = Path(args.output)
    if args.replot:
        plot_curves(json.loads(output.read_text())).savefig(
            output.with_suffix(".png"), dpi=100)
        return 0
    from reproduce import describe_environment

    from helpers import splits
    from helpers.artifacts import get_artifacts_dir

    artifacts = get_artifacts_dir(ROOT / "artifacts")
    split = splits.load_split(artifacts)
    r = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
         "command": "python scripts/from_scratch.py"
                    + (f" --epochs {args.epochs}" if args.epochs != 20 else ""),
         "environment": describe_environment(),
         "split_id": split.id, "epochs": args.epochs, "learning_rate": LEARNING_RATE,
         "from_scratch": train_from_scratch(split, args.epochs),
         "transfer": read_transfer(artifacts, split)}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(r, indent=2) + "\n")
    plot_curves(r).savefig(output.with_suffix(".png"), dpi=100)
    print(format_table(r))
    print(f"wrote {output} and {output.with_suffix('.png').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
