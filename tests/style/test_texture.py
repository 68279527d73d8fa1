"""style/texture.py: tileable fabric."""
from __future__ import annotations

import pytest
import torch
from conftest import fabric_picture, save_picture

from couturier import style


@pytest.fixture(scope="module")
def net():
    return style.load_style_net()


def test_tileable_texture_has_no_seam_and_follows_the_seed(net, tmp_path):
    swatch = style.read_rgb(save_picture(fabric_picture(48), tmp_path / "swatch.png"))
    a = style.synthesize_texture(swatch, net, size=96, tileable=True, seed=1, steps=8, progress=False)
    b = style.synthesize_texture(swatch, net, size=96, tileable=True, seed=1, steps=8, progress=False)
    c = style.synthesize_texture(swatch, net, size=96, tileable=True, seed=2, steps=8, progress=False)
    assert a.image.shape == (1, 3, 96, 96)
    assert torch.equal(a.image, b.image) and not torch.equal(a.image, c.image)
    assert style.seam_ratio(a.image) < 1.25
    # the measure does see a seam: a crop of a smooth gradient jumps back at every edge
    ramp = torch.linspace(0, 1, 96).view(1, 1, 1, 96).expand(1, 3, 96, 96)
    assert style.seam_ratio(ramp) > 10
    # and the colours are the fabric's: yellow and blue, not noise around grey
    assert abs(float(a.image.mean()) - float(swatch.mean())) < 0.1

