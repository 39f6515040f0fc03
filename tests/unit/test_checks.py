"""helpers/checks.py: 01_data's check of a dataset folder. Bad layouts stop
with the fix; bad files are skipped or converted and reported; odd images
(16-bit and float, EXIF-rotated) are converted faithfully; files that are not
regular files are listed and never opened; a third class stops 01's check; and
the check is remembered until the files change, its cache rebuilt if damaged."""

from __future__ import annotations

import json
import shutil
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import synthetic
from PIL import Image
from synthetic import add_irregular_files

from helpers import checks, errors, evaluation, pipeline


def make_folder(root, layout):
    """layout: {"train/cats": n, ...} of generated JPEGs."""
    rng = np.random.default_rng(0)
    for rel, n in layout.items():
        folder = root / rel
        folder.mkdir(parents=True, exist_ok=True)
        cls = "cats" if "cat" in rel else "dogs"
        for i in range(n):
            synthetic.write_image(folder / f"{i}.jpg", cls, rng)
    return root


GOOD = {"train/cats": 3, "train/dogs": 3, "validation/cats": 2, "validation/dogs": 2}


@pytest.mark.parametrize(
    "layout, message",
    [
        ({"train/cats": 3, "train/dogs": 3}, "has no 'validation' folder"),
        ({"validation/cats": 3, "validation/dogs": 3}, "has no 'train' folder"),
        ({"train/cats": 3, "validation/cats": 3}, "a classifier needs at least two"),
        ({**GOOD, "train/birds": 0}, "The class folder"),
        ({**GOOD, "train/birds": 2}, "Give both splits the same class folders"),
    ],
    ids=["no-validation", "no-train", "single-class", "empty-class", "class-mismatch"],
)
def test_bad_layouts_stop_with_the_fix(tmp_path, layout, message):
    make_folder(tmp_path, layout)
    with pytest.raises(errors.DatasetError, match=message):
        checks.check_dataset(tmp_path, work_dir=tmp_path / "work", progress=False)


def test_not_a_folder(tmp_path):
    with pytest.raises(errors.DatasetError, match="TL_DATA_DIR"):
        checks.check_layout(tmp_path / "missing")


def add_bad_files(root):
    """One of each kind of problem file, in train/cats."""
    cats = root / "train" / "cats"
    rng = np.random.default_rng(1)
    good = synthetic.write_image(cats / "source.jpg", "cats", rng)
    raw = good.read_bytes()
    (cats / "truncated.jpg").write_bytes(raw[: len(raw) // 2])
    (cats / "notes.jpg").write_text("not an image")
    (cats / "readme.txt").write_text("hello")
    synthetic.write_image(cats / "gray.jpg", "cats", rng, mode="L")
    synthetic.write_image(cats / "rgba.png", "cats", rng, fmt="PNG", mode="RGBA")
    synthetic.write_image(cats / "cmyk.jpg", "cats", rng, mode="CMYK")
    synthetic.write_image(cats / "huge.jpg", "cats", rng, size=(5000, 300))
    synthetic.write_image(cats / "picture.tiff", "cats", rng, fmt="TIFF")


def test_bad_files_are_skipped_or_converted_and_reported(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    add_bad_files(root)
    report = checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)
    skipped = dict(report.skipped)
    assert set(skipped) == {"train/cats/truncated.jpg", "train/cats/notes.jpg",
                            "train/cats/readme.txt"}
    assert "does not decode" in skipped["train/cats/truncated.jpg"]
    assert skipped["train/cats/notes.jpg"] == "not an image file"
    assert report.converted == {"CMYK image": 1, "huge image": 1, "TIFF image": 1}
    assert report.decoder_handles == {"grayscale": 1, "RGBA PNG": 1}
    # cats: 3 good + source, gray, rgba, cmyk, huge, tiff; dogs: 3 good
    assert len(report.splits["train"]) == 9 + 3
    summary = report.summary()
    assert "skipped 3 unusable files" in summary and "truncated.jpg" in summary
    assert "converted to an RGB JPEG copy: 1 CMYK image" in summary
    # Converted copies live in the work folder; the dataset is untouched.
    converted = [p for p in report.splits["train"].paths if "/work/converted/" in p]
    assert len(converted) == 3
    assert (root / "train/cats/cmyk.jpg").exists()
    with Image.open(next(p for p in converted if "huge" in p)) as im:
        assert im.mode == "RGB" and max(im.size) <= checks.MAX_SIDE
    # No epoch can stop on a bad file: a full pass over the kept files works.
    ds = pipeline.make_dataset(report.splits["train"], (160, 160), 4)
    assert sum(int(x.shape[0]) for x, _ in ds) == 12


def test_every_file_of_a_class_bad_stops(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    for path in (root / "validation" / "dogs").iterdir():
        path.write_text("broken")
    with pytest.raises(errors.DatasetError, match="No usable image in validation/dogs"):
        checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)


def test_check_is_remembered_until_files_change(tmp_path, monkeypatch):
    root = make_folder(tmp_path / "ds", GOOD)
    work = tmp_path / "work"
    first = checks.check_dataset(root, work_dir=work, progress=False)
    calls = []
    monkeypatch.setattr(checks, "inspect_image",
                        lambda p: calls.append(p) or ("ok", ""))
    again = checks.check_dataset(root, work_dir=work, progress=False)
    assert again.splits == first.splits and not calls
    synthetic.write_image(root / "train/cats/new.jpg", "cats", np.random.default_rng(2))
    third = checks.check_dataset(root, work_dir=work, progress=False)
    assert len(calls) == 11 and len(third.splits["train"]) == 7


def test_deleted_converted_copy_is_made_again(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    synthetic.write_image(root / "train/dogs/cmyk.jpg", "dogs",
                          np.random.default_rng(4), mode="CMYK")
    work = tmp_path / "work"
    first = checks.check_dataset(root, work_dir=work, progress=False)
    shutil.rmtree(work / "converted")
    again = checks.check_dataset(root, work_dir=work, progress=False)
    assert again.splits == first.splits
    assert all(Path(p).exists() for p in again.splits["train"].paths)


def test_labels_follow_sorted_class_folders(dataset_dir):
    files = checks.list_image_files(dataset_dir / "train")
    assert files.class_names == ("cats", "dogs")
    assert all(("/cats/" in p) == (y == 0) for p, y in zip(files.paths, files.labels))


def test_real_dataset_untouched_by_conversion(tmp_path):
    root = make_folder(tmp_path / "ds", GOOD)
    synthetic.write_image(root / "train/dogs/cmyk.jpg", "dogs",
                          np.random.default_rng(3), mode="CMYK")
    before = sorted(p.name for p in (root / "train/dogs").iterdir())
    checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)
    assert sorted(p.name for p in (root / "train/dogs").iterdir()) == before


# -- odd images and odd files ------------------------------------------------

H, W = 48, 64
RAMP = np.linspace(0, 65535, W)[None, :].repeat(H, 0)  # 16-bit, left to right


DOWN = np.linspace(0, 65535, H)[:, None].repeat(W, 1)  # 16-bit, top to bottom


def gray(values8):
    return np.repeat(np.asarray(values8, float)[..., None], 3, axis=-1)


def write_png16(path: Path, pixels: np.ndarray) -> None:
    """A 16-bit RGB or RGBA PNG (Pillow reads them but cannot write them)."""
    h, w, channels = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\0" + row.astype(">u2").tobytes() for row in pixels)
    header = struct.pack(">IIBBBBB", w, h, 16, {3: 2, 4: 6}[channels], 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def rgb16(channels: int) -> np.ndarray:
    planes = [RAMP, DOWN, np.full((H, W), 40000.0), np.full((H, W), 50000.0)]
    return np.stack(planes[:channels], axis=-1).astype(np.uint16)


WIDE = np.linspace(-1000, 1_000_000, W)[None, :].repeat(H, 0)


# name: (file name, write it, the 8-bit RGB it must become)
DEEP_IMAGES = {
    "I;16 PNG": ("i16.png", lambda p: Image.fromarray(RAMP.astype(np.uint16)).save(p),
                 gray(RAMP / 257)),
    "I;16B TIFF": ("i16b.tiff", lambda p: Image.fromarray(
        RAMP.astype(">u2")).save(p), gray(RAMP / 257)),
    "I TIFF of 16-bit values": ("i32.tiff", lambda p: Image.fromarray(
        RAMP.astype(np.int32)).save(p), gray(RAMP / 257)),
    "I TIFF of any range": ("iwide.tiff", lambda p: Image.fromarray(
        WIDE.astype(np.int32)).save(p), gray((WIDE + 1000) / 1_001_000 * 255)),
    "F TIFF of 0-1": ("f.tiff", lambda p: Image.fromarray(
        (RAMP / 65535).astype(np.float32)).save(p), gray(RAMP / 257)),
    "16-bit RGB PNG": ("rgb16.png", lambda p: write_png16(p, rgb16(3)),
                       rgb16(3) / 257),
    "16-bit RGBA PNG": ("rgba16.png", lambda p: write_png16(p, rgb16(4)),
                        rgb16(4)[..., :3] / 257),
}


# The inverse of what ImageOps.exif_transpose does for each orientation.
UNDO = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
        6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


QUADRANTS = {(0, 0): (220, 30, 30), (0, 1): (30, 200, 30), (1, 0): (30, 30, 220),
             (1, 1): (240, 240, 240)}


def upright_photo() -> Image.Image:
    pixels = np.zeros((H, W, 3), np.uint8)
    for (row, col), colour in QUADRANTS.items():
        rows, cols = slice(row * H // 2, (row + 1) * H // 2), slice(
            col * W // 2, (col + 1) * W // 2)
        pixels[rows, cols] = colour
    return Image.fromarray(pixels)


def write_rotated(path: Path, orientation: int) -> None:
    exif = Image.Exif()
    exif[checks.ORIENTATION_TAG] = orientation
    stored = upright_photo()
    if orientation in UNDO:
        stored = stored.transpose(UNDO[orientation])
    stored.save(path, "JPEG", quality=95, exif=exif)


def assert_upright(pixels: np.ndarray) -> None:
    h, w = pixels.shape[:2]
    for (row, col), colour in QUADRANTS.items():
        block = pixels[row * h // 2 + 2:(row + 1) * h // 2 - 2,
                       col * w // 2 + 2:(col + 1) * w // 2 - 2]
        assert np.abs(block.reshape(-1, 3).mean(0) - colour).max() < 25, (row, col)


@pytest.fixture(scope="module")
def odd_dataset(tmp_path_factory):
    """One dataset holding every odd file, checked once (with a FIFO watch)."""
    root = make_folder(tmp_path_factory.mktemp("odd") / "ds", GOOD)
    cats = root / "train" / "cats"
    for name, write, _ in DEEP_IMAGES.values():
        write(cats / name)
    for orientation in (1, *UNDO):
        write_rotated(cats / f"exif{orientation}.jpg", orientation)
    watch = synthetic.PipeWatch(add_irregular_files(cats))
    try:
        report = checks.check_dataset(root, work_dir=root.parent / "work",
                                      progress=False)
    finally:
        watch.stop()
    kept = {Path(p).name.split(".")[0]: p for p in report.splits["train"].paths}
    return root, report, kept, watch.opened


def decode_like_the_pipeline(path: str) -> np.ndarray:
    import tensorflow as tf

    return tf.io.decode_image(tf.io.read_file(path), channels=3,
                              expand_animations=False).numpy().astype(float)


@pytest.mark.parametrize("mode", list(DEEP_IMAGES))
def test_deep_images_are_scaled_not_clipped(odd_dataset, mode):
    root, report, kept, _ = odd_dataset
    name, _, expected = DEEP_IMAGES[mode]
    for pixels in (decode_like_the_pipeline(kept[name.split(".")[0]]),  # training
                   evaluation.read_image_file(root / "train/cats" / name, (H, W))):
        assert pixels.shape == (H, W, 3)
        error = np.abs(pixels - expected)
        assert error.mean() < 1.5 and error.max() <= 8, (mode, error.max())


@pytest.mark.parametrize("orientation", [1, *UNDO])
def test_exif_orientation_is_applied(odd_dataset, orientation):
    root, report, kept, _ = odd_dataset
    path = kept[f"exif{orientation}"]
    assert ("/converted/" in path) == (orientation != 1)
    assert_upright(decode_like_the_pipeline(path))
    assert_upright(evaluation.read_image_file(
        root / "train/cats" / f"exif{orientation}.jpg", (H, W)))


def test_the_summary_reports_conversions_and_unopened_files(odd_dataset):
    root, report, _, opened = odd_dataset
    assert not opened, "the named pipe was opened"
    assert report.converted["EXIF-rotated image"] == len(UNDO)
    assert report.converted["I;16 image"] == 1 and report.converted["TIFF image"] == 4
    skipped = dict(report.skipped)
    assert skipped == {
        "train/cats/pipe.jpg": "a named pipe (FIFO), not a regular file",
        "train/cats/broken.jpg": "a broken symbolic link",
        "train/cats/loop.jpg": "cannot be looked at (Too many levels of symbolic "
                               "links)",
    }
    summary = report.summary()
    assert f"converted to an RGB JPEG copy: {len(UNDO)} EXIF-rotated image" in summary
    assert "skipped 3 unusable files" in summary and "pipe.jpg: a named pipe" in summary
    # the dataset itself is untouched: the odd files are still there
    assert (root / "train/cats/pipe.jpg").is_fifo()


def test_a_third_class_stops_01_but_can_be_listed(tmp_path):
    root = make_folder(tmp_path / "ds", {**GOOD, "train/birds": 2,
                                         "validation/birds": 2})
    with pytest.raises(errors.DatasetError) as err:
        checks.check_dataset(root, work_dir=tmp_path / "work", progress=False)
    text = str(err.value)
    assert "has 3 class folders ['birds', 'cats', 'dogs']" in text
    assert "notebooks 01-06 train a classifier of 2 classes" in text
    assert "Keep 2 class folders" in text and "softmax head" in text
    assert not (tmp_path / "work").exists()  # stopped before writing anything
    report = checks.check_dataset(root, work_dir=tmp_path / "work", progress=False,
                                  max_classes=None)
    assert report.class_names == ("birds", "cats", "dogs")
    assert set(report.splits["train"].labels) == {0, 1, 2}


def mutate(change):
    def apply(memo: Path):
        saved = json.loads(memo.read_text())
        change(saved)
        memo.write_text(json.dumps(saved))
    return apply


BAD_CACHES = [
    ("cut-short", lambda m: m.write_text(m.read_text()[:100])),
    ("binary", lambda m: m.write_bytes(b"\xff\x00\xfe" * 10)),
    ("a-list", lambda m: m.write_text("[]")),
    ("no-splits", mutate(lambda s: s.pop("splits"))),
    ("labels-as-text", mutate(
        lambda s: s["splits"]["train"].update(labels=["0"] * 6))),
    ("label-out-of-range", mutate(
        lambda s: s["splits"]["train"]["labels"].__setitem__(0, 7))),
    ("fewer-labels", mutate(lambda s: s["splits"]["train"]["labels"].pop())),
    ("skipped-a-number", mutate(lambda s: s.update(skipped=5))),
    ("older-format", mutate(lambda s: s.update(format=1))),
    ("a-folder", lambda m: (m.unlink(), m.mkdir())),
]


@pytest.mark.parametrize("damage", [c[1] for c in BAD_CACHES],
                         ids=[c[0] for c in BAD_CACHES])
def test_a_damaged_check_cache_is_rebuilt(tmp_path, damage):
    root = make_folder(tmp_path / "ds", GOOD)
    work = tmp_path / "work"
    first = checks.check_dataset(root, work_dir=work, progress=False)
    memo = work / "dataset_check.json"
    damage(memo)
    again = checks.check_dataset(root, work_dir=work, progress=False)
    assert again.splits == first.splits and again.skipped == first.skipped
    if memo.is_file():  # rewritten whole
        assert json.loads(memo.read_text())["format"] == checks.CHECK_FORMAT
    assert sorted(p.name for p in work.iterdir()) == ["dataset_check.json"]
    shutil.rmtree(tmp_path / "ds")


def test_checking_the_odd_dataset_again_costs_nothing(odd_dataset, monkeypatch):
    root, report, _, _ = odd_dataset
    monkeypatch.setattr(checks, "inspect_image", lambda p: pytest.fail(p))
    start = time.monotonic()
    again = checks.check_dataset(root, work_dir=root.parent / "work", progress=False)
    assert again.splits == report.splits and again.skipped == report.skipped
    assert time.monotonic() - start < 2


# -- issue 20: class names that differ only in their Unicode form ------------

LOOK_ALIKE = {
    "é composed / decomposed": ("caf\u00e9", "cafe\u0301"),
    "Devanagari nukta": ("\u0958\u0941\u0924\u094d\u0924\u093e",
                         "\u0915\u093c\u0941\u0924\u094d\u0924\u093e"),
    "Hangul syllable / jamo": ("\uace0\uc591\uc774",
                               "\u1100\u1169\u110b\u1163\u11bc\u110b\u1175"),
    "Angstrom sign / Å": ("\u212bngstr\u00f6m", "\u00c5ngstr\u00f6m"),
}


@pytest.mark.parametrize("train_name, validation_name", LOOK_ALIKE.values(),
                         ids=LOOK_ALIKE.keys())
def test_class_names_differing_only_in_unicode_form_say_so(
        tmp_path, train_name, validation_name):
    import unicodedata

    assert train_name != validation_name
    assert (unicodedata.normalize("NFC", train_name)
            == unicodedata.normalize("NFC", validation_name))
    make_folder(tmp_path, {"train/dogs": 2, f"train/{train_name}": 2,
                           "validation/dogs": 2, f"validation/{validation_name}": 2})
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(errors.DatasetError) as err:
        checks.check_dataset(tmp_path, work_dir=tmp_path / "work", progress=False)
    message = str(err.value)
    assert "differ only in how their letters are encoded" in message
    assert ascii(train_name) in message and ascii(validation_name) in message
    assert "Rename one of each pair" in message
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
