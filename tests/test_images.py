import numpy as np
import pytest
from PIL import Image

from couturier.config import DataConfig
from couturier.data import DataError, load_dataset
from couturier.data.images import load_folder, make_grid, to_uint8


def _make_folder(root):
    (root / "dress").mkdir(parents=True)
    (root / "boot").mkdir()
    Image.new("RGB", (60, 80), (200, 10, 10)).save(root / "dress" / "a.jpg")
    Image.new("RGBA", (40, 40), (0, 0, 255, 0)).save(root / "dress" / "b.png")  # fully transparent
    Image.new("P", (30, 50)).save(root / "boot" / "c.png")
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(root / "boot" / "d.jpg")
    Image.fromarray(np.full((20, 20), 65535, np.uint16)).save(root / "boot" / "e.png")  # 16-bit
    (root / "boot" / "broken.png").write_bytes(b"not a png")


def test_folder_of_mixed_images_loads_and_counts_skips(tmp_path):
    _make_folder(tmp_path)
    images, labels, names, skipped = load_folder(tmp_path, 32, 3)
    assert images.shape == (5, 3, 32, 32) and images.dtype == np.uint8
    assert names == ("boot", "dress") and skipped == 1
    assert sorted(labels.tolist()) == [0, 0, 0, 1, 1]
    transparent = images[list(labels).index(1) + 1]  # dress/b.png
    assert transparent.min() == 255  # transparency becomes white, not black
    gray, *_ = load_folder(tmp_path, 28, 1)
    assert gray.shape == (5, 1, 28, 28)


def test_dataset_from_folder_and_bad_paths(tmp_path):
    _make_folder(tmp_path / "shop")
    ds = load_dataset(DataConfig(dataset=str(tmp_path / "shop"), resolution=32, channels=3))
    assert len(ds) == 5 and ds.skipped == 1
    with pytest.raises(DataError, match="neither 'fashion-mnist' nor an existing folder"):
        load_dataset(DataConfig(dataset=str(tmp_path / "nope")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no images"):
        load_dataset(DataConfig(dataset=str(tmp_path / "empty")))


def test_grid_layout_and_uint8_mapping():
    images = to_uint8(np.linspace(-1, 1, 6 * 4).reshape(6, 1, 2, 2).astype(np.float32))
    assert images.min() == 0 and images.max() == 255
    grid = make_grid(images, columns=4, padding=1)
    assert grid.size == (4 * 3 + 1, 2 * 3 + 1)


def test_training_on_a_folder_of_rgb_garments(tmp_path):
    from conftest import tiny_config
    from couturier.sampling import load_generator, sample
    from couturier.train import Trainer

    rng = np.random.default_rng(0)
    for label in ("shirts", "shoes"):
        (tmp_path / "shop" / label).mkdir(parents=True)
        for i in range(20):
            pixels = rng.integers(0, 255, (50, 40, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "shop" / label / f"{i}.jpg")
    cfg = tiny_config("sngan", conditional=True, steps=2,
                      data={"dataset": str(tmp_path / "shop"), "resolution": 32, "channels": 3})
    Trainer(cfg, tmp_path / "run").fit(progress=False)
    generator = load_generator(tmp_path / "run")
    images, labels = sample(generator, n=4, class_name="shoes")
    assert generator.class_names == ("shirts", "shoes")
    assert images.shape == (4, 3, 32, 32) and labels.tolist() == [1] * 4


def test_atomic_writes_leave_no_temporaries_and_normal_permissions(tmp_path):
    import os

    from couturier.fileio import atomic_path, write_text

    write_text(tmp_path / "a.txt", "first")
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "a.txt") as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert (tmp_path / "a.txt").read_text() == "first" and os.listdir(tmp_path) == ["a.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask
