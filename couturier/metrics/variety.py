"""Variety: do different seeds give different garments of one description? The mean distance of
samples to their group's centre in feature space, where a group is the samples asked for with the
same attributes (colour, article type, gender...), beside the same spread among real photos that
share those attributes. A generator that ignores its noise scores near 0; real photos set the
scale, and `variety_ratio` compares the two.

Needs `extra["groups"]` (a group id per sample) and, for the real scale, `extra["reference_groups"]`
(a group id per reference image); groups with fewer than two members are left out.
"""
from __future__ import annotations

import numpy as np

from couturier.metrics.registry import Judgement, register_metric

# Two seeds of a description (or a class) typically differ less than 0.4 times as much as two
# photos of it: the collapse alarm of a monitor that watches variety. Where it was set from:
# BENCHMARKS.md, "The mode-collapse alarm during training" (benchmarks/variety_alarm.py).
VARIETY_ALARM = 0.40


def ratio_to_real(value: float, real: float) -> float:
    """Generated over real; NaN when the real photos give no scale (one photo a group, or all alike)."""
    return value / real if real > 0 else float("nan")


def within_group_spread(features: np.ndarray, groups: np.ndarray) -> float:
    """Mean over groups (two members or more) of the mean distance to the group's centre."""
    spreads = []
    for group in np.unique(groups):
        members = features[groups == group]
        if len(members) >= 2:
            spreads.append(float(np.linalg.norm(members - members.mean(axis=0), axis=1).mean()))
    return float(np.mean(spreads)) if spreads else float("nan")


def typical_pair_distance(features: np.ndarray, groups: np.ndarray) -> float:
    """Mean over groups (two members or more) of the median distance between two members. One
    broken seed among eight moves the centre and every distance to it, but only 7 of 28 pairs:
    a generator that draws one garment and, for some seeds, a broken picture scores near 0 here
    while `within_group_spread` counts the broken picture as variety."""
    typical = []
    for group in np.unique(groups):
        members = features[groups == group]
        if len(members) >= 2:
            first, second = np.triu_indices(len(members), k=1)
            typical.append(float(np.median(np.linalg.norm(members[first] - members[second], axis=1))))
    return float(np.mean(typical)) if typical else float("nan")


@register_metric("variety", columns=("variety", "variety_real", "variety_ratio"),
                 applies=lambda j: "groups" in j.extra, order=35)
def variety(j: Judgement) -> dict:
    spread = within_group_spread(j.features, np.asarray(j.extra["groups"]))
    real = float("nan")
    if "reference_groups" in j.extra:
        real = within_group_spread(j.reference.features, np.asarray(j.extra["reference_groups"]))
    return {"variety": spread, "variety_real": real, "variety_ratio": ratio_to_real(spread, real)}


TYPICAL_CAP = 64  # members per group the typical pair is taken over: a look with 2,000 photos has 2 M pairs


def capped_typical_pair_distance(features: np.ndarray, groups: np.ndarray, cap: int = TYPICAL_CAP) -> float:
    """`typical_pair_distance` over at most `cap` members of each group, a seeded choice (the same
    every run)."""
    groups = np.asarray(groups)
    rng = np.random.default_rng(0)
    keep = np.sort(np.concatenate([rng.permutation(np.flatnonzero(groups == g))[:cap] for g in np.unique(groups)]))
    return typical_pair_distance(features[keep], groups[keep])


@register_metric("variety_typical", columns=("variety_typical", "variety_typical_real", "variety_typical_ratio"),
                 applies=lambda j: "groups" in j.extra, order=36)
def variety_typical(j: Judgement) -> dict:
    """The variety by typical pairs (`typical_pair_distance`), which one broken seed cannot raise."""
    spread = capped_typical_pair_distance(j.features, j.extra["groups"])
    real = float("nan")
    if "reference_groups" in j.extra:
        real = capped_typical_pair_distance(j.reference.features, j.extra["reference_groups"])
    return {"variety_typical": spread, "variety_typical_real": real,
            "variety_typical_ratio": ratio_to_real(spread, real)}
