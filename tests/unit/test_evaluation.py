"""helpers/evaluation.py (05_evaluation): the confusion matrix, mistakes ranked,
predictions on the pipeline's images and on your own files (any format, a bad
file, files that are not regular files, never opened), uploads, and the TFLite
export agreeing with Keras."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import synthetic
from PIL import Image
from synthetic import add_irregular_files

from helpers import checks, evaluation, pipeline


def test_confusion_matrix_matches_a_manual_count():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 50)
    predicted = rng.integers(0, 2, 50)
    matrix = evaluation.confusion_matrix(labels, predicted)
    manual = [[sum((labels == t) & (predicted == p)) for p in (0, 1)] for t in (0, 1)]
    assert matrix.tolist() == manual
    assert matrix.sum() == 50
    m = evaluation.per_class_metrics(matrix, ("cats", "dogs"))
    tp = manual[1][1]
    assert m["dogs"]["precision"] == pytest.approx(tp / (manual[0][1] + tp))
    assert m["dogs"]["recall"] == pytest.approx(tp / (manual[1][0] + tp))
    assert m["cats"]["support"] == int((labels == 0).sum())
    assert "precision" in evaluation.format_metrics(m)


def test_rank_mistakes_most_confident_first():
    labels = np.array([0, 0, 1, 1, 1])
    probs = np.array([0.9, 0.2, 0.4, 0.01, 0.7])
    assert evaluation.rank_mistakes(labels, probs).tolist() == [3, 0, 2]


def test_predict_files_agrees_with_the_pipeline(tiny_model, dataset_dir):
    files = checks.list_image_files(dataset_dir / "validation")
    files = files.subset(range(0, len(files), 10))
    ds = pipeline.make_dataset(files, (160, 160), 8)
    _, logits, _ = evaluation.predict_logits(tiny_model, ds)
    results = evaluation.predict_files(tiny_model, list(files.paths), ("cats", "dogs"))
    for r, logit in zip(results, logits, strict=True):
        assert r["error"] is None
        p = float(evaluation.sigmoid(logit))
        assert r["class"] == ("dogs" if logit > 0 else "cats")
        assert r["probability"] == pytest.approx(max(p, 1 - p), abs=1e-4)


def test_own_images_any_format_and_a_bad_file(tiny_model, tmp_path):
    rng = np.random.default_rng(0)
    synthetic.write_image(tmp_path / "gray.jpg", "cats", rng, mode="L")
    synthetic.write_image(tmp_path / "rgba.png", "dogs", rng, fmt="PNG", mode="RGBA")
    synthetic.write_image(tmp_path / "big.png", "dogs", rng, size=(1200, 900),
                          fmt="PNG")
    (tmp_path / "fake.jpg").write_text("I am a text file")
    results = {r["path"].rsplit("/", 1)[1]: r
               for r in evaluation.predict_files(tiny_model, tmp_path, ("c", "d"))}
    assert set(results) == {"gray.jpg", "rgba.png", "big.png", "fake.jpg"}
    assert "not an image" in results["fake.jpg"]["error"]
    for name in ("gray.jpg", "rgba.png", "big.png"):
        assert results[name]["error"] is None
        assert results[name]["class"] in ("c", "d")
        assert 0.5 <= results[name]["probability"] <= 1
    single = evaluation.predict_files(tiny_model, tmp_path / "gray.jpg", ("c", "d"))
    assert len(single) == 1 and single[0]["class"] == results["gray.jpg"]["class"]
    missing = evaluation.predict_files(tiny_model, [tmp_path / "nope.jpg"], ("c", "d"))
    assert missing[0]["error"]


def test_grayscale_file_is_predicted_as_its_gray_replicated_rgb(tiny_model, tmp_path):
    import tensorflow as tf

    rng = np.random.default_rng(1)
    src = synthetic.write_image(tmp_path / "x.png", "cats", rng, fmt="PNG", mode="L")
    with Image.open(src) as im:
        gray = np.asarray(im, dtype=np.float32)
    assert gray.ndim == 2
    rgb = tf.image.resize(np.repeat(gray[..., None], 3, axis=-1), (160, 160))
    p = float(evaluation.sigmoid(np.asarray(tiny_model(rgb[None])).reshape(-1)[0]))
    (result,) = evaluation.predict_files(tiny_model, src, ("c", "d"))
    assert result["class"] == ("d" if p > 0.5 else "c")
    assert result["probability"] == pytest.approx(max(p, 1 - p), abs=1e-5)


def test_uploads_are_read_in_both_widget_versions_and_stay_in_their_folder(
        tiny_model, tmp_path, capsys):
    import datetime
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 180), (200, 90, 60)).save(buffer, "JPEG")
    photo = buffer.getvalue()
    v7 = {"cat.jpg": {"content": memoryview(photo), "metadata": {}}}
    v8 = ({"name": "cat.jpg", "content": memoryview(photo), "size": len(photo)},)
    assert evaluation.uploaded_files(v7) == evaluation.uploaded_files(v8) == [
        ("cat.jpg", photo)]

    box = evaluation.make_upload_widget(tiny_model, ("cats", "dogs"), (160, 160),
                                        tmp_path / "uploads")
    upload = box.children[0]
    now = datetime.datetime.now(datetime.UTC)
    upload.value = (  # what a learner's browser sends; the second name is hostile
        {"name": "cat.jpg", "type": "image/jpeg", "size": len(photo),
         "content": memoryview(photo), "last_modified": now},
        {"name": "../../escape.jpg", "type": "image/jpeg", "size": 4,
         "content": memoryview(b"text"), "last_modified": now},
    )
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "cat.jpg", "escape.jpg"]
    assert all(p.parent == tmp_path / "uploads" for p in tmp_path.rglob("*.jpg"))
    out = capsys.readouterr().out
    assert "cat.jpg" in out and ("cats (" in out or "dogs (" in out)
    assert "escape.jpg" in out and "error:" in out


def test_own_images_that_are_not_regular_files_are_not_opened(tmp_path):
    fifo = add_irregular_files(tmp_path)
    synthetic.write_image(tmp_path / "ok.jpg", "cats", np.random.default_rng(0))

    def model(images, training=False):
        return np.zeros((len(images), 1))

    watch = synthetic.PipeWatch(fifo)
    try:
        by_folder = evaluation.predict_files(model, tmp_path, ("c", "d"))
        by_path = evaluation.predict_files(model, [fifo, tmp_path / "broken.jpg"],
                                           ("c", "d"))
    finally:
        watch.stop()
    assert not watch.opened
    errors = {Path(r["path"]).name: r["error"] for r in by_folder + by_path}
    assert errors["pipe.jpg"] == "a named pipe (FIFO), not a regular file"
    assert errors["broken.jpg"] == "a broken symbolic link"
    assert errors["loop.jpg"].startswith("cannot be looked at")
    assert errors["ok.jpg"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "broken.jpg", "loop.jpg", "ok.jpg", "pipe.jpg"]


# -- issue 20: many photos, uploads that clash or fail ----------------------

class CountingModel:
    """A model of one logit (or ``classes``) that records each batch's size."""

    def __init__(self, classes: int = 1):
        self.classes, self.batches = classes, []

    def __call__(self, images, training=False):
        images = np.asarray(images)
        self.batches.append(len(images))
        # a logit that depends on the image, to check the order of the results
        mean = images.reshape(len(images), -1).mean(axis=1, keepdims=True)
        return np.repeat(mean - 127.5, self.classes, axis=1)


def write_photos(folder: Path, n: int, bad_every: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"p{i:04d}.png"
        if bad_every and i % bad_every == bad_every - 1:
            path.write_text("not an image")
        else:
            Image.new("RGB", (12, 10), (i % 256, 40, 200 - i % 200)).save(path)
        paths.append(path)
    return paths


@pytest.mark.parametrize("n, bad_every, classes", [
    (50, 0, 1),    # a folder of photos, more than one batch
    (33, 4, 1),    # every fourth file is not an image: batches stay full
    (17, 0, 3),    # a model of three classes (07)
    (8, 3, 1),     # fewer photos than one batch
    (40, 1, 1),    # no image at all: the model is never called
])
def test_photos_are_predicted_in_batches_in_order(tmp_path, n, bad_every,
                                                  classes):
    paths = write_photos(tmp_path / "photos", n, bad_every)
    model = CountingModel(classes)
    names = ("a", "b", "c")[:max(2, classes)]
    results = evaluation.predict_files(model, tmp_path / "photos", names,
                                       image_size=(8, 8), batch_size=8)
    assert [r["path"] for r in results] == [str(p) for p in paths]
    good = [r for r in results if r["error"] is None]
    assert len(good) == sum(model.batches)
    assert all(b <= 8 for b in model.batches)
    assert len(model.batches) == -(-len(good) // 8)  # full batches, one partial
    one_by_one = [evaluation.predict_files(model, p, names, image_size=(8, 8))[0]
                  for p in paths]
    assert results == one_by_one


def test_memory_for_many_photos_stays_that_of_one_batch(tmp_path):
    import tracemalloc

    few = write_photos(tmp_path / "few", 8)
    many = write_photos(tmp_path / "many", 160)
    model = CountingModel()

    def peak(paths):
        tracemalloc.start()
        try:
            evaluation.predict_files(model, paths, ("a", "b"), image_size=(64, 64),
                                     batch_size=8)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(few)  # warm up TensorFlow's and numpy's caches
    small, large = peak(few), peak(many)
    one_image = 64 * 64 * 3 * 4
    # 160 images at once would need 20 times the batch's memory, 2.5 MB more
    assert large - small < 20 * one_image, (small, large)
    assert max(model.batches) <= 8


def upload_value(*files):
    import datetime

    now = datetime.datetime.now(datetime.UTC)
    return tuple({"name": name, "type": "image/jpeg", "size": len(data),
                  "content": memoryview(data), "last_modified": now}
                 for name, data in files)


def jpeg_bytes(color=(200, 90, 60)) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "JPEG")
    return buffer.getvalue()


LONG_NAME = "बिल्ली" * 20 + ".jpg"  # 364 bytes: too long for a file name


@pytest.mark.parametrize("names, saved", [
    (["cat.jpg", "cat.jpg"], ["cat-1.jpg", "cat.jpg"]),         # one name twice
    (["a/x.jpg", "b/x.jpg", "x.jpg"], ["x-1.jpg", "x-2.jpg", "x.jpg"]),
    (["..", "", "."], ["upload-1.jpg", "upload-2.jpg", "upload.jpg"]),
    ([LONG_NAME], None),                                       # shortened
])
def test_uploads_never_overwrite_each_other(tiny_model, tmp_path, capsys, names,
                                            saved):
    box = evaluation.make_upload_widget(tiny_model, ("cats", "dogs"), (160, 160),
                                        tmp_path / "uploads")
    upload = box.children[0]
    upload.value = upload_value(*((n, jpeg_bytes((i * 60, 90, 60)))
                                  for i, n in enumerate(names)))
    files = sorted(p.name for p in (tmp_path / "uploads").iterdir())
    if saved is not None:
        assert files == saved
    else:
        assert len(files) == 1 and len(files[0].encode()) <= 255
        assert files[0].endswith(".jpg") and files[0].startswith("बिल्ली")
    assert len({p.read_bytes() for p in (tmp_path / "uploads").iterdir()}) == len(
        names)  # every photo kept, none overwritten
    out = capsys.readouterr().out
    assert out.count("cats (") + out.count("dogs (") == len(names)


def test_an_upload_again_keeps_the_earlier_photo(tiny_model, tmp_path, capsys):
    box = evaluation.make_upload_widget(tiny_model, ("cats", "dogs"), (160, 160),
                                        tmp_path / "uploads")
    box.children[0].value = upload_value(("cat.jpg", jpeg_bytes((10, 10, 10))))
    box.children[0].value = upload_value(("cat.jpg", jpeg_bytes((250, 250, 250))))
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == [
        "cat-1.jpg", "cat.jpg"]


@pytest.mark.parametrize("problem", ["folder is a file", "model fails",
                                     "folder inside a file"])
def test_upload_errors_are_shown_under_the_picker(tiny_model, tmp_path, capsys,
                                                  problem):
    folder = tmp_path / "uploads"
    model = tiny_model
    if problem == "folder is a file":
        folder.write_text("in the way")
    elif problem == "folder inside a file":
        (tmp_path / "file").write_text("in the way")
        folder = tmp_path / "file" / "uploads"
    else:
        def model(images, training=False):
            raise ValueError("Input 0 of layer is incompatible")
    box = evaluation.make_upload_widget(model, ("cats", "dogs"), (160, 160), folder)
    box.children[0].value = upload_value(("cat.jpg", jpeg_bytes()))  # no raise
    out = capsys.readouterr().out
    assert "cat.jpg" in out and "could not" in out.lower()
    if problem == "model fails":
        assert "incompatible" in out
    else:
        assert str(folder) in out and "OWN_IMAGES" in out
    assert not list(tmp_path.rglob("*.partial*"))


def test_summarize_spread_gives_mean_sample_deviation_and_range():
    spread = evaluation.summarize_spread([0.96, 0.98, 0.97])
    assert spread["mean"] == pytest.approx(0.97)
    assert spread["std"] == pytest.approx(0.01)
    assert (spread["min"], spread["max"], spread["n"]) == (0.96, 0.98, 3)
    assert evaluation.summarize_spread([0.5])["std"] == 0.0


def test_errors_by_threshold_count_each_kind():
    labels = [0, 0, 0, 1, 1]
    logits = [-2.0, 0.5, 1.5, -0.5, 3.0]
    errors = evaluation.count_errors_by_threshold(labels, logits, [-3.0, 0.0, 1.0, 4.0])
    # columns: class 0 called 1, class 1 called 0
    assert errors.tolist() == [[3, 0], [2, 1], [1, 1], [0, 2]]


def test_the_threshold_chosen_leaves_the_fewest_errors_nearest_to_zero():
    # a model leaning to class 1: two class-0 logits sit just above 0
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    logits = [-3.0, -1.0, 0.2, 0.4, 0.9, 2.0, 2.5, 3.0]
    chosen = evaluation.choose_threshold(labels, logits)
    assert chosen == pytest.approx(0.65)  # between 0.4 and 0.9
    assert evaluation.count_errors_by_threshold(labels, logits, [chosen]).sum() == 0
    # no lean: 0 is as good as anything, and is kept
    assert evaluation.choose_threshold([0, 1], [-1.0, 1.0]) == 0.0
