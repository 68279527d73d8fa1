"""style/drape.py: a fabric laid out at its scale and draped over a garment, lit by its folds."""
from __future__ import annotations

import pytest
import torch

from couturier import style
from couturier.style.drape import covering, mirror_tile, shading


def _stripes(height: int = 40, width: int = 40, period: int = 10) -> torch.Tensor:
    band = ((torch.arange(height) // (period // 2)) % 2).float()[:, None].expand(height, width)
    return torch.stack([0.1 + 0.8 * band, 0.2 + 0.6 * band, 0.9 - 0.7 * band])[None]


def _garment(size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """A grey garment with a dark vertical fold in the middle, and its mask."""
    picture = torch.ones(1, 3, size, size)
    mask = torch.zeros(1, 1, size, size)
    mask[..., 8:56, 12:52] = 1.0
    picture = torch.lerp(picture, torch.full_like(picture, 0.6), mask)
    picture[..., 8:56, 30:34] = 0.3  # the fold
    return picture, mask


def test_mirror_tiling_fills_the_picture_without_a_jump_where_copies_meet():
    ramp = torch.linspace(0, 1, 16).view(1, 1, 1, 16).expand(1, 3, 12, 16)
    tiled = mirror_tile(ramp, 30, 50)
    assert tiled.shape == (1, 3, 30, 50)
    steps = (tiled[..., 1:] - tiled[..., :-1]).abs()
    assert float(steps.max()) <= float((ramp[..., 1:] - ramp[..., :-1]).abs().max()) + 1e-6
    plain = torch.cat([ramp, ramp], -1)  # a plain repeat jumps from 1 back to 0
    assert float((plain[..., 1:] - plain[..., :-1]).abs().max()) > 0.9


def test_fabric_is_laid_out_at_its_scale_with_its_light_evened():
    garment, _ = _garment(100)
    lit_from_the_left = _stripes(40, 40) * torch.linspace(0.5, 1.0, 40).view(1, 1, 1, 40)
    laid_out = style.fabric_at_scale(lit_from_the_left, garment, scale=0.2)
    assert laid_out.shape[-2:] == garment.shape[-2:]
    rows = laid_out[0, :, :20].mean((0, 2))  # one copy: the 40 px swatch drawn 20 px long
    flips = int(((rows[1:] > rows.mean()) != (rows[:-1] > rows.mean())).sum())
    assert flips == 7  # its eight 5 px bands became 2.5 px: seven edges in 20 px
    columns_before = lit_from_the_left[0].mean((0, 1))
    columns_after = laid_out[0, :, :, :20].mean((0, 1))
    assert float(columns_after.std()) < 0.5 * float(columns_before.std())


def test_drape_puts_the_pattern_inside_the_mask_keeps_folds_and_the_background():
    garment, mask = _garment()
    fabric = mirror_tile(_stripes(), 64, 64)
    draped = style.drape(garment, fabric, mask)
    outside = covering(mask, garment).expand_as(garment) < 0.5
    assert torch.equal(draped[outside], garment[outside])
    inside = draped[0, :, 10:54, 14:28].mean(0).flatten()
    want = fabric[0, :, 10:54, 14:28].mean(0).flatten()
    assert float(torch.corrcoef(torch.stack([inside, want]))[0, 1]) > 0.95
    fold, flat = draped[..., 10:54, 31:33].mean(), draped[..., 10:54, 20:26].mean()
    assert float(fold) < 0.8 * float(flat)  # folds are read a sixty-fourth of the picture wide: softened
    light = shading(garment, mask)
    assert float(light.min()) >= 0.35 - 1e-6 and float(light.max()) <= 1.6 + 1e-6


def test_stylize_with_no_steps_is_the_drape_and_a_picture_style_is_used_whole():
    garment, mask = _garment()
    stripes = _stripes(32, 32)
    net = style.load_style_net("random")
    draped = style.stylize(garment, stripes, net, steps=0, mask=mask, progress=False).image
    want = style.drape(garment, style.fabric_at_scale(stripes, garment), mask)
    assert torch.allclose(draped, want, atol=1e-6)
    whole = style.stylize(garment, stripes, net, steps=0, mask=mask, progress=False, fabric_scale=None).image
    assert not torch.allclose(whole, want, atol=0.05)


def test_a_fabric_scale_out_of_range_is_a_clear_error_and_zero_means_a_picture():
    garment, mask = _garment()
    net = style.load_style_net("random")
    for wrong in (-0.1, 100.0):  # 100 would lay out a swatch a hundred times the photo
        with pytest.raises(style.StyleInputError, match="fabric scale"):
            style.stylize(garment, _stripes(32, 32), net, steps=0, mask=mask, progress=False, fabric_scale=wrong)
    whole = style.stylize(garment, _stripes(32, 32), net, steps=0, mask=mask, progress=False, fabric_scale=0).image
    none = style.stylize(garment, _stripes(32, 32), net, steps=0, mask=mask, progress=False, fabric_scale=None).image
    assert torch.equal(whole, none)
