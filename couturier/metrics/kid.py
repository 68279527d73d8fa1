"""Kernel distance: unbiased MMD^2 with the cubic polynomial kernel over 50 subsets (Binkowski et al. 2018)."""
from couturier.metrics.distances import kernel_inception_distance
from couturier.metrics.registry import Judgement, register_metric

SUBSETS, SUBSET_SIZE = 50, 1000


@register_metric("kid", columns=("kid_mean", "kid_std"), order=20)
def kid(j: Judgement) -> dict:
    mean, std = kernel_inception_distance(j.reference.features, j.features, subsets=SUBSETS,
                                          subset_size=min(SUBSET_SIZE, len(j.features), len(j.reference.features)),
                                          seed=j.seed)
    return {"kid_mean": mean, "kid_std": std}
