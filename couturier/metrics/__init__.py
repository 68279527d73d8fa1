"""Judging samples: a registry with one file per metric (fid.py, kid.py, prdc.py, classes.py,
memorisation.py, attribute_match.py), the feature networks (features.py, inception.py), the
distances they share (distances.py), one entry point (evaluate.py) and evaluation during training
(monitor.py)."""
from couturier.metrics.distances import (frechet_distance, kernel_inception_distance, mean_and_covariance,
                                         precision_recall_density_coverage)
from couturier.metrics.evaluate import evaluate
from couturier.metrics.features import FeatureNet, load_feature_net
from couturier.metrics.registry import Judgement, Reference, judge, metric_names, register_metric

__all__ = ["frechet_distance", "kernel_inception_distance", "mean_and_covariance",
           "precision_recall_density_coverage", "evaluate", "FeatureNet", "load_feature_net",
           "Judgement", "Reference", "judge", "metric_names", "register_metric"]
