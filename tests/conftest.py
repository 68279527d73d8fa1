"""Shared fixtures: tiny configs and a small in-memory slice of real Fashion-MNIST."""
from __future__ import annotations

import csv
import os

import numpy as np
import pytest
import torch
from PIL import Image

from couturier.presets import build_config
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


def tiny_config(model: str = "dcgan", data: dict | None = None, r1: float | None = None, **train):
    """A config small enough for a test: narrow nets, few steps, frequent outputs."""
    conditional = train.pop("conditional", False)
    loss = train.pop("loss", None)
    layer = {"model": {"name": model, "conditional": conditional, "width": 8, "z_dim": 16},
             "train": {"steps": 6, "batch_size": 16, "log_every": 2, "sample_every": 3,
                       "checkpoint_every": 3, "grid_columns": 4, **train}}
    if model == "text2image":
        layer["model"]["task"] = "text2image"
    if data:
        layer["data"] = data
    layer["loss"] = {k: v for k, v in (("name", loss), ("r1_gamma", r1)) if v is not None}
    return build_config(layer)


COLOURS = {"Red": (200, 30, 30), "Blue": (30, 30, 200), "Black": (20, 20, 20), "Green": (30, 160, 30)}
ARTICLES = {"Dresses": (8, 4, 24, 30), "Shirts": (4, 4, 28, 18), "Boots": (10, 16, 22, 30)}


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory):
    """48 images: a coloured shape per (colour, article) on white, described by styles.csv."""
    root = tmp_path_factory.mktemp("catalogue")
    (root / "images").mkdir()
    rows, i = [], 0
    for colour, rgb in COLOURS.items():
        for article, box in ARTICLES.items():
            for gender in ("Men", "Women", "Men", "Women"):
                image = Image.new("RGB", (32, 40), (255, 255, 255))
                image.paste(rgb, box)
                image.save(root / "images" / f"{i}.png")
                rows.append({"id": i, "gender": gender, "articleType": article, "baseColour": colour})
                i += 1
    with (root / "styles.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "gender", "articleType", "baseColour"])
        writer.writeheader()
        writer.writerows(rows)
    return root
