"""The text-to-image collapse alarm on finished runs: what `--eval-every` would have logged.

    python benchmarks/variety_alarm.py --spreads 0,0.5 runs/bench/t2i-cmp/projected-lr4e4-sentence-64px-w16-30min

For each run (its last checkpoint) and each code spread, the training monitor
(couturier.text2image.monitor) draws 8 seeds of its 32 fixed catalogue descriptions and
prints both variety ratios against the real photos of those descriptions: the distance to the
group's centre and the typical pair, which the alarm watches (alarm level VARIETY_ALARM).
Sampled at spread 0 a G that ignores z draws one garment per description: a known collapse.
"""
from __future__ import annotations

import argparse

import torch

from couturier.metrics.variety import VARIETY_ALARM
from couturier.sampling import load_generator
from couturier.text2image.data import catalogue_texts
from couturier.text2image.monitor import TextMonitor


def monitor_for(loaded) -> TextMonitor:
    """The monitor the trainer builds: the run's catalogue texts (varied as in training) and photos."""
    catalogue, texts = catalogue_texts(loaded.config.data, progress=False)
    return TextMonitor(tuple(texts), torch.from_numpy(catalogue.images), loaded.model.prompt_condition,
                       seed=loaded.config.train.seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="text-to-image run folders")
    parser.add_argument("--spreads", default="0,0.5", help="comma-separated code spreads to sample with")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    try:
        spreads = [float(s) for s in args.spreads.split(",")]
    except ValueError:
        parser.error(f"--spreads takes numbers between 0 and 1, comma-separated (got {args.spreads!r})")
    if not all(0 <= s <= 1 for s in spreads):
        parser.error(f"--spreads takes numbers between 0 and 1 (got {args.spreads!r})")
    torch.set_num_threads(args.threads)
    print(f"alarm: typical-pair ratio < {VARIETY_ALARM}")
    print("| run | step | code spread | distance to the centre: ratio | typical pair: ratio | alarm |")
    print("|---|---|---|---|---|---|")
    for run in args.runs:
        loaded = load_generator(run)
        if not loaded.reads_prompts:
            parser.error(f"{run} is not a text-to-image run: its generator reads no descriptions")
        monitor = monitor_for(loaded)
        for spread in spreads:
            loaded.generator.code_spread = spread
            results = monitor.evaluate(*monitor.samples(loaded.generator, loaded.config.model.z_dim, None, "cpu"))
            monitor.previous = None  # each line is its own first evaluation: the level alone
            low = results["variety_typical_ratio"] < VARIETY_ALARM
            print(f"| {run.rstrip('/').split('/')[-1]} | {loaded.step} | {spread:g} | {results['variety_ratio']:.2f} "
                  f"| {results['variety_typical_ratio']:.2f} | {'under' if low else '-'} |", flush=True)


if __name__ == "__main__":
    main()
