"""Evaluation during training: every N steps, judge G's samples and watch for mode collapse.

The alarms come from benchmarks/calibrate.py (BENCHMARKS.md, "Calibration: each metric on known
sets"): real images score near 1 on class entropy, density and coverage; images of one class score
near 0 on entropy; a few images tiled many times keep entropy but lose coverage at full density.
Entropy catches collapse onto a few classes; coverage catches collapse onto a few images, but only
while density says the samples look real: blurred real images also cover little, at a low density,
which is poor fidelity, not collapse. And both alarms need the measure to have stopped rising: a
healthy conditional sngan starts below both and climbs past them within a few thousand steps,
while mlp's entropy falls as it collapses onto tops (BENCHMARKS.md, "The mode-collapse alarm
during training").
"""
from __future__ import annotations

import numpy as np
import torch

from couturier.data.images import to_uint8
from couturier.errors import ConfigError
from couturier.metrics.evaluate import reference
from couturier.metrics.features import load_feature_net
from couturier.metrics.registry import Judgement, judge
from couturier.metrics.variety import VARIETY_ALARM
from couturier.registry import Registry

# Monitors by name: a model names the one that judges it during training (GAN.monitor); each
# registers itself where it is defined, as a class with `check(cfg)` (before any data is loaded)
# and `create(cfg, dataset, model)`.
MONITORS: Registry[type] = Registry("training monitor", field="train.eval_every")

# what an evaluation during training computes: the same code as `evaluate`, less memorisation
MONITOR_METRICS = ["fid", "kid", "prdc", "classes"]

ENTROPY_ALARM = 0.90  # normalised class entropy below this: a class or more has (nearly) vanished
COVERAGE_ALARM = 0.30  # coverage below this while density is at least DENSITY_REALISTIC: few distinct images
DENSITY_REALISTIC = 0.5
ALARMS = {"class_entropy": ENTROPY_ALARM, "coverage": COVERAGE_ALARM,  # dotted lines on the curves
          "variety_typical_ratio": VARIETY_ALARM}

EVAL_COLUMNS = ("fid", "kid_mean", "precision", "recall", "density", "coverage", "class_entropy",
                "largest_class_share", "class_consistency", "variety", "variety_real", "variety_ratio", "variety_typical",
                "variety_typical_real", "variety_typical_ratio", "collapse")


RISING = 0.01  # a measure that gained more than this since the last evaluation is recovering


def collapse_warning(results: dict, previous: dict | None = None) -> str:
    """'' when healthy, else the reason in a few words.

    A measure under its alarm counts only while it is not rising: early in training class
    entropy and coverage start low and climb (a young generator is not a collapsed one), while
    collapse shows as a fall, or as a low value that stays put. With no previous evaluation
    there is no trend yet, so the first evaluation never warns."""
    if previous is None:
        return ""
    reasons = []
    entropy, coverage = results["class_entropy"], results["coverage"]
    if entropy < ENTROPY_ALARM and entropy <= previous["class_entropy"] + RISING:
        reasons.append(f"class entropy {entropy:.2f} < {ENTROPY_ALARM}")
    if coverage < COVERAGE_ALARM and results["density"] >= DENSITY_REALISTIC \
            and coverage <= previous["coverage"] + RISING:
        reasons.append(f"coverage {coverage:.2f} < {COVERAGE_ALARM} at density {results['density']:.2f}")
    return "mode collapse? " + ", ".join(reasons) if reasons else ""


@MONITORS.register("fashion-mnist")
class TrainingMonitor:
    """Holds the feature network and the reference statistics so each evaluation costs only
    sampling, feature extraction and the distances (about 10 s for 10,000 samples on 2 cores)."""

    @classmethod
    def check(cls, cfg) -> None:
        cls.check_data(cfg.data)

    @classmethod
    def create(cls, cfg, dataset, model) -> "TrainingMonitor":
        return cls(cfg.train.eval_n, seed=cfg.train.seed, data_dir=cfg.data.data_dir)

    def __init__(self, n: int = 10000, ref: str = "test", seed: int = 0, data_dir=None):
        self.net = load_feature_net("fashion")
        self.n, self.seed = n, seed
        self.reference = reference(self.net, ref, data_dir)  # features and their statistics, kept
        self.best_fid = float("inf")
        self.previous: dict | None = None  # the last evaluation, for the collapse alarm's trend

    @staticmethod
    def summary(results: dict) -> str:
        return (f"FID {results['fid']:.1f}, density {results['density']:.2f}, coverage {results['coverage']:.2f}, "
                f"class entropy {results['class_entropy']:.3f}")

    @staticmethod
    def check_data(data) -> None:
        """The feature network and the reference split are Fashion-MNIST's."""
        if data.dataset != "fashion-mnist":
            raise ConfigError("train.eval_every judges samples against Fashion-MNIST's test split; it works only "
                              f"with data.dataset 'fashion-mnist' (this run trains on {data.dataset}); set it to 0",
                              field="train.eval_every")

    @torch.no_grad()
    def samples(self, generator: torch.nn.Module, z_dim: int, num_classes: int | None,
                device: torch.device) -> tuple[np.ndarray, np.ndarray | None]:
        """The same noise every time (its own RNG), so curves move only because G moved."""
        rng = torch.Generator().manual_seed(self.seed)
        z = torch.randn(self.n, z_dim, generator=rng)
        labels = torch.arange(self.n) % num_classes if num_classes else None
        images = []
        was_training = generator.training
        generator.eval()
        for start in range(0, self.n, 500):
            y = labels[start:start + 500].to(device) if labels is not None else None
            images.append(to_uint8(generator(z[start:start + 500].to(device), y)))
        generator.train(was_training)
        return np.concatenate(images), (labels.numpy() if labels is not None else None)

    def evaluate(self, images: np.ndarray, requested: np.ndarray | None) -> dict:
        features, probs = self.net.extract(images)
        results = judge(Judgement(images, features, self.reference, probs, requested, self.seed), MONITOR_METRICS)
        warning = collapse_warning(results, self.previous)
        self.previous = results
        results["collapse"] = 1.0 if warning else 0.0
        results["warning"] = warning
        results["is_best"] = results["fid"] < self.best_fid
        self.best_fid = min(self.best_fid, results["fid"])
        return results
