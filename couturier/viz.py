"""Plots people look at: loss and statistics curves from metrics.csv rows."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from matplotlib import colormaps
from matplotlib.figure import Figure

from couturier.fileio import atomic_path

# Figures are built with matplotlib's object API (Figure, not pyplot): they render to files with
# the Agg canvas and never touch the process-wide backend, so importing this module changes
# nothing for a user's own plots.


def new_figure(rows: int, columns: int, figsize: tuple[float, float], squeeze: bool = True):
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(rows, columns, squeeze=squeeze)


def save_figure(fig, path: str | Path, title: str = "") -> None:
    """Lay out, write atomically as PNG, and free the figure."""
    if title:
        fig.suptitle(title)
    # a strip of 0.4 inch kept for the title: tight_layout alone lets tall figures' captions run into it
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / fig.get_figheight()) if title else None)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100, format="png")


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
    fig, axes = new_figure(1, len(panels), (4.2 * len(panels), 3.2))
    for ax, (label, keys) in zip(axes, panels):
        for key in keys:
            ax.plot(steps, [r.get(key, float("nan")) for r in rows], label=key, linewidth=1.2)
        ax.set_xlabel("step")
        ax.set_title(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    save_figure(fig, path, title)


def plot_metric_curves(rows: Sequence[dict], path: str | Path, title: str = "",
                       alarms: dict[str, float] | None = None) -> None:
    """Evaluation metrics against step: FID (log scale), the four set metrics, class statistics.
    Dotted lines mark `alarms` (metric -> level), e.g. the mode-collapse alarms."""
    alarms = alarms or {}
    if not rows:
        return
    steps = [r["step"] for r in rows]
    if "fid" not in rows[-1]:  # a text-to-image run: variety across seeds is what is watched
        fig, axes = new_figure(1, 1, (5.4, 3.2), squeeze=False)
        ax = axes[0, 0]
        if "variety_typical_ratio" in rows[-1]:
            ax.plot(steps, [r.get("variety_typical_ratio", float("nan")) for r in rows], marker="o", markersize=3,
                    label="typical pair of seeds / of real photos")
        ax.plot(steps, [r["variety_ratio"] for r in rows], marker="o", markersize=3, alpha=0.6,
                label="distance to the centre, seeds / real photos")
        if "variety_typical_ratio" in alarms:
            ax.axhline(alarms["variety_typical_ratio"], color="grey", linestyle=":", linewidth=1,
                       label="collapse alarm (typical pair)")
        ax.set_title("variety across seeds of one description")
        ax.set_xlabel("step")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        save_figure(fig, path, title)
        return
    fig, axes = new_figure(1, 3, (12.6, 3.2))
    axes[0].plot(steps, [r["fid"] for r in rows], marker="o", markersize=3)
    axes[0].set_yscale("log")
    axes[0].set_title("FID (lower is better)")
    for key in ("precision", "recall", "density", "coverage"):
        axes[1].plot(steps, [r[key] for r in rows], marker="o", markersize=3, label=key)
    if "coverage" in alarms:
        axes[1].axhline(alarms["coverage"], color="grey", linestyle=":", linewidth=1)
    axes[1].set_title("fidelity and diversity")
    for key in ("class_entropy", "class_consistency", "largest_class_share"):
        if key in rows[-1]:
            axes[2].plot(steps, [r.get(key, float("nan")) for r in rows], marker="o", markersize=3, label=key)
    if "class_entropy" in alarms:
        axes[2].axhline(alarms["class_entropy"], color="grey", linestyle=":", linewidth=1)
    axes[2].set_ylim(0, 1.05)
    axes[2].set_title("classes")
    for ax in axes:
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    for ax in axes[1:]:
        ax.legend(fontsize=8)
    save_figure(fig, path, title)


def plot_nearest_neighbours(samples, neighbours, distances, threshold: float, path: str | Path) -> None:
    """The samples closest to a training image (top) above that image (bottom). Distances under
    the memorisation threshold are red: those samples are likely copies."""
    columns = len(samples)
    fig, axes = new_figure(2, columns, (1.2 * columns, 2.9), squeeze=False)
    for i in range(columns):
        for row, image in ((0, samples[i]), (1, neighbours[i])):
            axes[row, i].imshow(image, cmap="gray", vmin=0, vmax=255)
            axes[row, i].set_xticks([])
            axes[row, i].set_yticks([])
        axes[0, i].set_title(f"{distances[i]:.2f}", fontsize=8, color="red" if distances[i] < threshold else "black")
    axes[0, 0].set_ylabel("sample", fontsize=8)
    axes[1, 0].set_ylabel("nearest\ntraining", fontsize=8)
    fig.suptitle(f"Closest pairs (pixel L2; copies are below {threshold:.2f}, red)", fontsize=9)
    save_figure(fig, path)


def plot_metric_bars(rows: Sequence[dict], metrics: Sequence[str], path: str | Path) -> None:
    """One small bar chart per metric, one bar per run: runs side by side at a glance."""
    columns = min(4, len(metrics))
    grid_rows = -(-len(metrics) // columns)
    fig, axes = new_figure(grid_rows, columns, (3.4 * columns, 2.6 * grid_rows), squeeze=False)
    names = [r["run"] for r in rows]
    for ax, metric in zip(axes.flat, metrics):
        ax.bar(range(len(rows)), [r[metric] for r in rows], color=colormaps["tab10"].colors[:len(rows)])
        ax.set_title(metric, fontsize=9)
        ax.set_xticks(range(len(rows)), names, rotation=30, ha="right", fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    save_figure(fig, path)


def plot_panel(pictures: Sequence[tuple[str, object]], path: str | Path, title: str = "") -> None:
    """Before/after: pictures (PIL images or HxWx3 arrays) side by side, each under its caption."""
    fig, axes = new_figure(1, len(pictures), (3.6 * len(pictures), 3.9))
    for ax, (caption, picture) in zip(axes, pictures):
        ax.imshow(picture)
        ax.set_title(caption, fontsize=10)
        ax.axis("off")
    save_figure(fig, path, title)
