"""Plots: matplotlib plumbing too long to repeat in every notebook.

Each function returns the figure; the notebook displays it. Nothing here calls
``plt.show()``.
"""

from __future__ import annotations

import math

import numpy as np


def _grid(n: int, ncols: int, size: float = 3.0):
    import matplotlib.pyplot as plt

    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes.flat


def show_images(images, titles=None, ncols: int = 3, size: float = 3.0):
    """Images (values in [0, 255]) in a grid with optional titles (05)."""
    images = [np.asarray(im) for im in images]
    fig, axes = _grid(len(images), ncols, size)
    for i, (ax, image) in enumerate(zip(axes, images)):
        ax.imshow(np.clip(image, 0, 255).astype("uint8"))
        if titles is not None:
            ax.set_title(titles[i], fontsize=10)
    fig.tight_layout()
    return fig


def plot_history(history: dict, fine_tune_epoch: int | None = None):
    """The tutorial's learning curves, as written out in 03_feature_extraction:
    accuracy above, cross-entropy below, one point per epoch (04).

    ``fine_tune_epoch`` draws the tutorial's "Start Fine Tuning" line before that
    epoch (the tutorial draws it at ``initial_epochs - 1``).
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8, 8))
    for row, key, label, where in ((1, "accuracy", "Accuracy", "lower right"),
                                   (2, "loss", "Loss", "upper right")):
        plt.subplot(2, 1, row)
        plt.plot(history[key], label=f"Training {label}")
        plt.plot(history[f"val_{key}"], label=f"Validation {label}")
        if key == "accuracy":
            plt.ylim([min(plt.ylim()), 1])
        else:
            plt.ylim([0, max(1.0, max(plt.ylim()))])
        if fine_tune_epoch is not None:
            plt.plot([fine_tune_epoch - 0.5] * 2, plt.ylim(), label="Start Fine Tuning")
        plt.legend(loc=where)
        plt.ylabel("Cross Entropy" if key == "loss" else label)
        plt.title(f"Training and Validation {label}")
    plt.xlabel("epoch")
    return fig


def plot_confusion_matrix(matrix, class_names, title: str = "Confusion matrix"):
    """A confusion matrix with counts in each cell (05_evaluation)."""
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(matrix, cmap="Blues")
    ticks = range(len(class_names))
    ax.set_xticks(ticks, class_names)
    ax.set_yticks(ticks, class_names)
    ax.set_xlabel("Predicted class")
    ax.set_ylabel("True class")
    ax.set_title(title)
    limit = matrix.max() / 2 if matrix.size else 0
    for (i, j), n in np.ndenumerate(matrix):
        ax.text(j, i, str(n), ha="center", va="center",
                color="white" if n > limit else "black", fontsize=14)
    fig.tight_layout()
    return fig


def show_heatmaps(images, heatmaps, titles=None, ncols: int = 3, alpha: float = 0.4):
    """Images with a Grad-CAM heatmap overlaid (05_evaluation)."""
    fig, axes = _grid(len(images), ncols)
    for i, (ax, image, heat) in enumerate(zip(axes, images, heatmaps)):
        ax.imshow(np.clip(np.asarray(image), 0, 255).astype("uint8"))
        ax.imshow(np.asarray(heat), cmap="jet", alpha=alpha, vmin=0, vmax=1)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return fig


def plot_range_test(rates, losses, marks: dict | None = None):
    """A learning-rate range test: the loss of each step against its rate, on a
    log scale, with a dashed line at each rate in ``marks`` (label: rate) (06)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(rates[:len(losses)], losses)
    for i, (label, rate) in enumerate((marks or {}).items()):
        ax.axvline(rate, linestyle="--", color=f"C{i + 1}", label=f"{label}: {rate:g}")
    ax.set_xscale("log")
    ax.set_ylim(0, min(max(losses), 3 * losses[0]) * 1.05)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss (one batch)")
    if marks:
        ax.legend()
    fig.tight_layout()
    return fig


def plot_threshold_errors(thresholds, errors, class_names, marks: dict | None = None):
    """The errors of each kind against the logit threshold
    (``evaluation.count_errors_by_threshold``), a dashed line at each threshold
    in ``marks`` (label: threshold) (05)."""
    import matplotlib.pyplot as plt

    errors = np.asarray(errors)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(thresholds, errors[:, 0], label=f"{class_names[0]} called {class_names[1]}")
    ax.plot(thresholds, errors[:, 1], label=f"{class_names[1]} called {class_names[0]}")
    ax.plot(thresholds, errors.sum(axis=1), color="black", label="all errors")
    for i, (label, value) in enumerate((marks or {}).items()):
        ax.axvline(value, linestyle="--", color=f"C{i + 2}",
                   label=f"{label}: {value:.2f}")
    ax.set_xlabel("threshold on the logit (0: a probability of 0.5)")
    ax.set_ylabel("images")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_curves(curves: dict, ylabel: str):
    """One line per entry of ``curves`` (label: ``(epochs, values)``), epochs
    numbered from 1, dashed where the label says ``training``
    (``scripts/from_scratch.py``: three ways of training)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
    for label, (epochs, values) in curves.items():
        style = "--" if "training" in label else "-"  # a training curve: dashed
        ax.plot(list(epochs), values, style, marker="o", markersize=3, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    fig.tight_layout()
    return fig
