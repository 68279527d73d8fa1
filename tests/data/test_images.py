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



def test_rows_are_labelled_on_the_left_and_long_labels_end_in_an_ellipsis(tmp_path):
    from PIL import Image

    from couturier.data.images import LABEL_WIDTH, _wrap, save_grid

    images = np.zeros((6, 3, 16, 16), np.uint8) + 128
    labels = ["Red Tshirts for Men", "a " + "very " * 40 + "long description of a dress"]
    save_grid(images, tmp_path / "plain.png", 3, scale=2)
    save_grid(images, tmp_path / "labelled.png", 3, scale=2, row_labels=labels)
    plain, labelled = (np.asarray(Image.open(tmp_path / name).convert("L")) for name in ("plain.png", "labelled.png"))
    assert labelled.shape == (plain.shape[0], plain.shape[1] + LABEL_WIDTH)
    assert (labelled[:, LABEL_WIDTH:] == plain).all()
    row = 2 * 2 + 32  # a row's height with its padding, at scale 2
    for r in range(2):  # each row's band of the label column has ink
        assert (labelled[4 + r * row:4 + r * row + 32, :LABEL_WIDTH] < 100).any()
    lines = _wrap(labels[1], lambda text: len(text) <= 30)
    assert len(lines) == 3 and lines[-1].endswith("…") and all(len(line) <= 30 for line in lines)
    assert _wrap(labels[0], lambda text: len(text) <= 30) == ["Red Tshirts for Men"]
