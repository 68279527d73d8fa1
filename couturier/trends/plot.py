"""The forecast drawn: each value's share over time, the forecast dashed with its interval shaded."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps

from couturier.trends.forecast import Backtest, GroupForecast
from couturier.trends.history import OTHER
from couturier.viz import new_figure, save_figure

SHOWN = 6  # values drawn per panel: more lines than this is a tangle nobody reads


def _years(periods, per_year: int) -> np.ndarray:
    return np.array([p.index / per_year for p in periods])


def plot_forecast(forecasts: list[GroupForecast], path: str | Path, title: str = "") -> None:
    """One panel per group: history as solid lines (thin periods as hollow dots, not joined),
    the forecast as dashed lines from the last solid period, intervals shaded."""
    fig, axes = new_figure(len(forecasts), 1, (10, 0.6 + 4.0 * len(forecasts)), squeeze=False)
    palette = colormaps["tab10"]
    for ax, fc in zip(axes[:, 0], forecasts):
        history, per_year = fc.history, fc.history.per_year
        solid = history.solid()
        shown = [k for k, _ in sorted(enumerate(fc.shares[0]), key=lambda kv: -kv[1])
                 if history.values[k] != OTHER][:SHOWN]
        x_solid, x_all = _years(solid.periods, per_year), _years(history.periods, per_year)
        x_future = _years(fc.periods, per_year)
        for colour, k in enumerate(shown):
            c = palette(colour % 10)
            ax.plot(x_solid, solid.shares[:, k] * 100, "o-", color=c, markersize=3, linewidth=1.4,
                    label=history.values[k])
            thin = history.thin
            ax.plot(x_all[thin], history.shares[thin, k] * 100, "o", color=c, markersize=4,
                    markerfacecolor="none", alpha=0.6)
            ax.plot(np.r_[x_solid[-1], x_future], np.r_[solid.shares[-1, k], fc.shares[:, k]] * 100, "--",
                    color=c, linewidth=1.6)
            if not np.isnan(fc.low[:, k]).any():
                ax.fill_between(x_future, fc.low[:, k] * 100, fc.high[:, k] * 100, color=c, alpha=0.15)
        ax.axvspan(x_solid[-1], x_future[-1] + 0.1, color="0.92", zorder=0)
        group = f"{history.group}: " if history.group else ""
        ax.set_title(f"{group}forecast by {fc.method} (hollow: periods with too few rows, not used)", fontsize=10)
        ax.set_ylabel("share (%)")
        ax.set_xlabel("year")
        ax.legend(fontsize=8, ncol=2, loc="upper left")
        ax.grid(alpha=0.3)
    save_figure(fig, path, title)


def plot_backtest(forecasts: list[GroupForecast], path: str | Path, title: str = "") -> None:
    """Backtest error of each method, per group, the method forecast with in colour: the bar to
    beat is the lowest naive one."""
    fig, axes = new_figure(1, 1, (7, 0.9 + 0.5 * len(forecasts) * 4), squeeze=False)
    ax = axes[0, 0]
    labels, errors, colours = [], [], []
    for fc in forecasts:
        tests: list[Backtest] = sorted((t for t in fc.backtests if t.origins), key=lambda t: t.mae)
        for t in tests:
            used = t.method == fc.method
            labels.append(f"{fc.history.group + ': ' if fc.history.group else ''}{t.method}{' (used)' if used else ''}")
            errors.append(t.mae * 100)
            colours.append("tab:blue" if used else "0.6")
    y = np.arange(len(labels))[::-1]
    ax.barh(y, errors, color=colours)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("mean absolute share error (points of %), rolling-origin backtest")
    ax.grid(axis="x", alpha=0.3)
    save_figure(fig, path, title)
