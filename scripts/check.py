"""Is this machine ready for the course? Run it the evening before a workshop.

    make check        # = python scripts/check.py (offline, under a minute)

Versions; the dataset and the weights present and verified (the course's own
settings: TL_DATA_DIR, TL_WEIGHTS, TL_MIRROR, or the Keras cache, as the
notebooks find them); free disk and memory; a Devanagari font (a note: only
the Hindi edition needs one); one timed training step of each kind, and from
them the minutes 03 and 04 will train here. The last line says READY, or the
first thing to do. The check itself is ``helpers.readiness.check_machine``, which
the notebook 00_check runs too (on Colab, or where `make` is missing).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed steps of each kind (default 5)")
    args = parser.parse_args(argv)

    from helpers import readiness

    line = ""
    # the notebooks' ../artifacts, seen from notebooks/ (TL_ARTIFACTS_DIR wins)
    for line in readiness.check_machine(args.repeats, ROOT / "artifacts"):
        print(line, flush=True)
    return 0 if line.startswith(readiness.READY) else 1


if __name__ == "__main__":
    sys.exit(main())
