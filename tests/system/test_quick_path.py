"""Catching up end to end: both stages made the quick way (fast.train_quickly),
kept in the folder that persists, found there again by a new session."""

from __future__ import annotations

from helpers import catchup, splits, stages


def test_catch_up_makes_both_stages_keeps_them_and_finds_them_again(
        assets_here, monkeypatch):
    first, kept = assets_here / "first", assets_here / "kept"
    first.mkdir()
    monkeypatch.setenv("TL_PERSIST_DIR", str(kept))
    text = catchup.ensure_stage("fine_tuning", first, progress=False)
    assert "01_data: made the split now" in text
    assert "03_feature_extraction and 04_fine_tuning: trained both stages" in text
    split = splits.load_split(first)
    for name in ("feature_extraction", "fine_tuning"):
        model, results = stages.load_stage(first, name, split)
        assert results["made_by"] == "catch-up" and stages.has_stage(kept, name)
    assert len(results["history"]["epoch"]) == catchup.CATCH_UP_FINE_TUNE_EPOCHS
    assert results["history"]["epoch"][0] == 10  # after 03's 10 epochs

    second = assets_here / "second"  # a new session: an empty artifacts folder
    text = catchup.ensure_stage("fine_tuning", second, progress=False)
    assert f"04_fine_tuning: copied its files from {kept}" in text
    assert (stages.model_path(second, "fine_tuning").read_bytes()
            == stages.model_path(first, "fine_tuning").read_bytes())

    assert not stages.has_stage(second, "feature_extraction")  # 05 needs 04's

    for folder in (first, kept):  # 04's files gone: 03's own model fine-tuned
        for path in stages.list_paths(folder, "fine_tuning"):
            path.unlink()
    before = stages.model_path(first, "feature_extraction").read_bytes()
    text = catchup.ensure_stage("fine_tuning", first, progress=False)
    assert "04_fine_tuning: fine-tuned 03's model now the quick way" in text
    assert stages.model_path(first, "feature_extraction").read_bytes() == before
    stages.load_stage(first, "fine_tuning", split)
    assert stages.has_stage(kept, "fine_tuning")

