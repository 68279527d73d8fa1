"""Training data held as one tensor in memory, with deterministic batches.

The batch at a given step depends only on (seed, step), so a resumed run sees
exactly the batches an uninterrupted one would, and no per-item Python work
sits in the training loop.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from couturier.config import DataConfig
from couturier.data.fashion_mnist import CLASS_NAMES, DataError, load_fashion_mnist
from couturier.data.images import load_folder

__all__ = ["ImageDataset", "load_dataset", "CLASS_NAMES", "DataError"]


@dataclass
class ImageDataset:
    images: torch.Tensor  # uint8 (N, C, H, W)
    labels: torch.Tensor  # int64 (N,) class indices, or float (N, D) rows a model reads its condition from
    class_names: tuple[str, ...]
    skipped: int = 0
    captions: tuple[str, ...] = ()  # each image's description, where the data has them (a catalogue)

    def __len__(self) -> int:
        return self.images.shape[0]

    def to(self, device: torch.device | str) -> "ImageDataset":
        return ImageDataset(self.images.to(device), self.labels.to(device), self.class_names, self.skipped,
                            self.captions)


def load_dataset(cfg: DataConfig, split: str = "train") -> ImageDataset:
    """Load Fashion-MNIST or a folder of images at cfg.resolution / cfg.channels."""
    if cfg.dataset == "fashion-mnist":
        if cfg.resolution != 28 or cfg.channels != 1:
            raise DataError("Fashion-MNIST is 28x28 grayscale: set data.resolution to 28 and data.channels to 1",
                            field="data.resolution")
        images, labels = load_fashion_mnist(split, cfg.data_dir)
        return ImageDataset(torch.from_numpy(images.copy()).unsqueeze(1),
                            torch.from_numpy(labels.astype(np.int64)), CLASS_NAMES)
    folder = Path(cfg.dataset)
    if not folder.is_dir():
        raise DataError(f"dataset {cfg.dataset!r} is neither 'fashion-mnist' nor an existing folder of images",
                        field="data.dataset")
    try:
        images, labels, names, skipped = load_folder(folder, cfg.resolution, cfg.channels)
    except FileNotFoundError as exc:
        raise DataError(str(exc), field="data.dataset") from exc
    return ImageDataset(torch.from_numpy(images), torch.from_numpy(labels), names, skipped)


class BatchSampler:
    """Yields the batch for any step: epoch-wise permutations seeded by (seed, epoch).

    `batch_size` is per process. `rank`/`world` shard each epoch's permutation, the in-memory
    equivalent of DistributedSampler: every rank sees its own share of each epoch, and the
    ranks' batches at a step together are the batch one process with the global size takes.
    """

    def __init__(self, dataset: ImageDataset, batch_size: int, seed: int, rank: int = 0, world: int = 1):
        if batch_size * world > len(dataset):
            raise DataError(f"batch size {batch_size * world} exceeds the dataset's {len(dataset)} images; "
                            f"lower train.batch_size", field="train.batch_size")
        self.dataset = dataset
        self.batch_size = batch_size
        self.seed = seed
        self.rank, self.world = rank, world
        self.per_epoch = len(dataset) // (batch_size * world)
        self._epoch, self._perm = -1, None
        # Pre-scale once so a batch is one gather, not a per-step conversion of the whole set.
        self.pixels = dataset.images.float().div_(127.5).sub_(1.0)

    def _permutation(self, epoch: int) -> torch.Tensor:
        if epoch != self._epoch:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            self._perm = torch.randperm(len(self.dataset), generator=generator).to(self.pixels.device)
            self._epoch = epoch
        return self._perm

    def _global_ids(self, step: int) -> torch.Tensor:
        """The whole step's batch over all ranks: what one process with the global batch would take."""
        epoch, index = divmod(step, self.per_epoch)
        size = self.batch_size * self.world
        return self._permutation(epoch)[index * size:(index + 1) * size]

    def _mine(self, rows: torch.Tensor) -> torch.Tensor:
        return rows[self.rank * self.batch_size:(self.rank + 1) * self.batch_size]

    def batch(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        ids = self._mine(self._global_ids(step))
        return self.pixels[ids], self.dataset.labels[ids]

    def neighbour_labels(self, step: int) -> torch.Tensor:
        """Each image's neighbour's label in the global batch (its label rolled by one): labels that
        belong to other images, the same on any number of processes (a model may show D real
        images under them as fakes)."""
        return self.dataset.labels[self._mine(self._global_ids(step).roll(1))]
