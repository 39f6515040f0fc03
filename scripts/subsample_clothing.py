"""Rebuild the clothing subsample that 07_your_own_data's stored run used.

    git clone https://github.com/alexeygrigorev/clothing-dataset-small
    git -C clothing-dataset-small checkout 11961516512414bf9f6c150a832cfd21b54a6b54
    python scripts/subsample_clothing.py clothing-dataset-small clothing_subsample
    TL_OWN_DATA_DIR=clothing_subsample  # then run 07

    python scripts/subsample_clothing.py clothing-dataset-small --check-only

The upstream clone ("Clothing dataset by Alexey Grigorev et al., CC0") has
``train/``, ``validation/`` and ``test/``, each with 10 class folders: 3,781
photos. The stored run used 1,481 of them, chosen by the rules below (the
constants after this text hold them as data):

1. Pool per class: the upstream ``train/<class>``, ``validation/<class>`` and
   ``test/<class>`` files together; the upstream split is not kept.
2. Checks on each file: not a Git LFS pointer, starts with the JPEG magic bytes,
   decodes fully with Pillow (``Image.load()``), no exact sha256 duplicate. A file
   that fails is dropped and named. Of exact duplicates within a class the copy
   whose file name sorts first is kept (the same name in two upstream folders:
   train before validation before test); a photo in two classes is dropped from
   both, like the hand exclusions' same-photo pair.
3. Four files excluded by hand (``EXCLUDED``, each with its reason).
4. Selection: within each class, sort by file name (random UUIDs: a random but
   fixed order) and take the first 150, or all if the class has fewer.
5. Split: the last round(20%) of the selected files, in sorted order, go to
   ``validation/<class>/``, the rest to ``train/<class>/``.
6. After the split, one more photo was removed (``REMOVED_AFTER_SPLIT``): that is
   why validation/hat has 29 photos and the total is 1,481, not 1,482.

Files are copied byte for byte under their upstream names. The selection is
written to ``clothing_subsample.sha256`` in the output folder and compared with
the project's own list, ``data/clothing_subsample.sha256``; any difference is
reported and the exit status is 1. ``--check-only`` selects and compares without
writing anything. The full clone (3,781 photos and a ``test/`` folder) trains
about 2.6 times longer and gives other numbers than 07's page.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_LIST = ROOT / "data" / "clothing_subsample.sha256"
LIST_NAME = "clothing_subsample.sha256"

UPSTREAM_URL = "https://github.com/alexeygrigorev/clothing-dataset-small"
UPSTREAM_COMMIT = "11961516512414bf9f6c150a832cfd21b54a6b54"
UPSTREAM_FOLDERS = ("train", "validation", "test")
PER_CLASS = 150
VALIDATION_FRACTION = 0.2

# Rule 3: excluded by hand after a near-duplicate scan of the whole pool (mean
# absolute difference of 16x16 RGB thumbnails under 8/255) and a visual check.
EXCLUDED = {
    "shorts/6075b4a5-5b1a-4ce0-aea0-9dbfbca7c35c.jpg":
        "the same photo as skirt/637a56e4-7fa6-4f75-8859-0f8902461554.jpg under "
        "another label: both dropped",
    "skirt/637a56e4-7fa6-4f75-8859-0f8902461554.jpg":
        "the same photo as shorts/6075b4a5-5b1a-4ce0-aea0-9dbfbca7c35c.jpg under "
        "another label: both dropped",
    "skirt/78b7da73-ca6c-4e99-b88d-a9f358e7f0f2.jpg":
        "a second shot of the skirt in skirt/02341619-2fa3-42d4-bb5e-"
        "689518228e67.jpg: dropped so one skirt cannot be in train and validation",
    "hat/e58486f9-995e-425a-92e0-f3f84c075f75.jpg":
        "a cap with a profane word printed on it: the set is for a course",
}
# Rule 6: removed after staging, so AFTER the split (validation/hat keeps 29).
REMOVED_AFTER_SPLIT = {
    "hat/fae00db0-b571-4947-8a6a-ad7edb132a75.jpg":
        "a political cap (a slogan): removed to keep the course neutral",
}

JPEG_MAGIC = b"\xff\xd8"
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
CLONE_HINT = (f"clone the upstream set: git clone {UPSTREAM_URL} and check out "
              f"{UPSTREAM_COMMIT}, then pass the clone's folder")


class SubsampleError(Exception):
    """A problem the user must fix; the message says how."""


@dataclass(frozen=True)
class Photo:
    cls: str
    name: str
    upstream: str  # folder/class/name inside the clone
    path: Path
    sha256: str


def say(*args) -> None:
    print(*args, flush=True)


def visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def scan_upstream(upstream: Path) -> dict[str, list[Path]]:
    """The class folders of the clone, checked: {class: [file, ...]}."""
    if not upstream.is_dir():
        raise SubsampleError(f"{upstream} is not a folder: {CLONE_HINT}.")
    entries = visible(upstream)
    loose = [p.name for p in entries if p.is_file()
             and p.suffix.lower() in (".jpg", ".jpeg", ".png")]
    missing = [f for f in UPSTREAM_FOLDERS if not (upstream / f).is_dir()]
    if missing:
        if loose:
            found = f"holds images directly ({loose[0]}, ...), a flat folder"
        elif missing == ["test"] and (upstream / "train").is_dir():
            found = ("has train/ and validation/ but no test/: it looks like a "
                     "subsample already (check it with sha256sum -c against "
                     "data/clothing_subsample.sha256), not the upstream clone")
        else:
            found = "has no " + ", no ".join(f"{f}/" for f in missing)
        raise SubsampleError(
            f"{upstream} {found}. The upstream layout is train/<class>/, "
            f"validation/<class>/ and test/<class>/: {CLONE_HINT}.")
    files: dict[str, list[Path]] = {}
    class_sets = {}
    for folder in UPSTREAM_FOLDERS:
        top = upstream / folder
        content = visible(top)
        stray = [p.name for p in content if not p.is_dir()]
        if stray:
            raise SubsampleError(
                f"{top} holds files directly ({stray[0]}, ...) instead of one "
                f"folder per class: the upstream layout is {folder}/<class>/"
                f"<photo>.jpg; {CLONE_HINT}.")
        class_sets[folder] = {p.name for p in content}
        for cls_dir in content:
            inside = visible(cls_dir)
            if not inside:
                raise SubsampleError(
                    f"{cls_dir} is empty: the clone is incomplete; {CLONE_HINT} "
                    "(or run `git checkout .` in it to restore the files).")
            nested = [p.name for p in inside if p.is_dir()]
            if nested:
                raise SubsampleError(
                    f"{cls_dir} holds a folder ({nested[0]}/): the upstream "
                    "layout has the photos right inside each class folder; "
                    f"{CLONE_HINT}.")
            files.setdefault(cls_dir.name, []).extend(inside)
    if not files:
        raise SubsampleError(f"{upstream} has no class folders: {CLONE_HINT}.")
    every = set(files)
    for folder, classes in class_sets.items():
        if classes != every:
            raise SubsampleError(
                f"{upstream / folder} lacks the class folder(s) "
                f"{', '.join(sorted(every - classes))} that the other upstream "
                f"folders have: the clone is incomplete; {CLONE_HINT}.")
    return files


def check_file(path: Path) -> str | None:
    """Why this file cannot be used (rule 2, duplicates aside), or None."""
    from PIL import Image

    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(LFS_POINTER):
        return ("a Git LFS pointer, not the photo: run `git lfs pull` in the "
                "clone, or clone it again")
    if not head.startswith(JPEG_MAGIC):
        return ("not a JPEG (no FF D8 magic bytes): restore the upstream file "
                "(`git checkout -- <file>` in the clone)")
    try:
        with Image.open(path) as image:
            image.load()
    except Exception as e:  # Pillow raises several kinds for a bad file
        return (f"does not decode ({type(e).__name__}: {e}): restore the "
                "upstream file (`git checkout -- <file>` in the clone)")
    return None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_pool(upstream: Path, files: dict[str, list[Path]]
               ) -> tuple[dict[str, list[Photo]], dict[str, str]]:
    """Rules 1 and 2: the valid photos per class, and {upstream path: why
    dropped} for those that failed a check or were a duplicate."""
    dropped: dict[str, str] = {}
    order = {f: i for i, f in enumerate(UPSTREAM_FOLDERS)}
    candidates = []
    for cls, paths in files.items():
        for path in paths:
            rel = path.relative_to(upstream).as_posix()
            why = check_file(path)
            if why:
                dropped[rel] = why
                continue
            candidates.append(Photo(cls, path.name, rel, path, sha256_of(path)))
    # Selection order first (name), then train, validation, test.
    candidates.sort(key=lambda p: (p.cls, p.name, order[p.upstream.split("/")[0]]))
    by_sha: dict[str, list[Photo]] = {}
    for photo in candidates:
        by_sha.setdefault(photo.sha256, []).append(photo)
    pool: dict[str, list[Photo]] = {cls: [] for cls in files}
    names: dict[tuple[str, str], Photo] = {}
    for photo in candidates:
        copies = by_sha[photo.sha256]
        if len({c.cls for c in copies}) > 1:
            dropped[photo.upstream] = (
                "the same bytes are in " + ", ".join(
                    c.upstream for c in copies if c is not photo)
                + ": one photo under two labels, every copy dropped")
            continue
        if copies[0] is not photo:
            dropped[photo.upstream] = (f"an exact duplicate of {copies[0].upstream}"
                                       ", which is kept (its name sorts first)")
            continue
        other = names.get((photo.cls, photo.name))
        if other:
            raise SubsampleError(
                f"{photo.upstream} and {other.upstream} have the same name and "
                "different bytes: one name cannot hold both; restore the "
                "upstream files (`git checkout .` in the clone).")
        names[(photo.cls, photo.name)] = photo
        pool[photo.cls].append(photo)
    return pool, dropped


def split_class(names: list[str], per_class: int = PER_CLASS,
                fraction: float = VALIDATION_FRACTION) -> tuple[list, list]:
    """Rules 4 and 5 on one class: (train, validation) names."""
    chosen = sorted(names)[:per_class]
    n_validation = round(len(chosen) * fraction)
    cut = len(chosen) - n_validation
    return chosen[:cut], chosen[cut:]


def select(pool: dict[str, list[Photo]], excluded: dict = EXCLUDED,
           removed_after_split: dict = REMOVED_AFTER_SPLIT,
           per_class: int = PER_CLASS, fraction: float = VALIDATION_FRACTION
           ) -> dict[str, Photo]:
    """Rules 3-6: {"train/<class>/<name>" or "validation/...": photo}."""
    selection: dict[str, Photo] = {}
    for cls in sorted(pool):
        by_name = {p.name: p for p in pool[cls]}
        kept = [n for n in by_name if f"{cls}/{n}" not in excluded]
        train, validation = split_class(kept, per_class, fraction)
        for split, names in (("train", train), ("validation", validation)):
            for name in names:
                if f"{cls}/{name}" not in removed_after_split:
                    selection[f"{split}/{cls}/{name}"] = by_name[name]
    return selection


def read_list(path: Path) -> dict[str, str]:
    """A ``sha256  relative/path`` list: {path: sha256}."""
    listed = {}
    for line in path.read_text().splitlines():
        if line.strip():
            sha, rel = line.split(maxsplit=1)
            listed[rel.strip().lstrip("*")] = sha
    return listed


def list_text(selection: dict[str, Photo]) -> str:
    return "".join(f"{selection[rel].sha256}  {rel}\n" for rel in sorted(selection))


def compare(selection: dict[str, Photo], expected: dict[str, str],
            dropped: dict[str, str], pool: dict[str, list[Photo]] | None = None
            ) -> list[str]:
    """The differences from the expected list, one line each (none: a match)."""
    problems = []
    chosen = {rel: p.sha256 for rel, p in selection.items()}
    split_of = {rel.split("/", 1)[1]: rel.split("/")[0] for rel in chosen}
    in_pool = {f"{p.cls}/{p.name}" for photos in (pool or {}).values()
               for p in photos}
    for rel in sorted(expected.keys() - chosen.keys()):
        split, cls_name = rel.split("/", 1)
        why = [f"{up}: {reason}" for up, reason in dropped.items()
               if up.split("/", 1)[1] == cls_name]
        if cls_name in split_of:
            problems.append(f"moved    {rel} -> {split_of[cls_name]}/{cls_name}")
        elif why:
            problems.append(f"missing  {rel} (dropped: {why[0]})")
        elif cls_name in in_pool:
            problems.append(f"missing  {rel} (in the pool, not selected)")
        else:
            problems.append(f"missing  {rel} (not in the pool)")
    listed = {rel.split("/", 1)[1] for rel in expected}
    for rel in sorted(chosen.keys() - expected.keys()):
        if rel.split("/", 1)[1] not in listed:
            problems.append(f"extra    {rel} (from {selection[rel].upstream})")
    for rel in sorted(chosen.keys() & expected.keys()):
        if chosen[rel] != expected[rel]:
            problems.append(f"changed  {rel}: sha256 {chosen[rel]}, the list "
                            f"has {expected[rel]}")
    return problems


def stage(selection: dict[str, Photo], out: Path, upstream: Path) -> None:
    """Copy the selected photos byte for byte, write the list and the license."""
    for i, rel in enumerate(sorted(selection), 1):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(selection[rel].path, target)
        if i % 250 == 0 or i == len(selection):
            say(f"  copied {i} / {len(selection)}")
    (out / LIST_NAME).write_text(list_text(selection))
    if (upstream / "LICENSE").is_file():
        shutil.copyfile(upstream / "LICENSE", out / "LICENSE-CC0-1.0.txt")


def check_output(out: Path, upstream: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SubsampleError(f"{out} is a file: name a new folder for the output.")
    if out.is_dir() and any(out.iterdir()):
        raise SubsampleError(
            f"{out} is not empty: name a new (or empty) folder for the output, or "
            "delete this one first; the script never mixes a subsample with other "
            "files.")
    if out.resolve().is_relative_to(upstream.resolve()):
        raise SubsampleError(f"{out} is inside the upstream clone {upstream}: put "
                             "the output in a folder outside it.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rebuild the 1,481-photo clothing subsample of 07's stored "
                    "run from the upstream clone (train/, validation/, test/).")
    parser.add_argument("upstream", type=Path,
                        help="the clone of " + UPSTREAM_URL)
    parser.add_argument("output", type=Path, nargs="?",
                        help="a new or empty folder for train/ and validation/")
    parser.add_argument("--check-only", action="store_true",
                        help="select and compare with the list; write nothing")
    parser.add_argument("--expected", type=Path, default=EXPECTED_LIST,
                        help="the list to compare with (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        if not args.check_only:
            if args.output is None:
                raise SubsampleError("name an output folder (a new or empty one), "
                                     "or pass --check-only to only compare.")
            check_output(args.output, args.upstream)
        if not args.expected.is_file():
            raise SubsampleError(f"the list {args.expected} is missing: it comes "
                                 "with the project (git checkout -- data/).")
        expected = read_list(args.expected)
        files = scan_upstream(args.upstream)
        total = sum(map(len, files.values()))
        say(f"{args.upstream}: {len(files)} classes, {total} files; checking each")
        pool, dropped = build_pool(args.upstream, files)
        for up, why in sorted(dropped.items()):
            say(f"  dropped {up}: {why}")
        for rel in {**EXCLUDED, **REMOVED_AFTER_SPLIT}:
            cls, name = rel.split("/")
            if not any(p.name == name for p in pool.get(cls, [])):
                say(f"  note: {rel} (left out by hand) is not in this clone")
        for rel, why in EXCLUDED.items():
            say(f"  excluded {rel}: {why}")
        for rel, why in REMOVED_AFTER_SPLIT.items():
            say(f"  removed after the split {rel}: {why}")
        selection = select(pool)
        say("  class       pool (valid, after the exclusions), train, validation")
        for cls in sorted(pool):
            n_pool = sum(f"{cls}/{p.name}" not in EXCLUDED for p in pool[cls])
            n_train = sum(r.startswith(f"train/{cls}/") for r in selection)
            n_val = sum(r.startswith(f"validation/{cls}/") for r in selection)
            say(f"  {cls:<11} {n_pool:>4} {n_train:>4} {n_val:>3}")
        n_train = sum(r.startswith("train/") for r in selection)
        say(f"selected {len(selection)} photos: {n_train} train, "
            f"{len(selection) - n_train} validation")
        if not args.check_only:
            stage(selection, args.output, args.upstream)
            say(f"wrote {args.output} and {args.output / LIST_NAME}")
    except SubsampleError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    problems = compare(selection, expected, dropped, pool)
    if problems:
        print(f"DIFFERENT from {args.expected} ({len(problems)} differences): "
              "this is not the set of 07's stored run, and its numbers will differ.",
              file=sys.stderr)
        for line in problems[:50]:
            print("  " + line, file=sys.stderr)
        if len(problems) > 50:
            print(f"  ... and {len(problems) - 50} more", file=sys.stderr)
        return 1
    say(f"MATCH: the selection is exactly {args.expected.name} "
        f"({len(expected)} photos, paths and sha256): the set of 07's stored run.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
