"""Distribution distances between two sets of feature vectors: FID, KID, and
precision / recall / density / coverage.

Inputs are float arrays (N, D) of features from the same network. These are the
definitions of the papers, written out because the reference code of each is a
research script rather than a maintained library; scipy does the matrix square root.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg
import torch


def mean_and_covariance(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    features = np.asarray(features, dtype=np.float64)
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2) (Heusel et al., 2017)."""
    diff = mu1 - mu2
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.isfinite(covmean).all():  # singular product: nudge both diagonals, as the reference code does
        offset = np.eye(sigma1.shape[0]) * 1e-6
        covmean = scipy.linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    covmean = covmean.real
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def kernel_inception_distance(real: np.ndarray, fake: np.ndarray, subsets: int = 100, subset_size: int = 1000,
                              seed: int = 0) -> tuple[float, float]:
    """Unbiased MMD^2 with the cubic polynomial kernel (x.y/d + 1)^3 (Binkowski et al., 2018).

    Returns (mean, std) over random subsets of equal size."""
    rng = np.random.default_rng(seed)
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    m = min(subset_size, len(real), len(fake))
    dim = real.shape[1]
    values = []
    for _ in range(subsets):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        k_xx = (x @ x.T / dim + 1) ** 3
        k_yy = (y @ y.T / dim + 1) ** 3
        k_xy = (x @ y.T / dim + 1) ** 3
        off_diagonal = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
        values.append(off_diagonal - 2 * k_xy.mean())
    return float(np.mean(values)), float(np.std(values))


def _pairwise(a: torch.Tensor, b: torch.Tensor, chunk: int = 4096) -> torch.Tensor:
    return torch.cat([torch.cdist(a[i:i + chunk], b) for i in range(0, len(a), chunk)])


def _kth_neighbour_radius(features: torch.Tensor, k: int) -> torch.Tensor:
    """Distance from each point to its k-th nearest other point in the same set."""
    distances = _pairwise(features, features)
    # +1: the point itself is at distance 0. topk of a few is several times faster than kthvalue.
    return distances.topk(k + 1, dim=1, largest=False).values[:, -1]


def precision_recall_density_coverage(real: np.ndarray, fake: np.ndarray, k_pr: int = 3,
                                      k_dc: int = 5) -> dict[str, float]:
    """Precision and recall (Kynkaanniemi et al., 2019, k=3); density and coverage (Naeem et al., 2020, k=5).

    precision: share of fakes inside some real k-NN ball; recall: share of reals inside some fake
    k-NN ball; density: mean count of real balls holding each fake, over k; coverage: share of real
    balls (k_dc) that hold at least one fake."""
    real_t = torch.as_tensor(np.asarray(real), dtype=torch.float32)
    fake_t = torch.as_tensor(np.asarray(fake), dtype=torch.float32)
    real_to_fake = _pairwise(real_t, fake_t)  # (R, F)
    radius_real_pr = _kth_neighbour_radius(real_t, k_pr)
    radius_fake_pr = _kth_neighbour_radius(fake_t, k_pr)
    radius_real_dc = radius_real_pr if k_dc == k_pr else _kth_neighbour_radius(real_t, k_dc)
    precision = (real_to_fake <= radius_real_pr[:, None]).any(dim=0).float().mean()
    recall = (real_to_fake <= radius_fake_pr[None, :]).any(dim=1).float().mean()
    inside_dc = real_to_fake <= radius_real_dc[:, None]
    density = inside_dc.sum(dim=0).float().mean() / k_dc
    coverage = (real_to_fake.min(dim=1).values <= radius_real_dc).float().mean()
    return {"precision": float(precision), "recall": float(recall), "density": float(density),
            "coverage": float(coverage)}
