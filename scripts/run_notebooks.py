"""Execute the notebooks in order, headless, and collect their numbers.

    python scripts/run_notebooks.py            # all notebooks, outputs into the .ipynb
    python scripts/run_notebooks.py --results results/reproduce.json
    python scripts/run_notebooks.py --only 03 04 --no-inplace

Each notebook runs in a fresh kernel with ``TL_VERBOSE=2`` (one log line per
epoch instead of a progress bar). The local-copy settings (``TL_DATA_DIR``,
``TL_WEIGHTS``, ``TL_MIRROR``...) are read from the environment, as in JupyterLab.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def run_notebook(path: Path, inplace: bool, timeout: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if inplace:
        tmp = path.with_suffix(".ipynb.partial")
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="notebook number prefixes")
    parser.add_argument("--no-inplace", action="store_true",
                        help="do not write outputs into the .ipynb files")
    parser.add_argument("--timeout", type=int, default=3600,
                        help="seconds per cell")
    args = parser.parse_args(argv)
    os.environ.setdefault("TL_VERBOSE", "2")
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        paths = [p for p in paths if p.name[:2] in args.only]
    seconds = {}
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        seconds[path.stem] = run_notebook(path, not args.no_inplace, args.timeout)
        print(f"  done in {seconds[path.stem]:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
