"""A training run killed in the middle (a real process, SIGKILL) resumes after
its last completed epoch (the backup of training.ResumableRun)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import training

SCRIPT = Path(__file__).resolve().parents[1] / "resumable_fit.py"



def fit(work, initial_epoch, epochs, kill_after=None):
    args = [sys.executable, str(SCRIPT), str(work), str(initial_epoch), str(epochs)]
    if kill_after is not None:
        args.append(str(kill_after))
    return subprocess.run(args, capture_output=True, text=True, timeout=300)



@pytest.mark.parametrize("initial_epoch, epochs, kill_after",
                         [(0, 5, 1), (3, 7, 4)], ids=["from-zero", "fine-tuning"])
def test_killed_run_resumes_after_last_completed_epoch(tmp_path, initial_epoch,
                                                       epochs, kill_after):
    reference = fit(tmp_path / "reference", initial_epoch, epochs)
    assert reference.returncode == 0, reference.stderr
    assert json.loads(reference.stdout)["ran"] == list(range(initial_epoch, epochs))

    killed = fit(tmp_path / "run", initial_epoch, epochs, kill_after)
    assert killed.returncode == -9  # SIGKILL: nothing got to clean up
    assert training.read_backup_epoch(tmp_path / "run" / "backup") == kill_after + 1

    resumed = fit(tmp_path / "run", initial_epoch, epochs)
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert out["resumed"] is True
    assert out["message"] == (
        f"Resuming an interrupted run after epoch {kill_after + 1}.")
    assert out["ran"] == list(range(kill_after + 1, epochs))  # continues, no restart
    assert training.read_backup_epoch(tmp_path / "run" / "backup") is None

    full = training.read_epoch_log(tmp_path / "run" / "log.csv")
    ref = training.read_epoch_log(tmp_path / "reference" / "log.csv")
    assert all(s > 0 for s in full["seconds"])
    assert full["epoch"] == ref["epoch"] == list(range(initial_epoch, epochs))
    np.testing.assert_allclose(full["loss"], ref["loss"], rtol=1e-5)

