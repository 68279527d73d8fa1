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



def test_the_spectrum_constraint_keeps_a_periodic_fabrics_repeats(net):
    """Liu et al.'s term pulls the result's Fourier magnitudes towards the swatch's: with it, the
    magnitudes of a striped fabric end closer to the swatch's than with the Gram loss alone."""
    from couturier.style.texture import swatch_modulus

    band = ((torch.arange(64) // 8) % 2).float()[:, None].expand(64, 64)
    swatch = torch.stack([0.2 + 0.6 * band, 0.3 * band + 0.2, 0.7 - 0.4 * band])[None]
    target = swatch_modulus(swatch, 96)

    def spectrum_error(weight):
        x = style.synthesize_texture(swatch, net, size=96, tileable=True, steps=30, spectrum_weight=weight,
                                     progress=False, repeat=False).image  # synthesis, not the repeat tiled
        return float((torch.fft.rfft2(x).abs() - target).abs().mean() / target.mean())

    assert spectrum_error(10.0) < 0.7 * spectrum_error(0.0)  # measured 0.29 against 0.48


def test_a_tiny_swatch_is_enlarged_not_refused(net):
    swatch = torch.rand(1, 3, 24, 20, generator=torch.Generator().manual_seed(0))
    result = style.synthesize_texture(swatch, net, size=64, steps=2, progress=False)
    assert result.image.shape == (1, 3, 64, 64)


def test_coarse_levels_stop_where_the_swatchs_repeat_would_shrink_under_the_networks_grid():
    """Halving a 12 px repeat leaves 6 px, under the network's stride-8 grid: no coarse level; a
    20 px repeat halves once, a 48 px one as often as the size allows (down to 128 px); a swatch
    without a repeat is not held back by its spectrum's peak."""
    from couturier.style.texture import coarse_factors

    def bricks(period: int) -> torch.Tensor:
        lines = ((torch.arange(256) % period) < 2).float()
        return (0.3 + 0.5 * torch.maximum(lines[:, None], lines[None, :])).expand(1, 3, 256, 256)

    assert coarse_factors(bricks(12), 512) == []
    assert coarse_factors(bricks(20), 512) == [2]
    assert coarse_factors(bricks(48), 512) == [2, 4]
    noise = torch.rand(1, 3, 256, 256, generator=torch.Generator().manual_seed(0))
    assert coarse_factors(noise, 512) == [2, 4]
