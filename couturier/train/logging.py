"""Run-folder logging: metrics.csv (rewritten atomically), sample grids, curves."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from couturier.fileio import write_text
from couturier.viz import plot_training_curves

COLUMNS = ("step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
           "images_per_s", "elapsed_s")


class MetricsLog:
    def __init__(self, run_dir: Path, title: str = ""):
        self.path = run_dir / "metrics.csv"
        self.curves_path = run_dir / "loss_curves.png"
        self.title = title
        self.rows: list[dict] = []

    def load(self, up_to_step: int) -> None:
        """Reload rows from a previous run, dropping any logged after the checkpoint resumed from."""
        if not self.path.is_file():
            return
        with self.path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                parsed = {k: float(v) for k, v in row.items() if k in COLUMNS and v != ""}
                parsed["step"] = int(parsed["step"])
                if parsed["step"] <= up_to_step:
                    self.rows.append(parsed)

    def append(self, row: dict) -> None:
        self.rows.append(row)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows)
        write_text(self.path, buffer.getvalue())

    def plot(self) -> None:
        plot_training_curves(self.rows, self.curves_path, self.title)
