"""Judging samples: distances between feature distributions (more to come: the shipped
Fashion-MNIST feature network and `couturier evaluate`)."""
from couturier.metrics.distances import (frechet_distance, kernel_inception_distance, mean_and_covariance,
                                         precision_recall_density_coverage)

__all__ = ["frechet_distance", "kernel_inception_distance", "mean_and_covariance",
           "precision_recall_density_coverage"]
