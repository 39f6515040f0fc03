"""helpers/plots.py: the range test's plot (06) draws the losses it was given on
a log axis and marks each rate it is asked to."""

from __future__ import annotations

import numpy as np

from helpers import plots


def test_the_range_test_plot_marks_each_rate_on_a_log_axis():
    import matplotlib

    matplotlib.use("Agg")
    rates = np.geomspace(1e-6, 1.0, 50)
    losses = [0.7] * 30 + [0.3] * 10 + [5.0]  # stopped after 41 rates
    fig = plots.plot_range_test(rates, losses, {"tutorial": 1e-4, "suggested": 1e-3})
    ax = fig.axes[0]
    curve, *marks = ax.get_lines()
    assert ax.get_xscale() == "log"
    np.testing.assert_array_equal(curve.get_xdata(), rates[:41])
    assert [m.get_xdata()[0] for m in marks] == [1e-4, 1e-3]
    assert ax.get_ylim()[1] < 5.0  # the blow-up is cut off: the curve stays readable
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "tutorial: 0.0001", "suggested: 0.001"]


def test_the_threshold_plot_draws_both_kinds_of_error_and_their_sum():
    import matplotlib

    matplotlib.use("Agg")
    thresholds = np.linspace(-1, 1, 5)
    errors = np.array([[4, 0], [3, 1], [2, 1], [1, 2], [0, 4]])
    fig = plots.plot_threshold_errors(thresholds, errors, ["cats", "dogs"],
                                      {"chosen": 0.5})
    ax = fig.axes[0]
    cats, dogs, total, mark = ax.get_lines()
    assert cats.get_ydata().tolist() == [4, 3, 2, 1, 0]
    assert dogs.get_ydata().tolist() == [0, 1, 1, 2, 4]
    assert total.get_ydata().tolist() == [4, 4, 3, 3, 4]
    assert mark.get_xdata()[0] == 0.5
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == [
        "cats called dogs", "dogs called cats"]


def test_plot_curves_draws_each_curve_at_its_epochs():
    import matplotlib

    matplotlib.use("Agg")
    fig = plots.plot_curves({"a": (range(1, 4), [0.5, 0.6, 0.7]),
                             "b": (range(4, 6), [0.8, 0.9]),
                             "a, training accuracy": (range(1, 3), [0.6, 0.7])},
                            "accuracy")
    a, b, training = fig.axes[0].get_lines()
    assert training.get_linestyle() == "--"  # a training curve, dashed
    assert a.get_xdata().tolist() == [1, 2, 3] and b.get_xdata().tolist() == [4, 5]
    assert b.get_ydata().tolist() == [0.8, 0.9]
    assert fig.axes[0].get_ylabel() == "accuracy"
    assert a.get_linestyle() == "-"
