"""Every metric for finished benchmark runs, beside the real-data floor, as one Markdown table.

    python benchmarks/evaluate_runs.py runs/bench/mlp-10min runs/bench/sngan-cond-60min ... [--n 10000]

Each run is judged like `couturier evaluate RUN --save` (10,000 samples against the test split,
classes balanced for conditional runs); evaluation.json and nearest_neighbours.png land in the
run, the table in docs/evaluation.json. The floor row comes from benchmarks/calibrate.py's
docs/calibration.json. Also times one evaluation of 10,000 samples with cached references.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from couturier.fileio import write_text
from couturier.metrics.evaluate import evaluate
from couturier.samples import load_samples, save_evaluation
from couturier.metrics.features import load_feature_net

COLUMNS = ("fid", "kid_mean", "precision", "recall", "density", "coverage", "class_entropy",
           "class_consistency", "memorisation_share")


def row(name: str, r: dict) -> str:
    cells = [f"{r[c]:.3g}" if isinstance(r.get(c), float) and c in ("fid", "kid_mean")
             else (f"{r[c]:.3f}" if c in r else "—") for c in COLUMNS]
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--calibration", default="docs/calibration.json")
    parser.add_argument("--out", default="docs/evaluation.json")
    args = parser.parse_args()
    net = load_feature_net("fashion")
    results, timings = {}, []
    for run in args.runs:
        start = time.perf_counter()
        samples = load_samples(run, args.n)
        images, requested = samples.images, samples.requested
        results[Path(run).name] = evaluate(images, net, requested=requested)
        timings.append(time.perf_counter() - start)
        save_evaluation(run, images, results[Path(run).name])
        print(f"{run}: {timings[-1]:.1f} s (sampling included)", flush=True)
    lines = ["| samples | " + " | ".join(COLUMNS) + " |", "|" + "---|" * (len(COLUMNS) + 1)]
    calibration = Path(args.calibration)
    if calibration.is_file():
        lines.append(row("real training images (floor)", json.loads(calibration.read_text())["floor"]))
    lines += [row(name, r) for name, r in results.items()]
    table = "\n".join(lines)
    for r in results.values():
        r.pop("closest_pairs", None)
    write_text(Path(args.out), json.dumps({"runs": results, "seconds_per_evaluation": timings,
                                           "date": time.strftime("%Y-%m-%d")}, indent=2))
    print(table)
    print(f"evaluation time per run (10,000 samples, references cached): min {min(timings):.1f} s")


if __name__ == "__main__":
    main()
