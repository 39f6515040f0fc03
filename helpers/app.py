"""A small web app around a trained classifier (09_share_your_model, ``make demo``).

Everything that decides what the page shows is a plain function here, tested
without a browser (tests/unit/test_app.py): which model and class names to load
(``load_classifier``), whether a photo can be used or why not (``check_photo``:
not an image, too many pixels, an animated GIF; CMYK and 16-bit photos are
converted and said so), reading it as 05 does (``evaluation.read_image_file``:
turned upright as its EXIF says, resized like the training pipeline), the
probabilities and the top classes (``predict_photo``), and "not sure" below a
chosen confidence (``describe_prediction``). ``answer_photo`` is what the page
calls: a photo it cannot use gives a message in the page, never a trace.

``make_app`` lays these out with Gradio (imported there, not here), and
``launch_app`` serves the page: on 127.0.0.1 unless told otherwise, no public
link unless ``share=True``, no analytics, system fonts (nothing fetched from
outside), one prediction at a time with a bounded queue, uploads capped in size
and removed after a while. The server runs in a thread: a notebook's kernel
stays free, and ``close_app`` stops it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The most pixels a photo may have: 50 megapixels, more than a phone's
#: ordinary photo (12-48). Checked from the file's header, before decoding.
MAX_PIXELS = 50_000_000
#: The largest file the page accepts (Gradio refuses a larger upload itself).
MAX_FILE_MB = 25
#: How many classes the page lists (07's models have N; 04's has two).
TOP_CLASSES = 3
#: Requests waiting for the one prediction running at a time; more are told to
#: try again (memory stays that of one photo and one model).
QUEUE_SIZE = 16
#: Uploaded files are removed from Gradio's cache after this many seconds.
UPLOAD_LIFETIME_S = 900
#: Fonts the page asks for: the browser's own, nothing downloaded.
SYSTEM_FONTS = ("ui-sans-serif", "system-ui", "sans-serif")
MONO_FONTS = ("ui-monospace", "Consolas", "monospace")
#: Image modes read as they are, without a note (others are converted and said).
PLAIN_MODES = ("RGB", "RGBA", "L", "LA", "P", "PA", "1")


class PhotoError(ValueError):
    """A photo the app cannot use; its message is what the page shows."""


@dataclass(frozen=True)
class Classifier:
    """A trained model with what the page needs to use it: its class names (in
    the order of its outputs) and the image size it was trained on."""

    model: object
    class_names: tuple
    image_size: tuple
    stage: str


def load_classifier(folder, stage: str = "fine_tuning") -> Classifier:
    """The model stage ``stage`` saved in ``folder`` (04's ``fine_tuning`` by
    default; 07's ``own_data``), with its class names and image size: from
    what that stage saved beside it (07), else from 01's ``split.json``.

    A missing or damaged file names the notebook to run first
    (``MissingArtifactError``, ``UnusableArtifactError``).
    """
    from . import artifacts, stages

    spec = stages.get_stage(stage)
    if spec.model is None:
        raise ValueError(f"stage {stage!r} saves no model; the stages with one are "
                         f"{sorted(n for n, s in stages.STAGES.items() if s.model)}")
    results = stages.load_results(folder, stage) if spec.results else {}
    if "class_names" not in results:  # 04 and 05: the classes 01 found
        results = stages.load_results(folder, "split")
    model = artifacts.load_model(stages.model_path(folder, stage), spec.notebook)
    return Classifier(model, tuple(results["class_names"]),
                      tuple(results["image_size"]), stage)


def check_photo(path, max_pixels: int = MAX_PIXELS) -> list[str]:
    """What the app will do to the photo at ``path`` to use it (notes such as
    "converted from CMYK"), or ``PhotoError`` saying why it cannot.

    Reads the file's header only (size, mode, frames), so a huge image is
    refused before it fills the memory.
    """
    from PIL import Image, UnidentifiedImageError

    from .checks import describe_irregular, read_orientation

    if not path:
        raise PhotoError("No photo yet: upload one, take one with the camera, or "
                         "click an example.")
    name = Path(path).name
    irregular = describe_irregular(path)
    if irregular:
        raise PhotoError(f"{name} cannot be read: {irregular}.")
    try:
        with Image.open(path) as im:
            fmt, mode, (width, height) = im.format, im.mode, im.size
            frames = getattr(im, "n_frames", 1)
            orientation = read_orientation(im)
    except UnidentifiedImageError:
        raise PhotoError(f"{name} is not an image file (or one in a format this "
                         "app cannot read): upload a photo, JPEG or PNG.") from None
    except Image.DecompressionBombError:
        raise PhotoError(f"{name} has too many pixels to open safely: make it "
                         "smaller and upload it again.") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise PhotoError(f"{name} does not open as an image ({e}): it may be cut "
                         "short; upload it again, or another photo.") from None
    if width * height > max_pixels:
        raise PhotoError(
            f"{name} is {width}x{height} pixels ({width * height / 1e6:.0f} "
            f"megapixels), over this app's limit of {max_pixels / 1e6:.0f}: make "
            "it smaller and upload it again (the model sees a small copy anyway).")
    if frames > 1:
        raise PhotoError(f"{name} is an animated {fmt} ({frames} frames): the model "
                         "classifies one still photo. Upload one frame as a JPEG "
                         "or PNG.")
    notes = []
    if mode.startswith("I;16") or mode in ("I", "F"):
        notes.append(f"a {mode} image (16 or 32 bits per pixel): its values were "
                     "scaled to 8 bits")
    elif mode not in PLAIN_MODES:
        notes.append(f"converted from {mode} to RGB")
    if orientation in range(2, 9):
        notes.append("turned upright as its EXIF orientation says")
    return notes


def read_photo(path, image_size) -> np.ndarray:
    """The photo as the model takes it (05's ``evaluation.read_image_file``:
    upright, RGB, resized to ``image_size``, float32 in [0, 255]);
    ``PhotoError`` if it does not decode."""
    from .evaluation import read_image_file

    try:
        return read_image_file(path, tuple(image_size))
    except ValueError as e:
        raise PhotoError(f"{Path(path).name} cannot be read: {e}") from None


def compute_probabilities(logits) -> np.ndarray:
    """One probability per class from one image's logits: a single logit is
    class 1's (sigmoid; class 0 gets the rest), N logits a softmax (07)."""
    from .evaluation import sigmoid, softmax

    logits = np.asarray(logits, dtype=np.float64).reshape(-1)
    if logits.size == 1:
        p1 = float(sigmoid(logits[0]))
        return np.array([1.0 - p1, p1])
    return softmax(logits)


def rank_classes(probabilities, class_names, top: int = TOP_CLASSES) -> dict:
    """``{class name: probability}`` of the ``top`` most probable classes, most
    probable first (what Gradio's ``Label`` shows)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if len(probabilities) != len(class_names):
        raise ValueError(f"{len(probabilities)} probabilities for "
                         f"{len(class_names)} classes")
    order = np.argsort(-probabilities, kind="stable")[:top]
    return {class_names[i]: float(probabilities[i]) for i in order}


def describe_prediction(ranked: dict, min_confidence: float = 0.0) -> str:
    """One line: the most probable class and its probability, or "Not sure"
    when that probability is below ``min_confidence``."""
    name, probability = next(iter(ranked.items()))
    if probability < min_confidence:
        return (f"Not sure: {name} is the most probable, at {probability:.1%}, "
                f"below the {min_confidence:.0%} asked for.")
    return f"{name} ({probability:.1%})"


def overlay_heatmap(image, heatmap, alpha: float = 0.4) -> np.ndarray:
    """``image`` (H x W x 3, 0-255) with a Grad-CAM ``heatmap`` (values in [0,
    1] on any grid) drawn over it in colour, as 05's figures do; uint8."""
    from matplotlib import colormaps
    from PIL import Image

    image = np.clip(np.asarray(image, dtype=np.float64), 0, 255)
    heat = Image.fromarray(np.uint8(np.clip(np.asarray(heatmap), 0, 1) * 255))
    heat = heat.resize((image.shape[1], image.shape[0]), Image.BILINEAR)
    colour = colormaps["jet"](np.asarray(heat) / 255.0)[..., :3] * 255
    return np.uint8(np.rint((1 - alpha) * image + alpha * colour))


def predict_photo(classifier: Classifier, path, min_confidence: float = 0.0,
                  grad_cam: bool = False) -> dict:
    """What the page shows for the photo at ``path``: ``classes`` (the top
    classes and their probabilities), ``text`` (the prediction in words, and
    what was done to the photo), ``image`` (what the model saw, uint8, with
    the Grad-CAM overlay if ``grad_cam``). ``PhotoError`` for a photo it
    cannot use."""
    notes = check_photo(path)
    image = read_photo(path, classifier.image_size)
    logits = np.asarray(classifier.model(image[None], training=False))[0]
    probabilities = compute_probabilities(logits)
    ranked = rank_classes(probabilities, classifier.class_names)
    shown = np.uint8(np.clip(np.rint(image), 0, 255))
    if grad_cam:
        from .evaluation import grad_cam as find_heatmaps

        shown = overlay_heatmap(shown, find_heatmaps(classifier.model,
                                                     image[None])[0])
    text = describe_prediction(ranked, min_confidence)
    if notes:
        text += "\nThe photo was " + "; ".join(notes) + "."
    return {"classes": ranked, "probabilities": probabilities, "text": text,
            "image": shown}


def answer_photo(classifier: Classifier, path, min_confidence: float = 0.0,
                 grad_cam: bool = False) -> tuple:
    """The page's handler: ``(classes, image, message)`` for Gradio's
    ``Label``, ``Image`` and ``Textbox``. Never raises: a photo it cannot use
    empties the prediction and says why in the message."""
    try:
        result = predict_photo(classifier, path, min_confidence, grad_cam)
    except PhotoError as e:
        return None, None, str(e)
    except Exception as e:  # noqa: BLE001 - shown in the page, not as a trace
        return None, None, (f"Could not predict this photo ({type(e).__name__}: "
                            f"{str(e)[:300]}). Try another photo.")
    return result["classes"], result["image"], result["text"]


def import_gradio():
    """Gradio, with its usage analytics off (set before it is imported: it
    reads ``GRADIO_ANALYTICS_ENABLED``) unless the environment says otherwise."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio

    return gradio


def make_theme():
    """Gradio's default look with the system's fonts: the page downloads no
    font (the default names web fonts)."""
    gr = import_gradio()
    return gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def make_app(classifier: Classifier, examples=(), title: str | None = None,
             min_confidence: float = 0.0, grad_cam: bool = True):
    """The page (a Gradio ``Blocks``, not yet served): a photo to upload (or
    take with the camera, or one of ``examples``: paths), the top classes with
    their probabilities, a message line, and the photo as the model saw it
    (with where it looked, Grad-CAM, if ``grad_cam``). One prediction runs at a
    time; ``QUEUE_SIZE`` more may wait."""
    from functools import partial

    gr = import_gradio()
    names = ", ".join(classifier.class_names[:TOP_CLASSES + 2])
    if len(classifier.class_names) > TOP_CLASSES + 2:
        names += ", ..."
    title = title or f"Which is it? ({names})"
    answer = partial(answer_photo, classifier, min_confidence=min_confidence,
                     grad_cam=grad_cam)
    with gr.Blocks(title=title, analytics_enabled=False,
                   delete_cache=(UPLOAD_LIFETIME_S, UPLOAD_LIFETIME_S)) as app:
        gr.Markdown(f"## {title}\nA model trained in this course "
                    f"({len(classifier.class_names)} classes). Upload a photo.")
        with gr.Row():
            with gr.Column():
                photo = gr.File(label="A photo", type="filepath", elem_id="photo")
                camera = gr.Image(label="Or take one with the camera",
                                  sources=["webcam"], type="filepath",
                                  elem_id="camera")
                if examples:
                    gr.Examples([[str(p)] for p in examples], inputs=photo,
                                label="Or click an example")
            with gr.Column():
                classes = gr.Label(label="Prediction", num_top_classes=TOP_CLASSES,
                                   elem_id="prediction")
                message = gr.Textbox(label="Message", interactive=False,
                                     elem_id="message")
                seen = gr.Image(label="What the model saw" + (
                    " (and where it looked)" if grad_cam else ""),
                    interactive=False, elem_id="seen")
        for source, api_name in ((photo, "predict"), (camera, "predict_camera")):
            source.change(answer, source, [classes, seen, message],
                          api_name=api_name, concurrency_limit=1)
    app.queue(default_concurrency_limit=1, max_size=QUEUE_SIZE)
    return app


def launch_app(app, host: str = "127.0.0.1", port: int | None = None,
               share: bool = False, inline: bool | None = None,
               allowed_paths=(), quiet: bool = True) -> str:
    """Serve ``app`` (``make_app``) and return its local address. ``host``
    ``0.0.0.0`` serves the classroom's network too; ``share=True`` asks Gradio
    for a public link (through its servers: off by default). ``inline``: shown
    in the notebook (Gradio's default there). The server runs in a thread
    (nothing blocks); ``allowed_paths``: folders of example photos."""
    app.launch(server_name=host, server_port=port, share=share, inline=inline,
               prevent_thread_lock=True, quiet=quiet, theme=make_theme(),
               max_file_size=f"{MAX_FILE_MB}mb", show_error=False, ssr_mode=False,
               mcp_server=False, pwa=False, enable_monitoring=False,
               allowed_paths=[str(p) for p in allowed_paths])
    return app.local_url


def close_app(app) -> None:
    """Stop serving ``app`` (its thread and port)."""
    app.close()


def pick_examples(files, class_names, per_class: int = 2) -> list[str]:
    """The first ``per_class`` photos of each class from ``files`` (a split's
    part: ``paths`` and ``labels``), class by class: the page's examples."""
    chosen = []
    for label in range(len(class_names)):
        paths = [p for p, y in zip(files.paths, files.labels) if int(y) == label]
        chosen += paths[:per_class]
    return chosen
