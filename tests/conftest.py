"""Shared fixtures: tiny configs and a small in-memory slice of real Fashion-MNIST."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from couturier.config import build_config
from couturier.data import ImageDataset
from couturier.data.fashion_mnist import CLASS_NAMES, SYSTEM_DIR

torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture(scope="session")
def fmnist_slice() -> ImageDataset:
    """512 real training images when the Debian package is installed, else a synthetic stand-in."""
    if (SYSTEM_DIR / "train-images-idx3-ubyte.gz").is_file():
        from couturier.data.fashion_mnist import load_fashion_mnist

        images, labels = load_fashion_mnist("train")
        images, labels = images[:512], labels[:512]
    else:  # keeps the suite runnable anywhere; CI installs the real data
        rng = np.random.default_rng(0)
        labels = rng.integers(0, 10, 512).astype(np.uint8)
        images = (rng.random((512, 28, 28)) * 255).astype(np.uint8)
    return ImageDataset(torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.astype(np.int64)),
                        CLASS_NAMES)


def tiny_config(model: str = "dcgan", **train):
    """A config small enough for a test: narrow nets, few steps, frequent outputs."""
    conditional = train.pop("conditional", False)
    loss = train.pop("loss", None)
    layer = {"model": {"name": model, "conditional": conditional, "width": 8, "z_dim": 16},
             "train": {"steps": 6, "batch_size": 16, "log_every": 2, "sample_every": 3,
                       "checkpoint_every": 3, "grid_columns": 4, **train}}
    if loss:
        layer["loss"] = {"name": loss}
    return build_config(layer)
