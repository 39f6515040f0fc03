"""scripts/benchmark.py's arithmetic and tables, on made-up runs (no TensorFlow)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import benchmark  # noqa: E402


def runs():
    def run(path, repeat, fe, ft):
        return {"path": path, "repeat": repeat, "feature_extraction": fe,
                "fine_tuning": ft, "wall_seconds": None, "val_accuracy": 0.9}

    return [run("tutorial", 0, [20, 10, 12], [30, 20, 22, 21]),
            run("course", 0, [21, 11, 11], [28, 19, 20]),
            run("course", 1, [22, 10, 12], [29, 18, 21]),
            run("tutorial", 1, [19, 11, 13], [31, 21, 20, 22])]


def test_spread_is_median_quartiles_and_range():
    s = benchmark.spread([4, 1, 3, 2, 5])
    assert (s["median"], s["q1"], s["q3"], s["min"], s["max"], s["n"]) == (
        3, 2, 4, 1, 5, 5)


def test_the_tutorial_comparison_pools_every_repeat_and_drops_first_epochs():
    b = benchmark.summarize_baseline(runs(), 3, [[1.0, 1.0, 1.0]] * 4)
    t = b["seconds_per_epoch"]["tutorial"]["feature_extraction"]
    assert t["all_epochs"]["n"] == 6 and t["after_first_epoch"]["n"] == 4
    assert t["after_first_epoch"]["median"] == 11.5  # 10, 11, 12, 13
    c = b["seconds_per_epoch"]["course"]["fine_tuning"]["after_first_epoch"]
    assert c["median"] == 19.5  # 18, 19, 20, 21
    ratio = b["ratio_course_over_tutorial"]["fine_tuning"]["after_first_epoch"]
    assert ratio == pytest.approx(19.5 / 21, abs=1e-3)
    assert b["repeats"] == 2 and b["order"] == ["tutorial", "course", "course",
                                                "tutorial"]
    table = "\n".join(benchmark.format_baseline(b))
    assert "course/tutorial" in table and "fine tuning, after first epoch" in table


def test_a_one_epoch_stage_keeps_its_epoch_after_the_first():
    one = [{**r, "feature_extraction": r["feature_extraction"][:1]} for r in runs()]
    b = benchmark.summarize_baseline(one, 1, [])
    assert b["seconds_per_epoch"]["course"]["feature_extraction"][
        "after_first_epoch"]["n"] == 2
