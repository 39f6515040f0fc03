"""helpers/app.py (09_share_your_model, `make demo`) without a browser: the model
and class names it loads, every photo it refuses or converts and what the page
then says, the probabilities of a one-logit and an N-class model, "not sure",
Grad-CAM's overlay. Gradio itself is not imported here (the browser test,
tests/system/test_app_browser.py, serves the page)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import synthetic
from PIL import Image

from helpers import app, errors, stages

SIZE = (32, 32)


@pytest.fixture(scope="module")
def model():
    """A tiny classifier shaped like the course's: rescaling, a nested base
    named like MobileNetV2 (Grad-CAM finds it), pooling, one logit that is
    positive for blue photos (dogs) and negative for red ones (cats)."""
    import tensorflow as tf

    inputs = tf.keras.Input(SIZE + (3,))
    x = tf.keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    base = tf.keras.Sequential([tf.keras.Input(SIZE + (3,)),
                                tf.keras.layers.Conv2D(3, 1, use_bias=False)],
                               name="mobilenetv2_tiny")
    base.layers[0].set_weights([np.eye(3, dtype="float32")[None, None]])
    x = tf.keras.layers.GlobalAveragePooling2D()(base(x))
    dense = tf.keras.layers.Dense(1)
    outputs = dense(x)
    dense.set_weights([np.array([[-4.0], [0.0], [4.0]], "float32"),
                       np.zeros(1, "float32")])
    return tf.keras.Model(inputs, outputs)


@pytest.fixture(scope="module")
def classifier(model):
    return app.Classifier(model, ("cats", "dogs"), SIZE, "fine_tuning")


def photo(tmp_path, name="cat.jpg", cls="cats", **kwargs):
    return synthetic.write_image(tmp_path / name, cls, np.random.default_rng(0),
                                 size=kwargs.pop("size", (48, 40)), **kwargs)


# --- what it loads -----------------------------------------------------------------

def test_no_model_yet_names_the_notebook_to_run(tmp_path):
    with pytest.raises(errors.MissingArtifactError, match="04_fine_tuning first"):
        app.load_classifier(tmp_path)
    with pytest.raises(errors.MissingArtifactError, match="07_your_own_data first"):
        app.load_classifier(tmp_path, "own_data")
    with pytest.raises(ValueError, match="saves no model"):
        app.load_classifier(tmp_path, "split")


def test_04s_model_takes_01s_class_names_and_07s_its_own(tmp_path, model):
    model.save(stages.model_path(tmp_path, "fine_tuning"))
    stages.results_path(tmp_path, "fine_tuning").write_text(json.dumps(
        {"split_id": "s1", "history": {"epoch": [0], "loss": [0.5]}}))
    with pytest.raises(errors.MissingArtifactError, match="01_data first"):
        app.load_classifier(tmp_path)  # the class names are 01's
    stages.results_path(tmp_path, "split").write_text(json.dumps(
        {"class_names": ["cats", "dogs"], "image_size": list(SIZE)}))
    loaded = app.load_classifier(tmp_path)
    assert (loaded.class_names, loaded.image_size) == (("cats", "dogs"), SIZE)
    assert loaded.model.count_params() == model.count_params()
    model.save(stages.model_path(tmp_path, "own_data"))
    stages.results_path(tmp_path, "own_data").write_text(json.dumps(
        {"class_names": ["hats", "pants", "shoes"], "image_size": [24, 24]}))
    own = app.load_classifier(tmp_path, "own_data")
    assert (own.class_names, own.image_size) == (("hats", "pants", "shoes"),
                                                 (24, 24))


# --- photos it refuses, with a message for the page ----------------------------------

def test_no_photo(classifier):
    assert app.answer_photo(classifier, None) == (
        None, None, "No photo yet: upload one, take one with the camera, or click "
        "an example.")


def test_a_file_that_is_not_an_image(tmp_path, classifier):
    fake = tmp_path / "notes.jpg"
    fake.write_text("a shopping list, not a photo\n")
    classes, image, message = app.answer_photo(classifier, fake)
    assert classes is None and image is None
    assert message.startswith("notes.jpg is not an image file")
    cut = photo(tmp_path, "cut.jpg")
    cut.write_bytes(cut.read_bytes()[:200])  # a JPEG cut short
    assert app.answer_photo(classifier, cut)[0] is None


def test_a_huge_image_is_refused_from_its_header(tmp_path, classifier):
    huge = tmp_path / "huge.png"
    Image.new("1", (10_000, 6_000)).save(huge)  # 60 MP, a few kB on disk
    with pytest.raises(app.PhotoError, match=r"10000x6000 pixels \(60 megapixels\)"
                       r", over this app's limit of 50"):
        app.check_photo(huge)
    message = app.answer_photo(classifier, huge)[2]
    assert "make it smaller" in message
    assert app.check_photo(photo(tmp_path), max_pixels=48 * 40) == []
    with pytest.raises(app.PhotoError, match="limit"):
        app.check_photo(photo(tmp_path), max_pixels=48 * 40 - 1)


def test_an_animated_gif_is_refused_a_still_one_is_not(tmp_path, classifier):
    frames = [Image.new("RGB", (20, 20), c) for c in ("red", "blue", "green")]
    frames[0].save(tmp_path / "moving.gif", save_all=True,
                   append_images=frames[1:], duration=100, loop=0)
    classes, _, message = app.answer_photo(classifier, tmp_path / "moving.gif")
    assert classes is None
    assert message.startswith("moving.gif is an animated GIF (3 frames)")
    frames[0].save(tmp_path / "still.gif")
    assert app.answer_photo(classifier, tmp_path / "still.gif")[0] is not None


def test_a_named_pipe_is_refused_without_being_opened(tmp_path, classifier):
    fifo = synthetic.add_irregular_files(tmp_path)
    watch = synthetic.PipeWatch(fifo)
    try:
        message = app.answer_photo(classifier, fifo)[2]
    finally:
        watch.stop()
    assert "named pipe" in message and not watch.opened


# --- photos it converts, and says so -----------------------------------------------

def test_a_cmyk_photo_is_converted_and_predicted(tmp_path, classifier):
    cmyk = photo(tmp_path, "print.jpg", mode="CMYK")
    classes, image, message = app.answer_photo(classifier, cmyk)
    assert "converted from CMYK to RGB" in message
    same = app.answer_photo(classifier, photo(tmp_path, "screen.jpg"))[0]
    assert max(classes, key=classes.get) == max(same, key=same.get) == "cats"
    assert image.shape == SIZE + (3,) and image.dtype == np.uint8


def test_a_16_bit_photo_is_scaled_not_clipped(tmp_path, classifier):
    ramp = (np.arange(40 * 48, dtype=np.uint32).reshape(40, 48) * 30).astype(
        np.uint16)  # values up to 57,570: clipped to 8 bits it would be white
    Image.fromarray(ramp).save(tmp_path / "scan.png")
    assert Image.open(tmp_path / "scan.png").mode.startswith("I")
    classes, image, message = app.answer_photo(classifier, tmp_path / "scan.png")
    assert "scaled to 8 bits" in message
    # the ramp spread over 0-255; clipped, all but its first 9 values would be 255
    assert image.min() < 10 and image.max() > 200 and 80 < image.mean() < 170


def test_an_exif_rotated_photo_is_turned_upright_before_prediction(tmp_path,
                                                                   classifier):
    """A phone stores a portrait photo sideways with EXIF orientation 6: the
    model must get what the person saw (05's reading)."""
    pixels = np.zeros((40, 48, 3), np.uint8)
    pixels[:, :24] = (220, 40, 40)  # left half red, right half blue
    pixels[:, 24:] = (40, 40, 220)
    sideways = Image.fromarray(pixels)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to show"
    sideways.save(tmp_path / "phone.jpg", exif=exif, quality=95)
    upright = sideways.transpose(Image.Transpose.ROTATE_270)  # as shown
    upright.save(tmp_path / "upright.jpg", quality=95)
    assert app.check_photo(tmp_path / "phone.jpg") == [
        "turned upright as its EXIF orientation says"]
    seen = app.read_photo(tmp_path / "phone.jpg", SIZE)
    assert np.abs(seen - app.read_photo(tmp_path / "upright.jpg", SIZE)).mean() < 3
    assert seen[:8, :, 0].mean() > 150 > seen[-8:, :, 0].mean()  # red on top
    message = app.answer_photo(classifier, tmp_path / "phone.jpg")[2]
    assert message.endswith("The photo was turned upright as its EXIF "
                            "orientation says.")


# --- what the page shows ------------------------------------------------------------

def test_two_probabilities_from_one_logit():
    assert app.compute_probabilities([0.0]) == pytest.approx([0.5, 0.5])
    p = app.compute_probabilities(np.array([[2.0]]))
    assert p == pytest.approx([1 - 1 / (1 + np.exp(-2)), 1 / (1 + np.exp(-2))])
    many = app.compute_probabilities([1.0, 3.0, 0.0, -2.0])
    assert many.sum() == pytest.approx(1) and np.argmax(many) == 1


def test_the_top_three_of_n_classes_most_probable_first():
    names = ("hats", "pants", "shoes", "shirts", "skirts")
    ranked = app.rank_classes([0.1, 0.05, 0.5, 0.3, 0.05], names)
    assert list(ranked) == ["shoes", "shirts", "hats"]
    assert list(ranked.values()) == pytest.approx([0.5, 0.3, 0.1])
    assert list(app.rank_classes([0.3, 0.7], ("cats", "dogs"))) == ["dogs", "cats"]
    with pytest.raises(ValueError, match="2 probabilities for 3 classes"):
        app.rank_classes([0.3, 0.7], ("a", "b", "c"))


def test_not_sure_below_the_confidence_chosen():
    assert app.describe_prediction({"dogs": 0.62, "cats": 0.38}) == "dogs (62.0%)"
    assert app.describe_prediction({"dogs": 0.62, "cats": 0.38}, 0.8) == (
        "Not sure: dogs is the most probable, at 62.0%, below the 80% asked for.")
    # two classes: the larger probability is never below 0.5, so a threshold
    # of 0.5 never says "not sure" (the model has no "neither" to give)
    for logit in np.linspace(-5, 5, 41):
        ranked = app.rank_classes(app.compute_probabilities([logit]),
                                  ("cats", "dogs"))
        assert not app.describe_prediction(ranked, 0.5).startswith("Not sure")


def test_a_prediction_of_the_one_logit_model(tmp_path, classifier, model):
    dog = photo(tmp_path, "dog.jpg", cls="dogs")
    result = app.predict_photo(classifier, dog)
    logit = float(model(app.read_photo(dog, SIZE)[None])[0, 0])
    assert logit > 0
    assert result["classes"] == pytest.approx(
        {"dogs": 1 / (1 + np.exp(-logit)), "cats": 1 - 1 / (1 + np.exp(-logit))})
    assert list(result["classes"]) == ["dogs", "cats"]
    assert result["text"] == f"dogs ({result['classes']['dogs']:.1%})"


def test_a_prediction_of_an_n_class_model(tmp_path, model):
    import tensorflow as tf

    names = ("hats", "pants", "shoes", "shirts")
    n_class = tf.keras.Sequential([tf.keras.Input(SIZE + (3,)),
                                   tf.keras.layers.GlobalAveragePooling2D(),
                                   tf.keras.layers.Dense(4)])
    n_class.layers[-1].set_weights([np.array(
        [[0, 0, 0.05, 0], [0, 0, 0, 0.01], [0, 0.05, 0, 0]], "float32"),
        np.zeros(4, "float32")])
    own = app.Classifier(n_class, names, SIZE, "own_data")
    classes, image, message = app.answer_photo(own, photo(tmp_path, cls="dogs"))
    assert len(classes) == 3 and list(classes)[0] == "pants"  # blue: pants
    assert sum(classes.values()) < 1 and message.startswith("pants (")


def test_grad_cam_draws_where_the_model_looked(tmp_path, classifier):
    cat = photo(tmp_path)
    plain = app.predict_photo(classifier, cat)["image"]
    overlaid = app.predict_photo(classifier, cat, grad_cam=True)["image"]
    assert overlaid.shape == plain.shape and overlaid.dtype == np.uint8
    assert np.abs(overlaid.astype(int) - plain).mean() > 5
    heat = np.zeros((4, 4))
    assert (app.overlay_heatmap(plain, heat, alpha=0.0) == plain).all()


def test_a_model_that_fails_gives_a_message_not_a_trace(tmp_path):
    class Broken:
        def __call__(self, images, training=False):
            raise RuntimeError("out of memory")

    broken = app.Classifier(Broken(), ("cats", "dogs"), SIZE, "fine_tuning")
    assert app.answer_photo(broken, photo(tmp_path)) == (
        None, None, "Could not predict this photo (RuntimeError: out of memory). "
        "Try another photo.")


def test_examples_are_the_first_photos_of_each_class():
    class Files:
        paths = ["c1", "d1", "c2", "d2", "c3"]
        labels = [0, 1, 0, 1, 0]

    assert app.pick_examples(Files, ("cats", "dogs"), 2) == ["c1", "c2", "d1", "d2"]


def test_importing_the_module_imports_no_gradio():
    import subprocess
    import sys

    code = "import sys, helpers.app; assert 'gradio' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, cwd=os.path.dirname(os.path.dirname(
                              os.path.dirname(__file__))))
    assert done.returncode == 0, done.stderr[-1000:]
