"""Precision, recall (Kynkaanniemi et al. 2019), density and coverage (Naeem et al. 2020)."""
from couturier.metrics.distances import precision_recall_density_coverage
from couturier.metrics.registry import Judgement, register_metric


@register_metric("prdc", columns=("precision", "recall", "density", "coverage"), order=30)
def prdc(j: Judgement) -> dict:
    n = min(len(j.features), len(j.reference.features))  # sets of equal size
    return precision_recall_density_coverage(j.reference.subset(n, j.seed), j.features[:n])
