"""Why does 04's model call cats dogs more often than dogs cats? Measured.

The fine-tuned model of 04 errs one way: 05 counts its mistakes on the
validation images. 04 and 06's quick path train the same layers with the same
optimizers, learning rates, epochs and BatchNormalization freeze, and judge at
the same threshold; what differs is augmentation (04 flips and rotates every
image anew in every epoch; the quick path caches the images as they are). So
this script trains the quick path twice per seed, on 01's split: with the images
as they are, and with ``--passes`` augmented copies of each (06's
``AUGMENTED_PASSES``, the tutorial's flip and rotation), and counts both kinds
of error on the validation images, beside 04's saved model counted the same way.
``results/dog_lean.json``.

    TL_DATA_DIR=... TL_WEIGHTS=... python scripts/dog_lean.py   # one seed, 3 passes

About 8 minutes a seed on a 2-core CPU (the augmented run trains on three times
the images); run 01 and 04 first (``make reproduce``).
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


def count_errors(model, dataset) -> dict:
    """Both kinds of error of ``model`` on ``dataset`` at the logit threshold 0."""
    from helpers import evaluation

    labels, logits, _ = evaluation.predict_logits(model, dataset)
    (cats_called_dogs, dogs_called_cats), = evaluation.count_errors_by_threshold(
        labels, logits, [0.0])
    return {"class_0_called_1": int(cats_called_dogs),
            "class_1_called_0": int(dogs_called_cats), "images": len(labels)}


def train_quick_path(split, seed: int, passes: int, epochs: tuple[int, int],
                     batch_size: int = 32):
    """06's quick path from ImageNet's weights; ``passes`` > 1: that many
    augmented copies of each training image. Returns the whole model."""
    import tensorflow as tf

    from helpers import assets, fast, model_parts, pipeline

    tf.keras.utils.set_random_seed(seed)
    base = tf.keras.applications.MobileNetV2(
        input_shape=split.image_size + (3,), include_top=False,
        weights=assets.prepare_weights(progress=False))
    augmentation = model_parts.make_augmentation()
    parts = fast.make_classifier(base, augmentation)
    train = pipeline.make_dataset(split.train, split.image_size, batch_size)
    validation = pipeline.make_dataset(split.validation, split.image_size, batch_size)
    fast.train_quickly(parts, train, validation, initial_epochs=epochs[0],
                       fine_tune_epochs=epochs[1], batch_size=batch_size, seed=seed,
                       augmentation=augmentation if passes > 1 else None,
                       passes=passes)
    return parts.model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[123])
    parser.add_argument("--passes", type=int, default=3,
                        help="augmented copies of each training image (default 3)")
    parser.add_argument("--epochs", type=int, nargs=2, default=[10, 10],
                        metavar=("HEAD", "FINE_TUNE"))
    parser.add_argument("--output", default=str(ROOT / "results" / "dog_lean.json"))
    args = parser.parse_args(argv)

    from helpers import pipeline, splits, stages
    from helpers.artifacts import get_artifacts_dir

    artifacts = get_artifacts_dir(ROOT / "artifacts")
    split = splits.load_split(artifacts)
    validation = pipeline.make_dataset(split.validation, split.image_size, 32)
    cats, dogs = split.class_names
    r = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
         "command": " ".join(["python scripts/dog_lean.py", *(argv or sys.argv[1:])]),
         "split_id": split.id, "class_names": split.class_names,
         "validation_images": len(split.validation), "passes": args.passes,
         "epochs": args.epochs, "runs": []}
    if stages.results_path(artifacts, "fine_tuning").exists():
        model, _ = stages.load_stage(artifacts, "fine_tuning", split)
        r["fine_tuning_04"] = count_errors(model, validation)
    for seed in args.seeds:
        for passes in (1, args.passes):
            start = time.perf_counter()
            model = train_quick_path(split, seed, passes, tuple(args.epochs))
            r["runs"].append({"seed": seed, "augmented_passes": passes,
                              "seconds": round(time.perf_counter() - start, 1),
                              **count_errors(model, validation)})
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(r, indent=2) + "\n")
    print(f"{'on the validation images':<40}{cats + ' called ' + dogs:>18}"
          f"{dogs + ' called ' + cats:>18}")
    rows = [("04 (augmented every epoch)", r.get("fine_tuning_04"))]
    rows += [(f"quick path, seed {run['seed']}, "
              + ("no augmentation" if run["augmented_passes"] == 1
                 else f"{run['augmented_passes']} augmented copies"), run)
             for run in r["runs"]]
    for label, run in rows:
        if run:
            print(f"{label:<40}{run['class_0_called_1']:>18}"
                  f"{run['class_1_called_0']:>18}")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
