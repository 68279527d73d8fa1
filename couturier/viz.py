"""Plots people look at: loss and statistics curves from metrics.csv rows."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402

from couturier.fileio import atomic_path  # noqa: E402


def plot_training_curves(rows: Sequence[dict], path: str | Path, title: str = "") -> None:
    """Losses, D outputs and gradient norms against step, one panel each."""
    if not rows:
        return
    steps = [r["step"] for r in rows]
    panels = [
        ("loss", ("loss_d", "loss_g")),
        ("D output", ("d_real", "d_fake")),
        ("gradient norm", ("grad_norm_d", "grad_norm_g")),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2))
    for ax, (label, keys) in zip(axes, panels):
        for key in keys:
            ax.plot(steps, [r[key] for r in rows], label=key, linewidth=1.2)
        ax.set_xlabel("step")
        ax.set_title(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)


def plot_metric_bars(rows: Sequence[dict], metrics: Sequence[str], path: str | Path) -> None:
    """One small bar chart per metric, one bar per run: runs side by side at a glance."""
    columns = min(4, len(metrics))
    grid_rows = -(-len(metrics) // columns)
    fig, axes = plt.subplots(grid_rows, columns, figsize=(3.4 * columns, 2.6 * grid_rows), squeeze=False)
    names = [r["run"] for r in rows]
    for ax, metric in zip(axes.flat, metrics):
        ax.bar(range(len(rows)), [r[metric] for r in rows], color=plt.cm.tab10.colors[:len(rows)])
        ax.set_title(metric, fontsize=9)
        ax.set_xticks(range(len(rows)), names, rotation=30, ha="right", fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
