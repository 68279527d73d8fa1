"""Sample quality at a fixed wall-clock budget: train each model for M minutes, then
write a 5x10 grid per model (same seed) and one side-by-side panel into docs/.

    python benchmarks/quality.py --minutes 10 --models mlp,dcgan,sngan [--conditional] [--threads 2]
    python benchmarks/quality.py --minutes 60 --models mlp,sngan --panel-only   # re-draw from finished runs

Runs go to runs/bench/<model>[-cond]-<M>min; the figures to docs/grids/.
"""
from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from couturier.presets import build_config  # noqa: E402
from couturier.data.images import make_grid  # noqa: E402
from couturier.fileio import atomic_path, write_text  # noqa: E402
from couturier.sampling import load_generator, sample  # noqa: E402
from couturier.train import Trainer  # noqa: E402


def run_name(model: str, conditional: bool, minutes: float) -> str:
    return f"{model}{'-cond' if conditional else ''}-{minutes:g}min"


# Evaluate about ten times in a 10-minute run (the mlp takes ~100k steps in 10 minutes, sngan ~8k).
EVAL_EVERY_10MIN = {"mlp": 10000, "dcgan": 600, "sngan": 800}


def train(model: str, conditional: bool, minutes: float, threads: int, root: Path, eval_every: int | None) -> None:
    if eval_every is None:
        eval_every = round(EVAL_EVERY_10MIN.get(model, 1000) * max(1.0, minutes / 10) / 100) * 100
    cfg = build_config({"model": {"name": model, "conditional": conditional},
                        "train": {"minutes": minutes, "steps": None, "threads": threads, "seed": 0,
                                  "eval_every": eval_every}})
    Trainer(cfg, root / run_name(model, conditional, minutes)).fit()


def grid_of(run: Path) -> tuple[np.ndarray, dict]:
    generator = load_generator(run)
    images, _ = sample(generator, n=50, seed=0)
    with (run / "metrics.csv").open(newline="") as fh:
        last = [row for row in csv.DictReader(fh) if row["loss_d"]][-1]  # evaluation-only rows have no losses
    info = {"step": generator.step, "images_seen": generator.step * generator.config.train.batch_size,
            "elapsed_s": float(last["elapsed_s"]), "loss_d": float(last["loss_d"]), "loss_g": float(last["loss_g"])}
    return np.asarray(make_grid(images, columns=10)), info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--models", default="mlp,dcgan,sngan")
    parser.add_argument("--conditional", action="store_true")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--eval-every", type=int, help="steps between evaluations (default: ~10 per run)")
    parser.add_argument("--root", default="runs/bench")
    parser.add_argument("--docs", default="docs/grids")
    parser.add_argument("--panel-only", action="store_true", help="skip training; draw from finished runs")
    args = parser.parse_args()
    root, docs = Path(args.root), Path(args.docs)
    models = args.models.split(",")
    if not args.panel_only:
        for model in models:
            train(model, args.conditional, args.minutes, args.threads, root, args.eval_every)

    fig, axes = plt.subplots(1, len(models), figsize=(4.6 * len(models), 2.8))
    summary = {}
    for ax, model in zip(np.atleast_1d(axes), models):
        name = run_name(model, args.conditional, args.minutes)
        grid, info = grid_of(root / name)
        summary[name] = info
        big = np.kron(grid, np.ones((2, 2), dtype=grid.dtype))  # 2x, nearest: pixels stay pixels
        with atomic_path(docs / f"{name}.png") as tmp:
            plt.imsave(tmp, big, cmap="gray", vmin=0, vmax=255, format="png")
        ax.imshow(grid, cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"{model}: {info['step']} steps, {info['images_seen'] // 1000}k images", fontsize=9)
        ax.axis("off")
    fig.suptitle(f"{args.minutes:g} minutes of CPU training{' (conditional)' if args.conditional else ''}, seed 0")
    fig.tight_layout()
    panel = docs / f"panel{'-cond' if args.conditional else ''}-{args.minutes:g}min.png"
    with atomic_path(panel) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    summary["date"] = time.strftime("%Y-%m-%d")
    write_text(panel.with_suffix(".json"), json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    print(f"panel: {panel}")


if __name__ == "__main__":
    main()
