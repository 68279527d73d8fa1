"""Copying: the share of samples closer (pixel L2) to their nearest training image than 99% of real
test images are to theirs. Real test images are, by definition, not copies; a model that does not
copy scores about 0.01."""
from __future__ import annotations

import numpy as np
import torch

from couturier.metrics.registry import Judgement, register_metric


@register_metric("memorisation", columns=("memorisation_share",),
                 applies=lambda j: "training_images" in j.extra, order=50)
def memorisation_metric(j: Judgement) -> dict:
    images = j.images[:, 0] if j.images.ndim == 4 and j.images.shape[1] == 1 else j.images
    return memorisation(images, j.extra["training_images"], j.extra.get("test_images"),
                        test_distances=j.extra.get("test_distances"))


def nearest_training_distances(images: np.ndarray, train_images: np.ndarray,
                               chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-space L2 distance from each image to its nearest training image, and that image's index."""
    train = torch.tensor(train_images.reshape(len(train_images), -1), dtype=torch.float32) / 255.0
    train_sq = (train ** 2).sum(1)
    distances, indices = [], []
    for start in range(0, len(images), chunk):
        x = torch.tensor(images[start:start + chunk].reshape(-1, train.shape[1]), dtype=torch.float32) / 255.0
        # |x|^2 is constant per row, so it is added after the min: one pass over the big matrix
        best = torch.addmm(train_sq[None, :], x, train.T, alpha=-2.0).min(dim=1)
        distances.append((best.values + (x ** 2).sum(1)).clamp_min(0).sqrt())
        indices.append(best.indices)
    return torch.cat(distances).numpy(), torch.cat(indices).numpy()


def memorisation(images: np.ndarray, train_images: np.ndarray, test_images: np.ndarray,
                 quantile: float = 0.01, test_distances: np.ndarray | None = None) -> dict:
    """Share of samples closer to their nearest training image than `quantile` of real test images are.

    The rule: real test images are, by definition, not copies; the distance below which only 1% of
    them fall marks "suspiciously close". A model that does not copy scores about 0.01."""
    if test_distances is None:
        test_distances, _ = nearest_training_distances(test_images, train_images)
    threshold = float(np.quantile(test_distances, quantile))
    distances, indices = nearest_training_distances(images, train_images)
    order = np.argsort(distances)
    return {"memorisation_share": float((distances < threshold).mean()), "memorisation_threshold": threshold,
            "closest_pairs": [(int(i), int(indices[i]), float(distances[i])) for i in order[:10]]}
