"""data/images.py: image folders, grids and the uint8 mapping."""
import numpy as np
from conftest import make_image_folder

from couturier.data.images import load_folder, make_grid, to_uint8


def test_folder_of_mixed_images_loads_and_counts_skips(tmp_path):
    make_image_folder(tmp_path)
    images, labels, names, skipped = load_folder(tmp_path, 32, 3)
    assert images.shape == (5, 3, 32, 32) and images.dtype == np.uint8
    assert names == ("boot", "dress") and skipped == 1
    assert sorted(labels.tolist()) == [0, 0, 0, 1, 1]
    transparent = images[list(labels).index(1) + 1]  # dress/b.png
    assert transparent.min() == 255  # transparency becomes white, not black
    gray, *_ = load_folder(tmp_path, 28, 1)
    assert gray.shape == (5, 1, 28, 28)


def test_grid_layout_and_uint8_mapping():
    images = to_uint8(np.linspace(-1, 1, 6 * 4).reshape(6, 1, 2, 2).astype(np.float32))
    assert images.min() == 0 and images.max() == 255
    grid = make_grid(images, columns=4, padding=1)
    assert grid.size == (4 * 3 + 1, 2 * 3 + 1)

