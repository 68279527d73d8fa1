"""Judging samples: distances between feature distributions (distances.py), the feature
networks (features.py, inception.py), one entry point for every metric (evaluate.py) and
evaluation during training (monitor.py)."""
from couturier.metrics.distances import (frechet_distance, kernel_inception_distance, mean_and_covariance,
                                         precision_recall_density_coverage)
from couturier.metrics.evaluate import evaluate, load_samples, save_evaluation
from couturier.metrics.features import FeatureNet, load_feature_net

__all__ = ["frechet_distance", "kernel_inception_distance", "mean_and_covariance",
           "precision_recall_density_coverage", "evaluate", "load_samples", "save_evaluation",
           "FeatureNet", "load_feature_net"]
