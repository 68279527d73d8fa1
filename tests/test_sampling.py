import json

import numpy as np
import pytest
from PIL import Image

from couturier import interpolate, load_generator, sample, save_samples
from couturier.checkpoint import list_checkpoints
from couturier.config import ConfigError
from couturier.sampling import latents, save_walk
from couturier.train import CheckpointError


def test_samples_are_deterministic_per_seed(conditional_run):
    g = load_generator(conditional_run)
    a, labels = sample(g, n=20, seed=5)
    b, _ = sample(g, n=20, seed=5)
    c, _ = sample(g, n=20, seed=6)
    assert a.shape == (20, 1, 28, 28) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert labels.tolist() == sorted(labels.tolist()) and set(labels.tolist()) == set(range(10))


def test_class_by_name_and_errors(conditional_run):
    g = load_generator(conditional_run)
    _, labels = sample(g, n=5, class_name="Ankle Boot")
    assert labels.tolist() == [9] * 5
    with pytest.raises(ConfigError, match="valid classes: t-shirt/top"):
        sample(g, n=5, class_name="dog")
    with pytest.raises(ConfigError, match="positive"):
        sample(g, n=0)


def test_truncation_bounds_noise_and_has_a_floor_that_keeps_the_redraw_loop_short():
    z = latents(200, 16, seed=0, truncation=0.1)
    assert z.abs().max() <= 0.1 and z.std() > 0.03
    for too_small in (1e-30, 0.0, -1.0, float("nan")):
        with pytest.raises(ConfigError, match="truncation must be at least 0.1") as caught:
            latents(4, 16, seed=0, truncation=too_small)
        assert caught.value.field == "truncation"


def test_more_images_than_fit_in_memory_are_refused_before_any_work(conditional_run):
    generator = load_generator(conditional_run)
    with pytest.raises(ConfigError, match="would not fit in memory; ask for at most 2,739,137") as caught:
        sample(generator, n=100_000_000)
    assert caught.value.field == "n"


def test_outputs_png_npz_folder(conditional_run, tmp_path):
    g = load_generator(conditional_run)
    images, labels = sample(g, n=10, seed=0)
    save_samples(images, labels, tmp_path / "grid.png", g.class_names, columns=5)
    assert Image.open(tmp_path / "grid.png").size == (2 * (5 * 30 + 2), 2 * (2 * 30 + 2))
    save_samples(images, labels, tmp_path / "s.npz", g.class_names)
    data = np.load(tmp_path / "s.npz")
    assert data["images"].shape == (10, 28, 28) and data["images"].dtype == np.uint8
    assert data["labels"].tolist() == labels.tolist()
    save_samples(images, labels, tmp_path / "pngs", g.class_names)
    assert len(list((tmp_path / "pngs").glob("*.png"))) == 10
    with pytest.raises(ConfigError, match="folder name"):
        save_samples(images, labels, tmp_path / "out.txt", g.class_names)


def test_walk_between_seeds_and_classes(conditional_run, tmp_path):
    g = load_generator(conditional_run)
    walk = interpolate(g, 1, 2, steps=5, rows=2, class_a="sneaker", class_b="ankle boot")
    assert walk.shape == (2, 5, 1, 28, 28)
    start, _ = sample(g, n=1, seed=1, class_name="sneaker")
    assert np.abs(walk[0, 0].astype(int) - start[0].astype(int)).max() <= 1  # walk starts at seed a, class a
    png, gif = save_walk(walk, tmp_path / "walk")
    assert Image.open(gif).n_frames == 8 and Image.open(png).size[0] > Image.open(png).size[1]


def test_foreign_checkpoint_is_refused(conditional_run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(conditional_run, copy)
    ckpt = list_checkpoints(copy / "checkpoints")[-1]
    meta = json.loads((ckpt / "meta.json").read_text())
    meta["config"]["model"]["width"] = 16  # claims another size than its weights
    (ckpt / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="another model or size"):
        load_generator(copy)
    (ckpt / "meta.json").write_text('{"format": "something-else"}')
    with pytest.raises(CheckpointError, match="not a couturier checkpoint"):
        load_generator(copy)
