"""helpers/training.py, a backup that a kill cut short while Keras saved it:
``BackupAndRestore(double_checkpoint=True)`` keeps a copy of the epoch before
(``*.bkp``), and ``prepare_backup`` puts it back, so training resumes after
that epoch instead of from the start (a backup with both copies damaged is set
aside: tests/unit/test_training.py). Two small ``fit`` runs per case, 2-4 s
each: too slow for the unit lane."""

from __future__ import annotations

import pytest
from harness import run_fit
from synthetic import cut_file

BKP_DAMAGES = {
    "weights cut": lambda b: cut_file(b / "latest.weights.h5"),
    "weights gone": lambda b: (b / "latest.weights.h5").unlink(),
    "metadata cut": lambda b: cut_file(b / "training_metadata.json"),
    "metadata empty": lambda b: (b / "training_metadata.json").write_text(""),
}


@pytest.mark.parametrize("damage", BKP_DAMAGES.values(), ids=BKP_DAMAGES.keys())
def test_a_backup_killed_while_saving_resumes_from_the_epoch_before(tmp_path,
                                                                     damage):
    """Killed while Keras wrote epoch 2's backup: its copy of epoch 1 (.bkp)
    is used, and training resumes after epoch 1 instead of from the start."""
    work = tmp_path / "work"
    run_fit(work, 3, stop_after=1)
    backup = work / "backup"
    assert (backup / "latest.weights.h5.bkp").is_file()
    damage(backup)
    resume_at, said, ran = run_fit(work, 3)
    assert (resume_at, ran) == (1, [1, 2])
    assert said.startswith("Resuming an interrupted run after epoch 1")
    assert "the copy of the epoch before" in said
    assert list(work.iterdir()) == []  # finished: the backup is removed
