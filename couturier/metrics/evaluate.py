"""One entry point for judging samples: `evaluate(images, ...)` returns every metric.

Fidelity and diversity come from the feature network (FID, KID, precision, recall,
density, coverage); mode collapse shows in the classifier's histogram of the samples;
copying shows in pixel-space nearest neighbours among the training images.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from couturier.errors import SampleError
from couturier.data.fashion_mnist import load_fashion_mnist
from couturier.fileio import atomic_path, user_cache_dir
from couturier.metrics.distances import (frechet_distance, kernel_inception_distance, mean_and_covariance,
                                         precision_recall_density_coverage)
from couturier.metrics.features import FeatureNet, load_feature_net



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


MIN_SAMPLES = 100  # the k-NN metrics (k=5) and KID subsets need a few hundred to mean much


def evaluate(images: np.ndarray, net: FeatureNet | None = None, ref: str = "test",
             requested: np.ndarray | None = None, seed: int = 0, data_dir=None,
             check_memorisation: bool = True) -> dict:
    """Every metric for uint8 images (N, 1, 28, 28) against a real split of Fashion-MNIST.

    `net` is the feature space of FID, KID and PRDC (default: the shipped classifier); the class
    statistics always come from a Fashion-MNIST classifier."""
    if len(images) < MIN_SAMPLES:
        raise SampleError(f"got {len(images)} images; the metrics need at least {MIN_SAMPLES} "
                          f"(10,000 for numbers comparable with BENCHMARKS.md)")
    net = net or load_feature_net("fashion")
    features, probs = net.extract(images)
    if probs is None:
        probs = load_feature_net("fashion").extract(images)[1]
    ref_features, _ = reference_features(net, ref, data_dir)
    n = min(len(features), len(ref_features))
    rng = np.random.default_rng(seed)
    ref_subset = ref_features
    if n < len(ref_features):  # PRDC compares sets of equal size
        ref_subset = ref_features[rng.choice(len(ref_features), n, replace=False)]
    results = {"n": int(len(images)), "ref": ref, "features": net.name,
               "fid": frechet_distance(*mean_and_covariance(features), *mean_and_covariance(ref_features))}
    results["kid_mean"], results["kid_std"] = kernel_inception_distance(ref_features, features, subsets=50,
                                                                        subset_size=min(1000, n), seed=seed)
    results.update(precision_recall_density_coverage(ref_subset, features[:n]))
    results.update(class_statistics(probs, requested))
    if check_memorisation:
        train_images, _ = load_fashion_mnist("train", data_dir)
        test_images, _ = load_fashion_mnist("test", data_dir)
        results.update(memorisation(images[:, 0] if images.ndim == 4 else images, train_images, test_images,
                                    test_distances=_test_to_train_distances(train_images, test_images)))
    return results


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


def save_evaluation(source: str | Path, images: np.ndarray, results: dict, data_dir=None) -> list[Path]:
    """evaluation.json and, when memorisation was checked, nearest_neighbours.png: into the run
    folder for a run, beside the file otherwise (SAMPLES.evaluation.json)."""
    import json

    from couturier.fileio import write_text
    from couturier.viz import plot_nearest_neighbours

    source = Path(source)
    folder = source if source.is_dir() else source.parent
    stem = "" if source.is_dir() else source.stem + "."
    written = [write_text(folder / f"{stem}evaluation.json", json.dumps(results, indent=2))]
    if "closest_pairs" in results:
        train_images, _ = load_fashion_mnist("train", data_dir)
        pairs = results["closest_pairs"]
        samples = images[[i for i, _, _ in pairs]].reshape(len(pairs), 28, 28)
        neighbours = train_images[[j for _, j, _ in pairs]]
        path = folder / f"{stem}nearest_neighbours.png"
        plot_nearest_neighbours(samples, neighbours, [d for _, _, d in pairs],
                                results["memorisation_threshold"], path)
        written.append(path)
    return written


def load_samples(source: str | Path, n: int = 10000, seed: int = 0,
                 device: str = "cpu") -> tuple[np.ndarray, np.ndarray | None]:
    """Images to judge, uint8 (N, 1, 28, 28), and the classes asked for (conditional runs, labelled npz).

    `source` is a run folder or checkpoint (sampled now, classes balanced), an .npz with `images`
    (and optional `labels`), an .npy of images, or a folder of image files."""
    from couturier.data.images import load_folder
    from couturier.sampling import load_generator, sample
    from couturier.checkpoint import META, resolve_checkpoint

    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist; pass a run folder, an .npz/.npy file or an image folder")
    if source.suffix in (".npz", ".npy"):
        try:
            data = np.load(source)
        except (OSError, ValueError) as exc:
            raise SampleError(f"{source} is not a readable numpy file ({exc})") from exc
        images = data["images"] if source.suffix == ".npz" else data
        labels = data["labels"] if source.suffix == ".npz" and "labels" in data else None
        if labels is not None and (labels < 0).any():
            labels = None
        return _as_gray28(np.asarray(images), source), labels
    if source.is_dir() and ((source / "config.json").is_file() or (source / META).is_file()
                            or (source / "checkpoints").is_dir()):
        resolve_checkpoint(source)  # a clear error when a run has no checkpoint yet
        generator = load_generator(source, device)
        return sample(generator, n=n, seed=seed)
    if source.is_dir():
        _check_folder_size(source)
        images, _, _, _ = load_folder(source, 28, 1)
        return images, None
    raise FileNotFoundError(f"{source}: use a run folder, an .npz/.npy file or a folder of images")


def _check_folder_size(folder: Path) -> None:
    """Refuse rather than silently resize: metrics of resized images are not comparable."""
    from PIL import Image, UnidentifiedImageError

    from couturier.data.images import list_images

    for path in list_images(folder)[:20]:
        try:
            with Image.open(path) as image:
                size = image.size
        except (OSError, UnidentifiedImageError):
            continue
        if size != (28, 28):
            raise SampleError(f"{path} is {size[0]}x{size[1]}; evaluate judges 28x28 images like "
                              f"Fashion-MNIST: sample or resize to 28x28 first")


def _as_gray28(images: np.ndarray, source: Path) -> np.ndarray:
    if images.dtype.kind == "f" and np.isnan(images).any():
        raise SampleError(f"{source}: {int(np.isnan(images).sum())} pixel(s) are NaN; "
                          f"the generator diverged or the file is damaged")
    if images.dtype != np.uint8:
        raise SampleError(f"{source}: images must be uint8 (0-255), got {images.dtype}")
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4 or images.shape[1:] != (1, 28, 28):
        raise SampleError(f"{source}: expected images shaped (N, 28, 28) or (N, 1, 28, 28), got {images.shape}")
    return images
