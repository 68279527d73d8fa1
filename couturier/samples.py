"""Samples to judge, and where their judgement is saved. Samples come from wherever they are: a run or checkpoint (sampled now, classes balanced),
an .npz with `images` (and optional `labels`), an .npy of images, or a folder of image files.

Kept out of couturier.metrics, which judge arrays and know nothing of runs or files.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

import json

from couturier.checkpoint import META, resolve_checkpoint
from couturier.data.fashion_mnist import load_fashion_mnist
from couturier.data.images import list_images, load_folder
from couturier.errors import SampleError
from couturier.fileio import write_text
from couturier.sampling import load_generator, sample
from couturier.viz import plot_nearest_neighbours


def load_samples(source: str | Path, n: int = 10000, seed: int = 0,
                 device: str = "cpu") -> tuple[np.ndarray, np.ndarray | None]:
    """Images to judge, uint8 (N, 1, 28, 28), and the classes asked for (conditional runs, labelled npz).

    `source` is a run folder or checkpoint (sampled now, classes balanced), an .npz with `images`
    (and optional `labels`), an .npy of images, or a folder of image files."""
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


def save_evaluation(source: str | Path, images: np.ndarray, results: dict, data_dir=None) -> list[Path]:
    """evaluation.json and, when memorisation was checked, nearest_neighbours.png: into the run
    folder for a run, beside the file otherwise (SAMPLES.evaluation.json)."""
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
