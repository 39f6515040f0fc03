"""scripts/reproduce.py's results after a run of some notebooks (``--only``), on
made-up results (no notebook runs): only what those notebooks measured
changes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import reproduce  # noqa: E402


def test_a_run_of_09_alone_keeps_every_other_notebooks_numbers():
    earlier = {"date": "earlier", "command": "make reproduce",
               "feature_extraction": {"train_seconds": 300.0},
               "fast_path": {"train_seconds": 122.9},
               "notebook_seconds": {"03_feature_extraction": 367.4,
                                    "06_going_faster": 143.6},
               "later_runs": [{"command": "hand-written", "date": "noon"}]}
    # what collect() read from the artifacts: another run's 03 and 06 since
    now = {"date": "now", "command": "make reproduce",
           "feature_extraction": {"train_seconds": 277.8},
           "fast_path": {"train_seconds": 141.7},
           "notebook_seconds": {"09_share_your_model": 20.1}}
    merged = reproduce.keep_earlier(now, earlier, {"09_share_your_model": 20.1})
    assert merged["feature_extraction"] == {"train_seconds": 300.0}
    assert merged["fast_path"] == {"train_seconds": 122.9}
    assert merged["date"] == "earlier"
    assert merged["notebook_seconds"] == {"03_feature_extraction": 367.4,
                                          "06_going_faster": 143.6,
                                          "09_share_your_model": 20.1}
    assert merged["later_runs"] == [
        {"command": "hand-written", "date": "noon"},
        {"command": "make reproduce --only 09", "date": "now",
         "notebooks": ["09_share_your_model"]}]


def test_a_run_of_03_again_replaces_03s_numbers_only():
    earlier = {"feature_extraction": {"train_seconds": 300.0},
               "fast_path": {"train_seconds": 122.9},
               "notebook_seconds": {"03_feature_extraction": 367.4}}
    now = {"date": "now", "command": "make reproduce",
           "feature_extraction": {"train_seconds": 280.0},
           "fast_path": {"train_seconds": 141.7},
           "notebook_seconds": {"03_feature_extraction": 350.0}}
    merged = reproduce.keep_earlier(now, earlier, {"03_feature_extraction": 350.0})
    assert merged["feature_extraction"] == {"train_seconds": 280.0}
    assert merged["fast_path"] == {"train_seconds": 122.9}
    assert merged["notebook_seconds"] == {"03_feature_extraction": 350.0}
