"""Calibrate the evaluation metrics: score known sets of images so each metric's scale is clear.

    python benchmarks/calibrate.py [--n 10000] [--out docs/calibration.json]

Every set is judged against the Fashion-MNIST test split with the shipped feature network,
exactly as `couturier evaluate` judges a model's samples:

    floor      10,000 real training images (the best a generator can hope for)
    blur       the same, Gaussian blur sigma 1 pixel
    noise      the same, plus Gaussian noise sigma 0.1 (of the 0-1 range)
    one-class  10,000 images of a single class (Trouser: 6,000 training images and their mirror images)
    tiled-100  100 real training images, each repeated 100 times
    uniform    uniform noise

Writes the table as JSON and prints it as Markdown (pasted into BENCHMARKS.md and README.md).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import scipy.ndimage

from couturier.data.fashion_mnist import load_fashion_mnist
from couturier.fileio import write_text
from couturier.metrics.evaluate import evaluate
from couturier.metrics.features import load_feature_net

COLUMNS = ("fid", "kid_mean", "precision", "recall", "density", "coverage", "class_entropy",
           "largest_class_share", "classifier_score", "class_consistency", "memorisation_share")


def calibration_sets(n: int, seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The image sets, and the true classes of the floor set (for class consistency)."""
    rng = np.random.default_rng(seed)
    train, labels = load_fashion_mnist("train")
    chosen = rng.choice(len(train), n, replace=False)
    real = train[chosen]
    as_float = real.astype(np.float32) / 255.0
    blurred = scipy.ndimage.gaussian_filter(as_float, sigma=(0, 1, 1))
    noisy = np.clip(as_float + rng.normal(0, 0.1, as_float.shape), 0, 1)
    trousers = train[labels == 1]
    one_class = np.concatenate([trousers, trousers[:, :, ::-1]])[:n]
    hundred = train[rng.choice(len(train), 100, replace=False)]
    return ({
        "floor": real,
        "blur": np.round(blurred * 255).astype(np.uint8),
        "noise": np.round(noisy * 255).astype(np.uint8),
        "one-class": one_class,
        "tiled-100": np.tile(hundred, (n // 100, 1, 1)),
        "uniform": rng.integers(0, 256, real.shape, dtype=np.uint8),
    }, labels[chosen].astype(np.int64))


def markdown(results: dict[str, dict]) -> str:
    header = "| set | " + " | ".join(COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 1)]
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{r[c]:.4g}" if c in r else "" for c in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--out", default="docs/calibration.json")
    args = parser.parse_args()
    net = load_feature_net("fashion")
    results = {}
    sets, floor_labels = calibration_sets(args.n)
    for name, images in sets.items():
        start = time.perf_counter()
        requested = floor_labels if name in ("floor", "blur", "noise") else None
        results[name] = evaluate(images[:, None], net, "test", requested=requested)
        results[name].pop("closest_pairs")
        print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)
    write_text(Path(args.out), json.dumps(results, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
