"""helpers.readiness (`make check`, 00_check): the check's report on generated
data, the arithmetic of the prediction, the last line, free disk, the Devanagari
font (available memory: test_pipeline.py). The timed steps themselves run in the
smoke run of 00_check (nbval compares its READY line); `make check`'s exit status
and a NOT READY report: tests/system/test_check.py."""

from __future__ import annotations

import pytest

from helpers import readiness

STEPS = readiness.StepTimes(feature_extraction=0.5, fine_tuning=0.8, validation=0.2,
                            first_step_extra=3.0, batch_size=32)


def test_an_epoch_is_its_training_steps_plus_its_validation_steps():
    # 64 training images: 2 steps; 33 validation images: 2 steps (a last, short one)
    predicted = readiness.predict_seconds(STEPS, 64, 33, {"03": (1, 0),
                                                          "04": (0, 2)})
    validate = 2 * 0.2
    assert predicted["03"] == pytest.approx(validate + 3.0 + (2 * 0.5 + validate))
    assert predicted["04"] == pytest.approx(3.0 + 2 * (2 * 0.8 + validate))


def test_the_default_epochs_are_the_notebooks():
    predicted = readiness.predict_seconds(STEPS, 2000, 808)
    assert set(predicted) == {"03", "04"}
    assert predicted["03"] == pytest.approx(
        26 * 0.2 + 3.0 + 10 * (63 * 0.5 + 26 * 0.2), abs=0.1)


@pytest.mark.parametrize("problems, expected", [
    ([], "READY: this machine can run the course."),
    (["the weights: gone"], "NOT READY: the weights: gone"),
    (["a", "b", "c"], "NOT READY: a (and 2 more above)"),
])
def test_the_last_line_says_ready_or_what_to_do(problems, expected):
    assert readiness.judge_readiness(problems) == expected


def test_free_space_of_a_folder_not_yet_made_is_its_disks(tmp_path):
    assert readiness.measure_free_space(tmp_path / "not" / "yet") == \
        readiness.measure_free_space(tmp_path) > 0


def test_a_devanagari_font_is_found_by_its_name(monkeypatch):
    from types import SimpleNamespace

    from matplotlib import font_manager

    fonts = [SimpleNamespace(name="DejaVu Sans", fname="/f/DejaVuSans.ttf")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fonts)
    assert readiness.find_devanagari_font() is None
    fonts.append(SimpleNamespace(name="Noto Sans Devanagari",
                                 fname="/f/NotoSansDevanagari-Regular.ttf"))
    assert readiness.find_devanagari_font() == "Noto Sans Devanagari"


def test_the_check_reports_the_machine_and_predicts_the_training_minutes(
        tmp_path, dataset_dir, weights_file, monkeypatch):
    """check_machine on the generated dataset (40 + 40 images per class) and
    weights, with the timed steps replaced by STEPS: each line, the prediction
    from predict_seconds on the split's counts, READY last."""
    monkeypatch.setenv("TL_DATA_DIR", str(dataset_dir))
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    timed = []
    monkeypatch.setattr(readiness, "measure_steps",
                        lambda *args, **kwargs: timed.append(args) or STEPS)
    lines = list(readiness.check_machine(1, tmp_path / "artifacts"))
    assert lines[0].startswith("Python ") and "TensorFlow" in lines[0]
    dataset = next(line for line in lines if line.startswith("dataset: "))
    assert dataset == (f"dataset: {dataset_dir.name} (80 training, 48 validation, "
                       "32 test images)")
    assert (tmp_path / "artifacts" / "dataset_check.json").exists()  # 01's cache
    assert f"weights: {weights_file.name} (verified)" in lines
    assert any(line.startswith("disk: ") for line in lines)
    assert any(line.startswith("Devanagari font: ") for line in lines)
    assert timed == [(str(weights_file), (160, 160), 32)]
    for notebook, seconds in readiness.predict_seconds(STEPS, 80, 48).items():
        assert (f"predicted training time of {notebook} here: "
                f"{seconds / 60:.1f} minutes") in lines
    assert lines[-1] == "READY: this machine can run the course."
