"""style/adain.py: the fast stylizer."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import fabric_picture, garment_picture

from couturier import style


def test_fast_stylizer_trains_saves_and_stylizes(tmp_path, pictures):
    contents, styles = tmp_path / "contents", tmp_path / "styles"
    contents.mkdir(), styles.mkdir()
    for i in range(3):
        garment_picture(64).rotate(90 * i).save(contents / f"{i}.png")
        fabric_picture(64).rotate(90 * i).save(styles / f"{i}.png")
    (styles / "unreadable.png").write_bytes(b"junk")  # skipped, not a crash
    meta = style.train_decoder(contents, styles, tmp_path / "decoder", steps=4, size=32, batch_size=2,
                               progress=False)
    assert meta["steps"] == 4 and np.isfinite(meta["final_style_loss"])
    stylizer = style.load_fast_stylizer(tmp_path / "decoder.safetensors")
    garment = style.read_rgb(pictures[0], 60)  # not a multiple of 8: padded inside, cropped back
    fabric = style.read_rgb(pictures[1], 48)
    result = style.stylize_fast(garment, fabric, stylizer, mask=style.garment_mask(garment))
    assert result.image.shape == garment.shape
    (tmp_path / "decoder.safetensors").write_bytes(b"tampered")
    with pytest.raises(style.StyleInputError, match="checksum"):
        style.load_fast_stylizer(tmp_path / "decoder.safetensors")


def stripes(size: int, vertical: bool, band: int = 8) -> torch.Tensor:
    band = ((torch.arange(size) // band) % 2).float()
    grid = band[None, :].expand(size, size) if vertical else band[:, None].expand(size, size)
    return torch.stack([0.15 + 0.7 * grid, 0.2 + 0.5 * grid, 0.6 - 0.4 * grid])[None]


def test_shipped_fast_stylizer_transfers_pattern_not_only_colour():
    """A plain grey garment given horizontal stripes gets horizontal structure, given vertical
    stripes vertical structure, and given the stripes' average colour almost none."""
    stylizer = style.load_fast_stylizer()
    garment = torch.full((1, 3, 128, 128), 0.6)
    garment[..., 16:112, 24:104] = 0.45  # a grey body on a lighter ground

    def energy(x):  # (change down the picture, change across it) inside the body
        body = x[..., 24:104, 32:96].mean(1)
        return float((body[:, 1:] - body[:, :-1]).abs().mean()), float((body[..., 1:] - body[..., :-1]).abs().mean())

    down_h, across_h = energy(stylizer(garment, stripes(128, vertical=False)))
    down_v, across_v = energy(stylizer(garment, stripes(128, vertical=True)))
    flat = stripes(128, vertical=False).mean((2, 3), keepdim=True).expand(1, 3, 128, 128)
    down_f, across_f = energy(stylizer(garment, flat))
    assert down_h > 1.5 * across_h and across_v > 1.5 * down_v, (down_h, across_h, down_v, across_v)
    assert down_h > 3 * down_f and across_v > 3 * across_f, (down_h, down_f, across_v, across_f)


def test_fast_mode_draws_a_fabric_at_its_period_when_draped_first():
    """Given the draped garment, the decoder keeps the fabric's stripes where the drape put them;
    given the bare garment (a picture style), it cannot place them. (The 3,000-step decoder blurs
    stripes much finer than these 10 px ones: the drape alone, steps=0 in `stylize`, is crisper.)"""
    stylizer = style.load_fast_stylizer()
    garment = torch.full((1, 3, 128, 128), 0.6)
    mask = torch.zeros(1, 1, 128, 128)
    mask[..., 16:112, 24:104] = 1.0
    fabric = stripes(64, vertical=False, band=16)
    laid_out = style.fabric_at_scale(fabric, garment)

    def follows_the_fabric(x):  # correlation of the body's row brightness with the laid-out fabric's
        rows = torch.stack([x[0, :, 24:104, 32:96].mean((0, 2)), laid_out[0, :, 24:104, 32:96].mean((0, 2))])
        return float(torch.corrcoef(rows)[0, 1])

    draped = style.stylize_fast(garment, fabric, stylizer, mask=mask).image
    whole = style.stylize_fast(garment, fabric, stylizer, mask=mask, fabric_scale=None).image
    assert follows_the_fabric(draped) > 0.3 and follows_the_fabric(draped) > follows_the_fabric(whole) + 0.3


def test_shipped_fast_stylizer_is_small_and_checksummed():
    from couturier.style.adain import DECODER_WEIGHTS

    assert DECODER_WEIGHTS.stat().st_size < 2_000_000
    out = style.load_fast_stylizer()(torch.rand(1, 3, 40, 40), torch.rand(1, 3, 32, 32))
    assert out.shape == (1, 3, 40, 40)  # any size: padded to a multiple of 16 inside

