"""Shared fixtures: tiny configs and a small in-memory slice of real Fashion-MNIST."""
from __future__ import annotations

import csv
import io
import os
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, PngImagePlugin

from couturier.cli import main
from couturier.data import ImageDataset
from couturier.data.fashion_mnist import CLASS_NAMES, SYSTEM_DIR
from couturier.presets import build_config

# the cores shared by pytest-xdist's workers (scripts/test.sh runs two), else two threads
torch.set_num_threads(max(1, min(2, (os.cpu_count() or 1) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))))


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
    if data:
        layer["data"] = data
    layer["loss"] = {k: v for k, v in (("name", loss), ("r1_gamma", r1)) if v is not None}
    return build_config(layer)


@pytest.fixture(scope="session")
def conditional_run(tmp_path_factory, fmnist_slice):
    """A class-conditional sngan trained 3 steps (read-only: tests that change it work on a copy)."""
    from couturier.train import Trainer

    run = tmp_path_factory.mktemp("runs") / "cond"
    Trainer(tiny_config("sngan", conditional=True, steps=3), run, dataset=fmnist_slice).fit(progress=False)
    return run


@pytest.fixture(scope="session")
def text_run(tmp_path_factory, catalogue):
    """A text-to-image run on the tiny catalogue, trained 4 steps (read-only: tests that change it
    work on a copy)."""
    from couturier.train import Trainer

    run = tmp_path_factory.mktemp("runs") / "text"
    cfg = tiny_config("text2image", steps=4, batch_size=8, data={"dataset": str(catalogue), "resolution": 32,
                                                                 "channels": 3})
    Trainer(cfg, run).fit(progress=False)
    return run


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory) -> Path:
    """One folder for the whole run: pytest-xdist's workers have their own basetemps under one parent."""
    root = tmp_path_factory.getbasetemp()
    cache = (root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root) / "shared-cache"
    cache.mkdir(exist_ok=True)
    return cache


@pytest.fixture
def shared_cache(_session_cache, monkeypatch) -> Path:
    """XDG_CACHE_HOME in one folder for the whole run: Fashion-MNIST's reference features (its
    10,000 test images through a network) and its test-to-train distances are computed once, not
    once a test. The tests using it take turns (a lock shared by pytest-xdist's workers), so the
    second waits for the first's cache rather than compute it alongside (xdist's grouping of tests
    onto one worker does not work under pytest 9.2). Tests about the cache itself keep their own folder."""
    import fcntl

    monkeypatch.setenv("XDG_CACHE_HOME", str(_session_cache))
    with open(_session_cache / ".turn", "w") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        yield _session_cache


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


def run_cli(monkeypatch, capsys, *args):
    """Run `couturier ARGS` through the console entry point; (exit status, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["couturier", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


needs_data = pytest.mark.skipif(not (SYSTEM_DIR / "train-images-idx3-ubyte.gz").is_file(),
                                reason="Debian package dataset-fashion-mnist not installed")


def garment_picture(size: int = 64) -> Image.Image:
    """A dark-red T-shirt shape on a white background."""
    array = np.full((size, size, 3), 255, np.uint8)
    s = size // 8
    array[2 * s:7 * s, 3 * s:5 * s] = (150, 20, 30)  # body
    array[2 * s:3 * s, 1 * s:7 * s] = (150, 20, 30)  # sleeves
    return Image.fromarray(array)


def fabric_picture(size: int = 48) -> Image.Image:
    """Blue and yellow diagonal stripes with a little noise: a fabric with clear structure."""
    yy, xx = np.mgrid[:size, :size]
    stripes = ((xx + yy) // 4) % 2
    rng = np.random.default_rng(0)
    array = np.where(stripes[..., None] == 1, (30, 60, 200), (230, 200, 40)).astype(np.float64)
    return Image.fromarray(np.clip(array + rng.normal(0, 8, array.shape), 0, 255).astype(np.uint8))


@pytest.fixture
def pictures(tmp_path):
    garment, fabric = tmp_path / "garment.png", tmp_path / "fabric.png"
    garment_picture().save(garment)
    fabric_picture().save(fabric)
    return garment, fabric


def save_picture(image: Image.Image, path):
    image.save(path)
    return path


def huge_header_png(width=30000, height=30000) -> bytes:
    """A tiny file whose header declares a picture of width x height."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr:ihdr + 17])))
    return bytes(data)


def text_bomb_png() -> bytes:
    """A small PNG with a compressed text chunk that inflates to 20 MB."""
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 20_000_000, zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def make_image_folder(root):
    """Two class folders of pictures in every mode PIL knows, and one broken file."""
    (root / "dress").mkdir(parents=True)
    (root / "boot").mkdir()
    Image.new("RGB", (60, 80), (200, 10, 10)).save(root / "dress" / "a.jpg")
    Image.new("RGBA", (40, 40), (0, 0, 255, 0)).save(root / "dress" / "b.png")  # fully transparent
    Image.new("P", (30, 50)).save(root / "boot" / "c.png")
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(root / "boot" / "d.jpg")
    Image.fromarray(np.full((20, 20), 65535, np.uint16)).save(root / "boot" / "e.png")  # 16-bit
    (root / "boot" / "broken.png").write_bytes(b"not a png")


# ----- sales histories with known answers (trend forecasting) -----
HISTORY_SEASONS = ("Spring", "Summer", "Fall", "Winter")
HISTORY_COLOURS = ("Navy Blue", "Black", "White", "Red")


def write_history(path: Path, shares_of, years=range(2016, 2021), rows_per_period: int = 400, seed: int = 0,
                  genders=("Men", "Women")) -> Path:
    """A catalogue CSV whose colour shares in period t are shares_of(t); articles and usage random."""
    rng = np.random.default_rng(seed)
    rows, t = [], 0
    for year in years:
        for season in HISTORY_SEASONS:
            shares = np.asarray(shares_of(t), dtype=float)
            colours = rng.choice(len(HISTORY_COLOURS), size=rows_per_period, p=shares / shares.sum())
            for c in colours:
                rows.append({"id": len(rows), "gender": genders[len(rows) % len(genders)],
                             "articleType": ("Shirts", "Tshirts", "Jeans")[rng.integers(3)],
                             "baseColour": HISTORY_COLOURS[c], "season": season, "year": year, "usage": "Casual"})
            t += 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def rising_navy(t: int) -> list[float]:
    """Navy Blue climbs from 10% to 48% over 20 seasons, taken evenly from the others."""
    navy = 0.10 + 0.02 * t
    return [navy, *([(1 - navy) / 3] * 3)]


@pytest.fixture
def trending(tmp_path) -> Path:
    return write_history(tmp_path / "trending.csv", rising_navy)


@pytest.fixture
def flat(tmp_path) -> Path:
    return write_history(tmp_path / "flat.csv", lambda t: [0.25, 0.25, 0.25, 0.25])
