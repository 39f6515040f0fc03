"""Download (or find) the dataset and the weights, verify them, say where they are.

    make fetch          # = python scripts/fetch.py
    make mirror         # = python scripts/fetch.py --mirror mirror  (instructors)

Honors the same settings as the notebooks: TL_DATA_DIR / TL_WEIGHTS (local
copies), TL_MIRROR / TL_DATA_URL / TL_WEIGHTS_URL (other origins). Run it again
and it finds everything in place, verifies it and says so. Instructor tooling
(the mirror) lives here, not in the ``helpers`` package learners import.

The mirror also serves the instructor's checkpoints, for learners who fall
behind: 01's split and 03's and 04's models with their results, copied from the
artifacts folder (``--artifacts``, default TL_ARTIFACTS_DIR or artifacts/) into
``checkpoints/`` with ``manifest.json`` (sha256 and size of each file), which
the notebooks' "If you start here" cell checks (``helpers.mirror``).
``--quick`` first makes the missing ones the quick way (``catchup``). See
docs/classroom.md.
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
    train/ and validation/ only, no hidden file (``.git/``, ``.DS_Store``), no
    file that is not an image (notes, PDFs, a text file named .jpg) and no file
    a symbolic link brings in from outside the dataset folder: the zip is
    served to the whole class (``list_dataset_images``)."""
    from helpers import assets
    from helpers.artifacts import write_atomically

    def write(tmp):
        with zipfile.ZipFile(tmp, "w") as zf:
            for path in list_dataset_images(data_dir):
                rel = Path(path).relative_to(data_dir).as_posix()
                zf.write(path, f"{assets.DATASET_NAME}/{rel}")

    return write_atomically(target, write)


def list_dataset_images(data_dir: Path) -> list[str]:
    """The image files of the dataset's class folders that lie inside it,
    links resolved: what ``make mirror`` may serve."""
    from helpers import checks

    root = os.path.realpath(data_dir)
    images = []
    for split in checks.SPLITS:
        for path in checks.list_image_files(data_dir / split).paths:
            real = os.path.realpath(path)
            if (real.startswith(root + os.sep)
                    and checks.inspect_image(path)[0] != "skip"):
                images.append(path)
    return images


def make_mirror(folder: Path, progress: bool = True,
                artifacts_dir: Path | None = None) -> list[Path]:
    """Put both assets in ``folder``, named as a mirror serves them (make mirror);
    with ``artifacts_dir``, the instructor's checkpoints too (``copy_checkpoints``).

    The dataset zip is built from the dataset folder in use (so it holds only
    its images); the weights file is copied from the cache or ``TL_WEIGHTS``.
    Returns the files written.
    """
    from helpers import assets, mirror
    from helpers.artifacts import write_atomically

    folder.mkdir(parents=True, exist_ok=True)
    target = zip_dataset(assets.get_dataset_dir(progress), folder / assets.DATASET_ZIP)
    weights = write_atomically(
        folder / assets.WEIGHTS_FILE,
        lambda tmp: shutil.copyfile(assets.get_weights_path(progress), tmp))
    files = [target, weights]
    if artifacts_dir is not None:
        files += copy_checkpoints(Path(artifacts_dir),
                                  folder / mirror.CHECKPOINTS_DIR)
    for path in files:  # written private (mkstemp): a mirror is read by others
        path.chmod(0o644)
    return files


def get_default_artifacts_dir() -> Path:
    """Where the notebooks saved: ``TL_ARTIFACTS_DIR``, else ``artifacts/``."""
    from helpers import settings

    return Path(settings.resolve("TL_ARTIFACTS_DIR", ROOT / "artifacts")).expanduser()


def find_checkpoints(artifacts_dir: Path) -> tuple[list[str], str | None, list[str]]:
    """The stages in ``artifacts_dir`` fit to serve (make mirror): (stages, the
    split's id, why each other stage is left out and which notebook makes it)."""
    from helpers import artifacts, errors, stages

    quick = "or add --quick to make what is missing the quick way"
    split_file = stages.results_path(artifacts_dir, "split")
    if not split_file.is_file():
        return [], None, [f"no checkpoints: {split_file} does not exist. Run the "
                          f"notebooks 01_data, 03 and 04 first, {quick}"]
    try:
        split_id = artifacts.load_json(split_file, "01_data")["id"]
    except (errors.MissingArtifactError, KeyError, TypeError) as e:
        return [], None, [f"no checkpoints: {split_file} cannot be used ({e})"]
    served, notes = ["split"], []
    for stage in stages.CATCH_UP_STAGES[1:]:
        notebook = stages.get_stage(stage).notebook
        missing = [p.name for p in stages.list_paths(artifacts_dir, stage)
                   if not p.is_file()]
        problem = (f"{', '.join(missing)} not in {artifacts_dir}. Run the notebook "
                   f"{notebook}, {quick}" if missing
                   else find_checkpoint_problem(artifacts_dir, stage, split_id))
        if problem:
            notes.append(f"{stage} left out: {problem}")
        else:
            served.append(stage)
    return served, split_id, notes


def find_checkpoint_problem(artifacts_dir: Path, stage: str,
                            split_id: str) -> str | None:
    """Why ``stage``'s saved model and results cannot be served, or ``None``."""
    from helpers import errors, stages

    model, results = stages.get_stage(stage).model, stages.get_stage(stage).results
    notebook = stages.get_stage(stage).notebook
    try:
        saved = stages.load_results(artifacts_dir, stage)
    except errors.MissingArtifactError as e:
        return str(e)
    if saved["split_id"] != split_id:
        return (f"{results} was made on another split ({saved['split_id']}) than "
                f"split.json ({split_id}): 01_data was re-run since. Re-run "
                f"{notebook}")
    try:
        with zipfile.ZipFile(artifacts_dir / model) as zf:
            damaged = zf.testzip()
    except (OSError, zipfile.BadZipFile) as e:
        damaged = str(e)
    if damaged:
        return f"{model} is not a complete .keras file ({damaged}). Re-run {notebook}"
    return None


def copy_checkpoints(artifacts_dir: Path, target: Path) -> list[Path]:
    """Copy the stages ``find_checkpoints`` accepts into ``target`` and write
    their manifest there last (make mirror); files of other stages left there by
    an earlier mirror are removed. Returns the files written."""
    from helpers import artifacts, mirror, stages

    served, split_id, _ = find_checkpoints(artifacts_dir)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stage in stages.CATCH_UP_STAGES:
        for name in stages.get_stage(stage).files:
            if stage not in served:
                (target / name).unlink(missing_ok=True)
                continue
            written.append(artifacts.write_atomically(
                target / name,
                lambda tmp, n=name: shutil.copyfile(artifacts_dir / n, tmp)))
    manifest = target / mirror.MANIFEST_FILE
    if not served:
        manifest.unlink(missing_ok=True)
        return written
    return written + [artifacts.save_json(
        mirror.describe_checkpoints(target, served, split_id), manifest)]


def main(argv=None) -> int:
    from helpers import assets, catchup, checks, errors, settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", metavar="DIR",
                        help="also put both files and the checkpoints in DIR, "
                        "ready to serve")
    parser.add_argument("--artifacts", metavar="DIR", type=Path,
                        help="with --mirror: the artifacts folder holding the "
                        "checkpoints (default: TL_ARTIFACTS_DIR or artifacts/)")
    parser.add_argument("--quick", action="store_true",
                        help="with --mirror: make missing checkpoints the quick "
                        "way first (06's recipe, about 2 minutes on a CPU)")
    args = parser.parse_args(argv)
    if args.mirror:  # before anything is downloaded or checked
        try:
            Path(args.mirror).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            print(f"error: --mirror {args.mirror} cannot be used as the mirror "
                  f"folder ({type(e).__name__}: {e.strerror or e}): give "
                  "--mirror a folder you can write to (make mirror: mirror/), or "
                  "move away the file in the way.", file=sys.stderr)
            return 1
    try:
        cached = (assets.get_cache_dir() / "datasets" / assets.DATASET_NAME
                  / assets.COMPLETE_MARKER).exists()
        local = settings.resolve("TL_DATA_DIR")
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
        source = ("local copy (TL_WEIGHTS)"
                  if settings.resolve("TL_WEIGHTS") != "imagenet" else
                  "already in the cache, nothing downloaded" if weights_cached else
                  "downloaded")
        print(f"weights: {weights}  [{source}]")
        print(f"  MobileNetV2 weights, {assets.WEIGHTS_PARAMS:,} parameters: OK")
        if args.mirror:
            artifacts_dir = args.artifacts or get_default_artifacts_dir()
            if args.quick:
                artifacts_dir.mkdir(parents=True, exist_ok=True)
                print(catchup.ensure(artifacts_dir, "fine_tuning"))
            files = make_mirror(Path(args.mirror), artifacts_dir=artifacts_dir)
            print(f"mirror ready in {args.mirror}/: "
                  + ", ".join(p.relative_to(args.mirror).as_posix() for p in files))
            for note in find_checkpoints(artifacts_dir)[2]:
                print(f"  {note}")
            print(f"serve it with:  cd {args.mirror} && python -m http.server 8000")
            print("learners set:   TL_MIRROR=http://<this machine's IP>:8000")
    except (errors.AssetError, errors.DatasetError, errors.MissingArtifactError,
            errors.ArtifactMismatchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
