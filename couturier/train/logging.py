"""Run-folder logging: metrics.csv (rewritten atomically), loss and metric curves.

metrics.csv has one row per logged step; rows at evaluation steps also carry the
evaluation columns (FID, coverage, ...), which are blank elsewhere.
"""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from tqdm import tqdm

from couturier.fileio import write_text
from couturier.metrics.monitor import ALARMS, EVAL_COLUMNS
from couturier.viz import plot_metric_curves, plot_training_curves

TRAIN_COLUMNS = ("step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
                 "images_per_s", "elapsed_s")
COLUMNS = TRAIN_COLUMNS + EVAL_COLUMNS


LOGGED = ("loss_d", "loss_g", "d_real", "d_fake")  # averaged over the steps between two rows


class LogWindow:
    """The steps since the last metrics.csv row: summed losses and D outputs, images and seconds.
    Checkpoints carry it, so the first row after a resume covers the same steps as it would have
    in an uninterrupted run."""

    def __init__(self, state: dict | None = None):
        state = state or {}
        self.sums = [float(v) for v in state.get("sums", [0.0] * len(LOGGED))]
        self.steps, self.images = int(state.get("steps", 0)), int(state.get("images", 0))
        self.started = time.perf_counter() - float(state.get("seconds", 0.0))

    def add(self, values: list[float], images: int) -> None:
        self.sums = [a + b for a, b in zip(self.sums, values)]
        self.steps += 1
        self.images += images

    def means(self) -> dict[str, float]:
        return {name: total / max(self.steps, 1) for name, total in zip(LOGGED, self.sums)}

    def images_per_s(self) -> float:
        return self.images / max(time.perf_counter() - self.started, 1e-9)

    def reset(self) -> None:
        self.__init__()

    def state(self) -> dict:
        return {"sums": self.sums, "steps": self.steps, "images": self.images,
                "seconds": time.perf_counter() - self.started}


class MetricsLog:
    def __init__(self, run_dir: Path, title: str = ""):
        self.path = run_dir / "metrics.csv"
        self.curves_path = run_dir / "loss_curves.png"
        self.metric_curves_path = run_dir / "metric_curves.png"
        self.title = title
        self.rows: list[dict] = []

    def load(self, up_to_step: int) -> None:
        """Reload rows from a previous run, dropping any logged after the checkpoint resumed from."""
        if not self.path.is_file():
            return
        with self.path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                parsed = {k: float(v) for k, v in row.items() if k in COLUMNS and v not in ("", None)}
                parsed["step"] = int(parsed["step"])
                if parsed["step"] <= up_to_step:
                    self.rows.append(parsed)

    def append(self, row: dict) -> None:
        self.rows.append(row)
        self._write()

    def record_evaluation(self, step: int, results: dict) -> None:
        """Add evaluation columns to this step's row (a new row when the step logged no losses)."""
        values = {k: round(float(results[k]), 5) for k in EVAL_COLUMNS if k in results}
        if self.rows and self.rows[-1]["step"] == step:
            self.rows[-1].update(values)
        else:
            self.rows.append({"step": step, **values})
        self._write()
        plot_metric_curves(self.evaluations(), self.metric_curves_path, self.title, ALARMS)

    def evaluations(self) -> list[dict]:
        return [r for r in self.rows if "fid" in r or "variety_ratio" in r]

    def best_fid(self) -> float:
        return min((r["fid"] for r in self.evaluations() if "fid" in r), default=float("inf"))

    def _write(self) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows)
        write_text(self.path, buffer.getvalue())

    def plot(self) -> None:
        plot_training_curves([r for r in self.rows if "loss_d" in r], self.curves_path, self.title)


def progress_bar(total_steps: int | None, budget_s: float | None, step: int, elapsed: float, enabled: bool) -> tqdm:
    """Steps done of the step budget, or seconds trained of the time budget."""
    if budget_s is None:
        return tqdm(total=total_steps, initial=step, unit="step", disable=not enabled, dynamic_ncols=True,
                    mininterval=0.5)
    return tqdm(total=round(budget_s), initial=round(elapsed), unit="s", disable=not enabled,
                mininterval=0.5, dynamic_ncols=True,
                bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f}s [{elapsed}<{remaining}{postfix}]")
