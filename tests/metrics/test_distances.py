"""metrics/test_distances.py"""
import numpy as np
import pytest

from couturier.metrics import (
    frechet_distance,
    kernel_inception_distance,
    mean_and_covariance,
    precision_recall_density_coverage,
)


def _gaussian(n, d, shift=0.0, scale=1.0, seed=0):
    return np.random.default_rng(seed).normal(shift, scale, (n, d))


def test_fid_matches_closed_form_for_gaussians():
    a, b = _gaussian(4000, 8, seed=1), _gaussian(4000, 8, seed=2)
    assert frechet_distance(*mean_and_covariance(a), *mean_and_covariance(b)) < 0.05
    # diagonal covariances: FID = ||dmu||^2 + sum (s1 - s2)^2 with s = standard deviations
    mu1, mu2 = np.zeros(3), np.array([1.0, 2.0, 0.0])
    s1, s2 = np.diag([1.0, 4.0, 9.0]), np.diag([4.0, 4.0, 1.0])
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(5.0 + 1.0 + 0.0 + 4.0)


def test_kid_is_unbiased_near_zero_and_grows_with_shift():
    a, b = _gaussian(1000, 16, seed=1), _gaussian(1000, 16, seed=2)
    same, _ = kernel_inception_distance(a, b, subsets=20, subset_size=500)
    shifted, std = kernel_inception_distance(a, _gaussian(1000, 16, shift=0.5, seed=3), subsets=20, subset_size=500)
    assert abs(same) < 0.01 and shifted > 10 * max(abs(same), 1e-3) and std >= 0


def test_prdc_on_identical_and_disjoint_sets():
    real = _gaussian(500, 4, seed=1)
    same = precision_recall_density_coverage(real, real.copy())
    assert same["precision"] == 1.0 and same["recall"] == 1.0 and same["coverage"] == 1.0
    assert same["density"] >= 1.0
    far = precision_recall_density_coverage(real, _gaussian(500, 4, shift=50.0, seed=2))
    assert far == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_collapsed_fakes_have_precision_but_no_coverage():
    real = _gaussian(1000, 4, seed=1)
    collapsed = real[:5].repeat(200, axis=0)  # 1000 copies of 5 real points
    scores = precision_recall_density_coverage(real, collapsed)
    assert scores["precision"] == 1.0
    assert scores["coverage"] < 0.05 and scores["recall"] < 0.05

