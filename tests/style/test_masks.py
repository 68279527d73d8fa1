"""The automatic garment mask against outlines drawn by hand on catalogue photos."""
from pathlib import Path

import numpy as np
import pytest
import torch
from drawn_garments import COLOUR_RULES_SET
from drawn_garments import MASKS as DRAWN

from couturier import style
from couturier.style.masks import background, garment_mask, iou, polygon_mask, skin

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products" / "images"



@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared catalogue absent")
def test_the_garment_is_found_without_the_person_wearing_it():
    """Seven photos (five worn, two laid flat): the mask must agree with the hand-drawn outline far
    better than "everything that is not background", which takes the face and arms too."""
    found, figure = {}, {}
    for key in COLOUR_RULES_SET:
        drawn = DRAWN[key]
        photo = style.read_rgb(SHARED / f"{key}.jpg")
        want = polygon_mask(drawn["polygon"], photo.shape[-1], photo.shape[-2])
        found[key] = iou(garment_mask(photo)[0, 0].numpy() > 0.5, want)
        figure[key] = iou(~background(photo[0].permute(1, 2, 0).numpy()), want)
    assert np.mean(list(found.values())) > 0.75, found  # measured 0.81 (benchmarks/style.py --masks-only)
    assert np.mean(list(found.values())) > np.mean(list(figure.values())) + 0.1, (found, figure)
    assert min(found.values()) > 0.6, found


def test_skin_is_found_across_tones_and_garment_colours_are_not_skin():
    tones = np.array([[[0.95, 0.80, 0.70], [0.78, 0.57, 0.44], [0.45, 0.30, 0.22]]])  # light, medium, dark
    cloth = np.array([[[0.2, 0.3, 0.8], [0.1, 0.6, 0.2], [0.5, 0.5, 0.5]]])  # blue, green, grey
    assert skin(tones).all() and not skin(cloth).any()


def test_a_laid_flat_garment_keeps_its_whole_outline(tmp_path):
    from conftest import garment_picture

    picture = style.from_pil(garment_picture(64))
    mask = garment_mask(picture)[0, 0].numpy() > 0.5
    body = picture[0].permute(1, 2, 0).numpy().max(axis=2) < 0.9
    assert iou(mask, body) > 0.85


def test_a_wall_lit_brighter_in_the_middle_is_background_all_over():
    """A vignette: 40 levels lighter behind the garment than at the corners, one colour's allowance
    being 30. The lit wall is followed by its light; an evenly lit one still by its colour."""
    ys, xs = np.mgrid[0:80, 0:60] / np.array([80.0, 60.0])[:, None, None]
    light = 0.86 - 0.6 * ((ys - 0.5) ** 2 + (xs - 0.5) ** 2)
    wall = np.repeat(light[..., None], 3, axis=2)
    photo = wall.copy()
    photo[30:55, 22:38] = 0.15  # a dark garment in the middle
    found = background(photo)
    assert found[~((ys >= 0.35) & (ys < 0.7) & (xs > 0.35) & (xs < 0.65))].all()
    assert not found[30:55, 22:38].any()
    plain = np.full_like(photo, 0.95)
    plain[30:55, 22:38] = 0.8  # an evenly lit white wall: a pale grey garment is not wall
    assert not background(plain)[30:55, 22:38].any()


def test_a_swatch_is_cut_from_inside_the_garment():
    from conftest import garment_picture

    from couturier.style.masks import cut_swatch

    picture = style.from_pil(garment_picture(64))
    swatch = cut_swatch(picture)
    assert swatch.shape[-1] == swatch.shape[-2] >= 8
    body = torch.tensor([150 / 255, 20 / 255, 30 / 255]).view(1, 3, 1, 1)
    assert float((swatch - body).abs().max()) < 0.05  # all garment: no background, no edge
    with pytest.raises(style.StyleInputError, match="no patch of fabric"):
        cut_swatch(picture, torch.zeros(1, 1, 64, 64))
