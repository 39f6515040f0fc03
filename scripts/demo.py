"""The course's trained model behind a small web page (Gradio), from the command line.

    make demo                              # 04's model on http://127.0.0.1:7860
    make demo ARGS="--host 0.0.0.0"        # the classroom's network too
    make demo ARGS="--stage own_data"      # 07's model (N classes, top 3)
    make demo ARGS="--share"               # a public link, through Gradio's servers

The model and its class names come from the artifacts folder (``TL_ARTIFACTS_DIR``,
else ``artifacts/``), where 04_fine_tuning (or 07_your_own_data) saved them; with
none there, it says which notebook to run. Bound to 127.0.0.1 (this computer
only) unless ``--host`` says otherwise; no public link unless ``--share``; no
analytics, nothing fetched from the internet. The page, and what it does with a
photo it cannot use, is ``helpers/app.py`` (09_share_your_model builds the same
page in a notebook). Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

#: The stages whose model the page can show.
STAGES = ("fine_tuning", "evaluation", "own_data", "scaling_up")


def find_examples(folder: Path, stage: str, per_class: int) -> list[str]:
    """A few validation photos of each class, from 01's split (04's model) or
    none (07's model, or a dataset that is not on this machine)."""
    from helpers import app, errors, splits

    if per_class <= 0 or stage == "own_data":
        return []
    try:
        split = splits.load_split(folder)
    except errors.MissingArtifactError:
        return []
    return app.pick_examples(split.validation, split.class_names, per_class)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="fine_tuning", choices=STAGES,
                        help="whose model: 04's fine_tuning (default), 05's "
                        "evaluation, 07's own_data, 08's scaling_up")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default 127.0.0.1: this "
                        "computer only; 0.0.0.0: the classroom's network too)")
    parser.add_argument("--port", type=int, default=None,
                        help="the port (default: 7860, or the next free one)")
    parser.add_argument("--share", action="store_true",
                        help="also ask Gradio for a public link (through its "
                        "servers on the internet; off by default)")
    parser.add_argument("--min-confidence", type=float, default=0.0,
                        help="say 'not sure' below this probability (0-1)")
    parser.add_argument("--examples", type=int, default=2,
                        help="example photos per class from the validation set")
    parser.add_argument("--no-grad-cam", action="store_true",
                        help="show the photo without where the model looked")
    args = parser.parse_args(argv)

    from helpers import app, artifacts
    from helpers.errors import COURSE_ERRORS

    try:
        folder = artifacts.get_artifacts_dir(ROOT / "artifacts")
        classifier = app.load_classifier(folder, args.stage)
    except COURSE_ERRORS as e:
        message = str(e).replace("run this notebook again", "run `make demo` again")
        print(f"make demo: {type(e).__name__}: {message}", file=sys.stderr)
        return 2
    examples = find_examples(folder, args.stage, args.examples)
    page = app.make_app(classifier, examples, min_confidence=args.min_confidence,
                        grad_cam=not args.no_grad_cam)
    try:  # Ctrl+C, even while the server starts, stops it without a trace
        url = app.launch_app(page, host=args.host, port=args.port,
                             share=args.share, inline=False,
                             allowed_paths={str(Path(p).parent) for p in examples})
        names = ", ".join(classifier.class_names)
        print(f"The {args.stage} model ({names}) is served on {url}"
              + (" and on this computer's network addresses"
                 if args.host == "0.0.0.0" else " (this computer only)")
              + (f"; public link: {page.share_url}" if page.share_url else "")
              + ". Ctrl+C stops it.", flush=True)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        app.close_app(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
