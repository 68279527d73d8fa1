"""Metrics by name, one file each: a metric judges samples in a feature space against a reference.

`judge` runs the registered metrics over one `Judgement`; `couturier.metrics.evaluate` (the CLI
table, `--save`), the training monitor and the curves all go through it, so they compute the
same numbers. A new metric is one new file in this package:

    @register_metric("mean_brightness", columns=("mean_brightness",))
    def mean_brightness(j: Judgement) -> dict:
        return {"mean_brightness": float(j.images.mean() / 255)}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from couturier.metrics.distances import mean_and_covariance
from couturier.registry import Registry


@dataclass
class Reference:
    """Real images' features (and, from a classifier, class probabilities), computed once and reused."""
    name: str
    features: np.ndarray
    probs: np.ndarray | None = None
    _stats: tuple | None = field(default=None, repr=False)
    _subsets: dict = field(default_factory=dict, repr=False)

    @property
    def stats(self) -> tuple[np.ndarray, np.ndarray]:
        if self._stats is None:
            self._stats = mean_and_covariance(self.features)
        return self._stats

    def subset(self, n: int, seed: int) -> np.ndarray:
        """n reference rows drawn with a seed (PRDC compares sets of equal size)."""
        if n >= len(self.features):
            return self.features
        if (n, seed) not in self._subsets:
            rng = np.random.default_rng(seed)
            self._subsets[(n, seed)] = self.features[rng.choice(len(self.features), n, replace=False)]
        return self._subsets[(n, seed)]


@dataclass
class Judgement:
    """What a metric sees: the samples, their features and class probabilities, the reference,
    the classes asked for (conditional runs), a seed, and anything else a metric needs by name
    (e.g. `training_images` for memorisation, `attributes` for attribute match)."""
    images: np.ndarray
    features: np.ndarray
    reference: Reference
    probs: np.ndarray | None = None
    requested: np.ndarray | None = None
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metric:
    name: str
    compute: Callable[[Judgement], dict]
    columns: tuple[str, ...]  # the values it reports, in table order
    applies: Callable[[Judgement], bool]  # whether the judgement holds what it needs
    order: int = 100  # place in tables: fidelity first, then diversity, classes, copying


METRICS: Registry[Metric] = Registry("metric", package="couturier.metrics")


def register_metric(name: str, columns: tuple[str, ...], applies: Callable[[Judgement], bool] = lambda j: True,
                    order: int = 100) -> Callable:
    def decorator(compute: Callable[[Judgement], dict]) -> Callable[[Judgement], dict]:
        METRICS.register(name)(Metric(name, compute, columns, applies, order))
        return compute

    return decorator


def metric_names() -> list[str]:
    """Every registered metric, in table order."""
    return sorted(METRICS.names(), key=lambda name: (METRICS.get(name).order, name))


def table_columns(names: list[str] | None = None) -> list[str]:
    """The values the given metrics (default: all) report, in registry order."""
    return [c for name in (names or metric_names()) for c in METRICS.get(name).columns]


def judge(judgement: Judgement, names: list[str] | None = None) -> dict:
    """Every named metric (default: all registered) that applies to this judgement."""
    results: dict = {}
    for name in names or metric_names():
        metric = METRICS.get(name)
        if metric.applies(judgement):
            results.update(metric.compute(judgement))
    return results
