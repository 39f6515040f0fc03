"""Download (or find) the dataset and the weights, verify them, say where they are.

    make fetch          # = python scripts/fetch.py
    make mirror         # = python scripts/fetch.py --mirror mirror  (instructors)

Honors the same settings as the notebooks: TL_DATA_DIR / TL_WEIGHTS (local
copies), TL_MIRROR / TL_DATA_URL / TL_WEIGHTS_URL (other origins). Run it again
and it finds everything in place, verifies it and says so. Instructor tooling
(the mirror) lives here, not in the ``helpers`` package learners import.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def count_images(data_dir: Path) -> dict[str, int]:
    """Number of files per ``split/class`` folder, hidden files left out."""
    from helpers import checks

    counts = {}
    for split in checks.SPLITS:
        files = checks.list_image_files(data_dir / split)
        for label, name in enumerate(files.class_names):
            counts[f"{split}/{name}"] = files.labels.count(label)
    return counts


def zip_dataset(data_dir: Path, target: Path) -> Path:
    """Zip the dataset's images in the tutorial's layout: the class folders of
    train/ and validation/ only, no hidden file (``.git/``, ``.DS_Store``)."""
    from helpers import assets, checks
    from helpers.artifacts import write_atomically

    def write(tmp):
        with zipfile.ZipFile(tmp, "w") as zf:
            for split in checks.SPLITS:
                for path in checks.list_image_files(data_dir / split).paths:
                    rel = Path(path).relative_to(data_dir).as_posix()
                    zf.write(path, f"{assets.DATASET_NAME}/{rel}")

    return write_atomically(target, write)


def make_mirror(folder: Path, progress: bool = True) -> list[Path]:
    """Put both assets in ``folder``, named as a mirror serves them (make mirror).

    The dataset zip is built from the dataset folder in use (so it holds only
    its images); the weights file is copied from the cache or ``TL_WEIGHTS``.
    """
    from helpers import assets
    from helpers.artifacts import write_atomically

    folder.mkdir(parents=True, exist_ok=True)
    target = zip_dataset(assets.get_dataset_dir(progress), folder / assets.DATASET_ZIP)
    weights = write_atomically(
        folder / assets.WEIGHTS_FILE,
        lambda tmp: shutil.copyfile(assets.get_weights_path(progress), tmp))
    return [target, weights]


def main(argv=None) -> int:
    from helpers import assets, checks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", metavar="DIR",
                        help="also put both files in DIR, ready to serve")
    args = parser.parse_args(argv)
    try:
        cached = (assets.get_cache_dir() / "datasets" / assets.DATASET_NAME
                  / assets.COMPLETE_MARKER).exists()
        local = os.environ.get("TL_DATA_DIR")
        data_dir = assets.get_dataset_dir()
        source = ("local copy (TL_DATA_DIR)" if local else
                  "already in the cache, nothing downloaded" if cached else
                  "downloaded")
        print(f"dataset: {data_dir}  [{source}]")
        for key, n in count_images(data_dir).items():
            expected = assets.DATASET_COUNTS.get(key)
            note = "" if expected in (None, n) else f"  (the tutorial's has {expected})"
            print(f"  {key:<18}{n:>6} files{note}")
        with tempfile.TemporaryDirectory() as work:  # converted copies: thrown away
            report = checks.check_dataset(data_dir, work_dir=work, progress=True)
        print(report.summary())

        cache_file = assets.get_cache_dir() / "models" / assets.WEIGHTS_FILE
        weights_cached = cache_file.exists()
        weights = assets.get_weights_path()
        source = ("local copy (TL_WEIGHTS)" if os.environ.get("TL_WEIGHTS") else
                  "already in the cache, nothing downloaded" if weights_cached else
                  "downloaded")
        print(f"weights: {weights}  [{source}]")
        print(f"  MobileNetV2 weights, {assets.WEIGHTS_PARAMS:,} parameters: OK")
        if args.mirror:
            files = make_mirror(Path(args.mirror))
            print(f"mirror ready in {args.mirror}/: "
                  + ", ".join(p.name for p in files))
            print(f"serve it with:  cd {args.mirror} && python -m http.server 8000")
            print("learners set:   TL_MIRROR=http://<this machine's IP>:8000")
    except (assets.AssetError, checks.DatasetError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
