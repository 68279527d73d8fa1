"""Mode collapse shows in a classifier's histogram of the samples: its normalised entropy, the
largest and smallest class shares, the Inception-Score analogue and, for conditional runs, the
share of samples classified as the class asked for."""
from __future__ import annotations

import numpy as np

from couturier.metrics.registry import Judgement, register_metric


@register_metric("classes", columns=("class_entropy", "largest_class_share", "smallest_class_share",
                                     "classifier_score", "class_consistency"),
                 applies=lambda j: j.probs is not None, order=40)
def classes(j: Judgement) -> dict:
    return class_statistics(j.probs, j.requested)


def class_statistics(probs: np.ndarray, requested: np.ndarray | None = None) -> dict:
    """Histogram of predicted classes, its normalised entropy, extreme shares, classifier score."""
    classes = probs.shape[1]
    predicted = probs.argmax(axis=1)
    shares = np.bincount(predicted, minlength=classes) / len(predicted)
    nonzero = shares[shares > 0]
    entropy = float(-(nonzero * np.log(nonzero)).sum() / np.log(classes)) + 0.0  # + 0.0: no "-0.0"
    marginal = probs.mean(axis=0)
    kl = (probs * (np.log(probs + 1e-12) - np.log(marginal + 1e-12))).sum(axis=1).mean()
    stats = {"class_shares": shares.round(4).tolist(), "class_entropy": entropy,
             "largest_class_share": float(shares.max()), "smallest_class_share": float(shares.min()),
             "classifier_score": float(np.exp(kl))}
    if requested is not None:
        stats["class_consistency"] = float((predicted == requested).mean())
    return stats
