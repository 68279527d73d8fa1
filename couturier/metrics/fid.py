"""Frechet distance between the sample and reference feature distributions (Heusel et al. 2017)."""
from couturier.metrics.distances import frechet_distance, mean_and_covariance
from couturier.metrics.registry import Judgement, register_metric


@register_metric("fid", columns=("fid",), order=10)
def fid(j: Judgement) -> dict:
    return {"fid": frechet_distance(*mean_and_covariance(j.features), *j.reference.stats)}
