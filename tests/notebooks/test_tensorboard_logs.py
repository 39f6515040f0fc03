"""TensorBoard's logs as the notebooks wrote them in the smoke run: 03 then 04, and
07's two stages, each a run of its own under the artifacts folder's
``tensorboard/``, read back from the event files: both stages' scalars, train and
validation, on one epoch axis (fine-tuning continuing feature extraction), and
the same values as each stage's epoch log."""

from __future__ import annotations

import pytest

from helpers import training

STAGES = [("feature_extraction", "fine_tuning"),
          ("own_data_feature_extraction", "own_data_fine_tuning")]


@pytest.mark.parametrize("first,second", STAGES, ids=["03-04", "07"])
def test_both_stages_are_on_one_epoch_axis(smoke_work, first, second):
    folder = smoke_work / "artifacts"
    epochs = []
    for name in (first, second):
        logs = training.read_tensorboard_scalars(
            training.find_tensorboard_dir(folder, name))
        assert set(logs) == {"train", "validation"}, f"{name}: {sorted(logs)}"
        for part in ("train", "validation"):
            assert {"epoch_loss", "epoch_accuracy"} <= set(logs[part]), name
        history = training.read_epoch_log(folder / f"{name}_log.csv")
        assert sorted(logs["train"]["epoch_loss"]) == history["epoch"], name
        assert sorted(logs["validation"]["epoch_accuracy"]) == history["epoch"]
        assert [logs["validation"]["epoch_accuracy"][e] for e in history["epoch"]] \
            == pytest.approx(history["val_accuracy"], abs=1e-6), name
        epochs += history["epoch"]
    assert epochs == list(range(len(epochs))), f"not one axis: {epochs}"
