"""`scripts/subsample_clothing.py` rebuilds 07's stored-run subsample.

End to end: an upstream layout (train/, validation/, test/ per class) made from the
shared copy of the subsample plus generated files where the real clone has other
photos (the hand exclusions, the cap removed after the split, the photos past the
first 150 of a class) and files the checks must drop (a duplicate, an LFS pointer,
a PNG, a cut JPEG): the script must select exactly data/clothing_subsample.sha256.
The shared copy is ``$TL_SHARED_DIR`` or ``../shared`` beside the checkout; without
it that test is skipped. The rules themselves are tested on tiny generated files.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "subsample_clothing.py"
LIST = ROOT / "data" / "clothing_subsample.sha256"

sys.path.insert(0, str(ROOT / "scripts"))
import subsample_clothing as sub  # noqa: E402

#: PROVENANCE's pool per class (valid files, after the hand exclusions).
POOL = {"dress": 288, "hat": 148, "longsleeve": 576, "outwear": 246, "pants": 559,
        "shirt": 345, "shoes": 297, "shorts": 256, "skirt": 134, "t-shirt": 928}
#: Where the photos that are not in the subsample sat upstream.
LEFT_OUT_UPSTREAM = ("train/shorts/6075b4a5-5b1a-4ce0-aea0-9dbfbca7c35c.jpg",
                     "train/skirt/637a56e4-7fa6-4f75-8859-0f8902461554.jpg",
                     "train/skirt/78b7da73-ca6c-4e99-b88d-a9f358e7f0f2.jpg",
                     "train/hat/e58486f9-995e-425a-92e0-f3f84c075f75.jpg",
                     "train/hat/fae00db0-b571-4947-8a6a-ad7edb132a75.jpg")
LFS_TEXT = ("version https://git-lfs.github.com/spec/v1\noid sha256:"
            + "0" * 64 + "\nsize 31337\n")


def shared_set() -> Path:
    base = os.environ.get("TL_SHARED_DIR")
    shared = Path(base) if base else ROOT.parent / "shared"
    folder = shared / "data" / "clothing_dataset_small"
    if not (folder / "train").is_dir():
        pytest.skip(f"no shared clothing set at {folder} (set TL_SHARED_DIR to the "
                    "folder that holds data/clothing_dataset_small/)")
    return folder


def jpeg_bytes(seed: int, size: int = 8) -> bytes:
    """A small JPEG whose pixels (so bytes) differ for each seed."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "JPEG")
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def uuid_after(rng, last: str) -> str:
    """A random UUID-like file name that sorts after ``last``."""
    while True:
        h = "".join(rng.choice(list("0123456789abcdef"), 32))
        name = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}.jpg"
        if name > last:
            return name


def run_script(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_the_project_list_is_the_shared_copy():
    folder = shared_set()
    shared = sub.read_list(folder.parent / "clothing_dataset_small.sha256")
    prefix = "clothing_dataset_small/"
    assert {rel.removeprefix(prefix): sha for rel, sha in shared.items()} \
        == sub.read_list(LIST)


def test_the_upstream_layout_gives_exactly_the_stored_runs_list(tmp_path):
    folder = shared_set()
    expected = sub.read_list(LIST)
    assert len(expected) == 1481
    up = tmp_path / "clothing-dataset-small"
    # The subsample's photos, spread over the three upstream folders (pooling
    # must ignore where a photo sat; the real clone has them in all three).
    last = {}
    for rel, sha in expected.items():
        _, cls, name = rel.split("/")
        where = sub.UPSTREAM_FOLDERS[int(sha[:2], 16) % 3]
        (up / where / cls).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / rel, up / where / cls / name)
        last[cls] = max(last.get(cls, ""), name)
    # Stand-ins for the hand exclusions and the cap removed after the split.
    for seed, rel in enumerate(LEFT_OUT_UPSTREAM):
        write(up / rel, jpeg_bytes(1_000_000 + seed))
    # The rest of each pool: photos that sort after the first 150.
    rng = np.random.default_rng(0)
    seed = 0
    for cls, n_pool in POOL.items():
        n_kept = sum(r.split("/")[1] == cls for r in expected)
        n_extra = n_pool - n_kept - (cls == "hat")  # the cap is in hat's pool
        assert n_extra >= 0 and (n_extra == 0) == (n_pool <= 150)
        for _ in range(n_extra):
            seed += 1
            where = sub.UPSTREAM_FOLDERS[seed % 3]
            write(up / where / cls / uuid_after(rng, last[cls]), jpeg_bytes(seed))
    # Files the checks drop, named to be selected if they were not dropped.
    skirt = sorted(r for r in expected if r.split("/")[1] == "skirt")[0]
    original = folder / skirt
    write(up / "test" / "skirt" / "fffffff0-copy.jpg", original.read_bytes())
    write(up / "validation" / "hat" / "00000000-lfs.jpg", LFS_TEXT.encode())
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(png, "PNG")
    write(up / "test" / "skirt" / "00000001-png.jpg", png.getvalue())
    write(up / "test" / "hat" / "00000002-cut.jpg", jpeg_bytes(7, 64)[:400])
    write(up / "train" / "hat" / ".DS_Store", b"\0\0\0\1Bud1")
    write(up / "LICENSE", b"CC0 1.0 Universal\n")
    n_files = sum(1 for p in up.rglob("*.jpg"))
    assert n_files == 3781 + 4  # the real clone's count, plus the four bad files

    out = tmp_path / "subsample"
    done = run_script(up, out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "MATCH" in done.stdout and "1481 photos" in done.stdout
    dropped = [line for line in done.stdout.splitlines() if "  dropped " in line]
    assert len(dropped) == 4, dropped
    assert "fffffff0-copy.jpg: an exact duplicate of" in done.stdout
    assert "00000000-lfs.jpg: a Git LFS pointer" in done.stdout
    assert "00000001-png.jpg: not a JPEG" in done.stdout
    assert "00000002-cut.jpg: does not decode" in done.stdout
    for cls, n_pool in POOL.items():  # PROVENANCE's table, pool after exclusions
        assert f"  {cls:<11} {n_pool:>4} " in done.stdout
    # The staged folder: exactly the list's files with the list's bytes.
    staged = {p.relative_to(out).as_posix(): p for p in out.rglob("*.jpg")}
    assert staged.keys() == expected.keys()
    for rel, path in staged.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected[rel], rel
    assert (out / sub.LIST_NAME).read_text() == LIST.read_text()
    assert (out / "LICENSE-CC0-1.0.txt").is_file()
    # Run again on the staged folder: it is not an upstream clone.
    again = run_script(out, "--check-only")
    assert again.returncode == 2 and "looks like a subsample" in again.stderr


# The rules, on generated files and names.

def photos(cls: str, names) -> list:
    return [sub.Photo(cls, n, f"train/{cls}/{n}", Path(n), n) for n in names]


def names_of(n: int, rng) -> list[str]:
    return [uuid_after(rng, "") for _ in range(n)]


def test_selection_is_the_first_150_by_name_and_validation_the_last_fifth():
    rng = np.random.default_rng(1)
    names = names_of(200, rng)
    train, validation = sub.split_class(list(reversed(names)))
    ordered = sorted(names)
    assert train == ordered[:120] and validation == ordered[120:150]
    for n, n_val in ((148, 30), (147, 29), (134, 27), (7, 1), (8, 2), (1, 0)):
        train, validation = sub.split_class(names[:n])
        assert len(validation) == n_val and len(train) == n - n_val
        assert max(train or [""]) < min(validation or ["g"])


def test_hand_exclusions_come_before_the_selection():
    rng = np.random.default_rng(2)
    excluded = "00000000-0000-4000-8000-000000000000.jpg"
    names = names_of(150, rng) + [excluded]
    chosen = sub.select({"shorts": photos("shorts", names)},
                        excluded={f"shorts/{excluded}": "test"},
                        removed_after_split={})
    assert len(chosen) == 150 and all(excluded not in r for r in chosen)
    assert sum(r.startswith("validation/") for r in chosen) == 30


def test_the_cap_is_removed_after_the_split():
    names = [f"{i:02d}.jpg" for i in range(10)]
    chosen = sub.select({"hat": photos("hat", names)}, excluded={},
                        removed_after_split={"hat/09.jpg": "test"})
    # Split first (8 train, 2 validation), then the removal: 1 validation file.
    # Removed before the split, 9 files would give validation 07 and 08.
    assert sorted(chosen) == [f"train/hat/{i:02d}.jpg" for i in range(8)] \
        + ["validation/hat/08.jpg"]


def test_the_real_rules_leave_hat_118_and_29():
    rng = np.random.default_rng(3)
    names = names_of(147, rng) + [r.split("/")[1] for r in
                                  ("hat/e58486f9-995e-425a-92e0-f3f84c075f75.jpg",
                                   "hat/fae00db0-b571-4947-8a6a-ad7edb132a75.jpg")]
    chosen = sub.select({"hat": photos("hat", names)})
    assert sum(r.startswith("train/") for r in chosen) == 118
    assert sum(r.startswith("validation/") for r in chosen) == 29


def test_each_check_names_the_problem(tmp_path):
    good = write(tmp_path / "good.jpg", jpeg_bytes(1))
    assert sub.check_file(good) is None
    lfs = write(tmp_path / "lfs.jpg", LFS_TEXT.encode())
    assert "Git LFS pointer" in sub.check_file(lfs)
    assert "git lfs pull" in sub.check_file(lfs)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    assert "not a JPEG" in sub.check_file(write(tmp_path / "g.jpg", gif.getvalue()))
    cut = write(tmp_path / "cut.jpg", jpeg_bytes(2, 64)[:300])
    assert "does not decode" in sub.check_file(cut)


def small_upstream(root: Path, per_class: int = 6) -> Path:
    seed = 0
    for cls in ("hat", "skirt"):
        for i in range(per_class):
            seed += 1
            folder = sub.UPSTREAM_FOLDERS[i % 3]
            write(root / folder / cls / f"{cls}{i:02d}.jpg", jpeg_bytes(seed))
    return root


def test_duplicates_keep_the_first_name_and_two_labels_drop_both(tmp_path):
    up = small_upstream(tmp_path / "up")
    write(up / "test" / "hat" / "hat00z-again.jpg",  # same bytes, sorts after
          (up / "train" / "hat" / "hat00.jpg").read_bytes())
    write(up / "test" / "hat" / "a-first.jpg",  # same bytes, sorts before
          (up / "validation" / "hat" / "hat01.jpg").read_bytes())
    write(up / "train" / "skirt" / "both.jpg", jpeg_bytes(99))
    write(up / "test" / "hat" / "both.jpg", jpeg_bytes(99))
    pool, dropped = sub.build_pool(up, sub.scan_upstream(up))
    assert sorted(dropped) == ["test/hat/both.jpg", "test/hat/hat00z-again.jpg",
                               "train/skirt/both.jpg", "validation/hat/hat01.jpg"]
    assert dropped["test/hat/hat00z-again.jpg"].startswith(
        "an exact duplicate of train/hat/hat00.jpg, which is kept")
    assert "test/hat/a-first.jpg" in dropped["validation/hat/hat01.jpg"]
    assert "two labels" in dropped["train/skirt/both.jpg"]
    assert "a-first.jpg" in [p.name for p in pool["hat"]]


@pytest.mark.parametrize("make, message", [
    (lambda up: shutil.rmtree(up / "train"), "has no train/"),
    (lambda up: [p.rename(up / p.name) for p in list(up.rglob("*.jpg"))]
     and [shutil.rmtree(up / f) for f in sub.UPSTREAM_FOLDERS],
     "holds images directly (hat00.jpg, ...), a flat folder"),
    (lambda up: [p.unlink() for p in (up / "test" / "skirt").iterdir()],
     "skirt is empty"),
    (lambda up: shutil.rmtree(up / "validation" / "skirt"),
     "lacks the class folder(s) skirt"),
    (lambda up: write(up / "train" / "loose.jpg", jpeg_bytes(5)),
     "holds files directly (loose.jpg, ...) instead of one folder per class"),
])
def test_a_wrong_layout_is_refused_with_the_fix(tmp_path, capsys, make, message):
    up = small_upstream(tmp_path / "up")
    make(up)
    assert sub.main([str(up), "--check-only"]) == 2
    err = capsys.readouterr().err
    assert message in err and "git clone " + sub.UPSTREAM_URL in err


def test_an_output_folder_that_is_not_empty_is_refused(tmp_path, capsys):
    up = small_upstream(tmp_path / "up")
    out = tmp_path / "out"
    write(out / "notes.txt", b"mine")
    assert sub.main([str(up), str(out)]) == 2
    assert "is not empty: name a new (or empty) folder" in capsys.readouterr().err
    assert sub.main([str(up)]) == 2
    assert "--check-only" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_different_selection_is_reported_and_check_only_writes_nothing(
        tmp_path, capsys):
    up = small_upstream(tmp_path / "up")
    pool, _ = sub.build_pool(up, sub.scan_upstream(up))
    listed = sub.list_text(sub.select(pool, excluded={}, removed_after_split={}))
    good = write(tmp_path / "list.sha256", listed.encode())
    out = tmp_path / "out"
    assert sub.main([str(up), str(out), "--expected", str(good)]) == 0
    assert (out / sub.LIST_NAME).read_text() == listed
    assert "MATCH" in capsys.readouterr().out
    write(up / "train" / "hat" / "hat00.jpg", jpeg_bytes(50))  # other bytes
    write(up / "test" / "hat" / "hat02.jpg", b"not a photo")  # dropped
    (up / "validation" / "skirt" / "skirt01.jpg").unlink()  # gone
    write(up / "test" / "skirt" / "skirt00a.jpg", jpeg_bytes(51))  # new
    before = sorted(tmp_path.rglob("*"))
    assert sub.main([str(up), "--check-only", "--expected", str(good)]) == 1
    assert sorted(tmp_path.rglob("*")) == before
    err = capsys.readouterr().err
    assert "DIFFERENT from" in err and "(4 differences)" in err
    assert "missing  train/hat/hat02.jpg (dropped: test/hat/hat02.jpg: not a " \
        "JPEG" in err
    assert "missing  train/skirt/skirt01.jpg (not in the pool)" in err
    assert "extra    train/skirt/skirt00a.jpg (from test/skirt/skirt00a.jpg)" in err
    assert "changed  train/hat/hat00.jpg: sha256 " in err
