"""catchup.ensure_stage and catchup.keep, the two calls the notebooks make: a
stage made the quick way (fast.train_quickly), kept in the folder that
persists, found there again by a new session, and 04 fine-tuned from 03's own
model."""

from __future__ import annotations

import pytest

from helpers import catchup, errors, persist, stages


def test_keep_needs_a_folder_that_persists(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    stages.results_path(tmp_path / "a", "split").write_text("{}")
    assert catchup.keep(tmp_path / "a", "split") == []  # none: nothing happens
    monkeypatch.setenv("TL_PERSIST_DIR", str(tmp_path / "kept"))
    assert catchup.keep(tmp_path / "a", "split") == [
        stages.results_path(tmp_path / "kept", "split")]
    assert persist.get_persist_dir() == tmp_path / "kept"


def test_without_catch_up_a_missing_stage_names_its_notebook(assets_here):
    with pytest.raises(errors.MissingArtifactError, match="01_data"):
        catchup.ensure_stage("fine_tuning", assets_here / "a", catch_up=False,
                             progress=False)


