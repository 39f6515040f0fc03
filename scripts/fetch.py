"""Download (or find) the dataset and the weights, verify them, say where they are.

    make fetch          # = python scripts/fetch.py
    make mirror         # = python scripts/fetch.py --mirror mirror  (instructors)

Honors the same settings as the notebooks: TL_DATA_DIR / TL_WEIGHTS (local
copies), TL_MIRROR / TL_DATA_URL / TL_WEIGHTS_URL (other origins). Run it again
and it finds everything in place, verifies it and says so.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv=None) -> int:
    import argparse

    from helpers import assets, data

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
        counts = assets.count_images(data_dir)
        for key, n in counts.items():
            expected = assets.DATASET_COUNTS.get(key)
            note = "" if expected in (None, n) else f"  (the tutorial's has {expected})"
            print(f"  {key:<18}{n:>6} files{note}")
        with tempfile.TemporaryDirectory() as work:  # converted copies: thrown away
            report = data.check_dataset(data_dir, work_dir=work, progress=True)
        print(report.summary())

        cache_file = assets.get_cache_dir() / "models" / assets.WEIGHTS_FILE
        weights_cached = cache_file.exists()
        weights = assets.get_weights_path()
        source = ("local copy (TL_WEIGHTS)" if os.environ.get("TL_WEIGHTS") else
                  "already in the cache, nothing downloaded" if weights_cached else
                  "downloaded")
        print(f"weights: {weights}  [{source}]")
        print(f"  loads into MobileNetV2, {assets.WEIGHTS_PARAMS:,} parameters: OK")
        if args.mirror:
            files = assets.make_mirror(Path(args.mirror))
            print(f"mirror ready in {args.mirror}/: "
                  + ", ".join(p.name for p in files))
            print(f"serve it with:  cd {args.mirror} && python -m http.server 8000")
            print("learners set:   TL_MIRROR=http://<this machine's IP>:8000")
    except (assets.AssetError, data.DatasetError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
