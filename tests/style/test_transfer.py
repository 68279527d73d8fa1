"""style/transfer.py: Gatys transfer under a mask, colour kept."""
from __future__ import annotations

import pytest
import torch

from couturier import style


@pytest.fixture(scope="module")
def net():
    return style.load_style_net()


def test_stylize_moves_style_towards_fabric_and_keeps_background_under_mask(net, pictures):
    garment, fabric = (style.read_rgb(p, 64) for p in pictures)
    mask = style.garment_mask(garment)
    assert 0.2 < float((mask > 0.5).float().mean()) < 0.6
    before = style.stylize(garment, fabric, net, steps=0, mask=mask, progress=False)
    after = style.stylize(garment, fabric, net, steps=15, mask=mask, progress=False)
    assert after.style_loss < 0.7 * before.style_loss
    background = mask < 0.01
    assert torch.allclose(after.image[background.expand_as(garment)], garment[background.expand_as(garment)])
    assert not torch.allclose(after.image, garment, atol=0.05)  # the garment did change


def test_preserve_color_keeps_the_garments_hue(net, pictures):
    garment, fabric = (style.read_rgb(p, 64) for p in pictures)
    plain = style.stylize(garment, fabric, net, steps=10, progress=False).image
    kept = style.stylize(garment, fabric, net, steps=10, preserve_color=True, progress=False).image

    def chroma_error(x):  # distance of the red/blue balance from the garment's
        return float(((x[:, 0] - x[:, 2]) - (garment[:, 0] - garment[:, 2])).abs().mean())

    assert chroma_error(kept) < chroma_error(plain)

