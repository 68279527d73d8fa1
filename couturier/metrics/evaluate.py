"""One entry point for judging samples: `evaluate(images, ...)` runs the registered metrics.

Fidelity and diversity come from the feature network (FID, KID, precision, recall,
density, coverage); mode collapse shows in the classifier's histogram of the samples;
copying shows in pixel-space nearest neighbours among the training images.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from couturier.errors import SampleError
from couturier.data.fashion_mnist import load_fashion_mnist
from couturier.fileio import atomic_path, user_cache_dir
from couturier.metrics.features import FeatureNet, load_feature_net
from couturier.metrics.memorisation import nearest_training_distances
from couturier.metrics.registry import Judgement, Reference, judge



def _cache_dir() -> Path:
    return user_cache_dir("reference")


def reference_features(net: FeatureNet, split: str, data_dir=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Features (and class probabilities) of a real split, cached per feature network and split."""
    path = _cache_dir() / f"{net.cache_id}-{split}.npz"
    if path.is_file():
        with np.load(path) as cached:
            return cached["features"], (cached["probs"] if "probs" in cached else None)
    images, _ = load_fashion_mnist(split, data_dir)
    features, probs = net.extract(images)
    with atomic_path(path) as tmp:
        with tmp.open("wb") as fh:
            np.savez(fh, features=features, **({"probs": probs} if probs is not None else {}))
    return features, probs


MIN_SAMPLES = 100  # the k-NN metrics (k=5) and KID subsets need a few hundred to mean much


def reference_of(net: FeatureNet, images: np.ndarray, name: str) -> Reference:
    """Any real images (uint8 N, C, H, W) as a reference in `net`'s feature space."""
    net.check(images)
    return Reference(name, *net.extract(images))


def reference(net: FeatureNet, split: str = "test", data_dir=None) -> Reference:
    """A real split of Fashion-MNIST in `net`'s feature space (cached on disk per network)."""
    features, probs = reference_features(net, split, data_dir)
    return Reference(split, features, probs)


def evaluate(images: np.ndarray, net: FeatureNet | None = None, ref: str | Reference = "test",
             requested: np.ndarray | None = None, seed: int = 0, data_dir=None,
             check_memorisation: bool = True, metrics: list[str] | None = None,
             extra: dict | None = None) -> dict:
    """The registered metrics (default: all that apply) for uint8 images (N, C, H, W) against a
    reference: a split of Fashion-MNIST by name, or a prepared `Reference` (see `reference_of`).

    `net` is the feature space of FID, KID and PRDC (default: the shipped classifier). For
    Fashion-MNIST-shaped images the class statistics come from a Fashion-MNIST classifier and
    memorisation from its training set; `extra` passes what other metrics need by name."""
    if len(images) < MIN_SAMPLES:
        raise SampleError(f"got {len(images)} images; the metrics need at least {MIN_SAMPLES} "
                          f"(10,000 for numbers comparable with BENCHMARKS.md)", field="n")
    net = net or load_feature_net("fashion")
    net.check(images)
    features, probs = net.extract(images)
    fashion_shaped = images.ndim == 3 or images.shape[1:] == (1, 28, 28)
    if probs is None and fashion_shaped:
        probs = load_feature_net("fashion").extract(images)[1]
    reference_set = ref if isinstance(ref, Reference) else reference(net, ref, data_dir)
    extra = dict(extra or {})
    if net.attribute_judge is not None:
        extra.setdefault("attribute_judge", net.attribute_judge)
    if check_memorisation and fashion_shaped:
        train_images, _ = load_fashion_mnist("train", data_dir)
        test_images, _ = load_fashion_mnist("test", data_dir)
        extra.update(training_images=train_images, test_images=test_images,
                     test_distances=_test_to_train_distances(train_images, test_images))
    judgement = Judgement(images, features, reference_set, probs, requested, seed, extra)
    return {"n": int(len(images)), "ref": reference_set.name, "features": net.name, **judge(judgement, metrics)}


def _test_to_train_distances(train_images: np.ndarray, test_images: np.ndarray) -> np.ndarray:
    """Nearest-training-image distances of the real test set (cached: the data never changes)."""
    path = _cache_dir() / "fashion-mnist-test-to-train.npy"
    if path.is_file():
        return np.load(path)
    distances, _ = nearest_training_distances(test_images, train_images)
    with atomic_path(path) as tmp:
        with tmp.open("wb") as fh:
            np.save(fh, distances)
    return distances
