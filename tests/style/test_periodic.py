"""style/periodic.py: a swatch's repeat found, and fabric that repeats it at its scale, seamless."""
import math

import pytest
import torch

from couturier import style
from couturier.style.periodic import dominant_period, lattice, periodic_component, repeat_fabric


def check(width: int = 150, height: int = 130, across: float = 23.5, down: float = 31.0, seed: int = 0):
    """A woven check: two colours of bands across and down, a little thread noise, cut off mid-repeat."""
    y, x = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32),
                          indexing="ij")
    warp = (torch.sin(2 * math.pi * x / across) > 0.3).float()
    weft = (torch.sin(2 * math.pi * y / down) > 0.0).float()
    navy, cream, red = torch.tensor([0.1, 0.1, 0.4]), torch.tensor([0.9, 0.85, 0.7]), torch.tensor([0.7, 0.1, 0.1])
    picture = cream[:, None, None] + (navy - cream)[:, None, None] * warp + (red - cream)[:, None, None] * weft * 0.5
    noise = 0.03 * torch.randn(1, 3, height, width, generator=torch.Generator().manual_seed(seed))
    return (picture[None] + noise).clamp(0, 1)


def test_the_lattice_of_a_check_is_found_to_a_fraction_of_a_pixel_and_noise_has_none():
    across, down = lattice(check())
    assert abs(across - 23.5) < 0.5 and abs(down - 31.0) < 0.5
    assert lattice(torch.rand(1, 3, 128, 128, generator=torch.Generator().manual_seed(1))) == (None, None)


def test_the_dominant_period_is_the_spectrum_peak():
    assert dominant_period(check(256, 256, across=20.0, down=1e9)) == pytest.approx(20.0, rel=0.03)


def test_the_periodic_component_tiles_without_a_seam_and_keeps_the_picture():
    gradient = torch.linspace(0, 1, 64)[None, None, None, :].expand(1, 3, 64, 64).clone()  # a ramp: one strong seam
    smooth = periodic_component(gradient + 0.02 * torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(2)))
    assert style.seam_ratio(gradient) > 10 and style.seam_ratio(smooth) < 1.1


@pytest.mark.parametrize("size", [256, 512])
def test_a_checked_swatch_is_repeated_at_its_scale_and_tiles_seamlessly(size):
    swatch = check()
    fabric = repeat_fabric(swatch, size, seed=3)
    assert fabric.shape == (1, 3, size, size) and 0 <= fabric.min() and fabric.max() <= 1
    assert style.seam_ratio(fabric) <= 1.10
    across, down = lattice(fabric)
    assert abs(across - 23.5) / 23.5 < 0.1 and abs(down - 31.0) / 31.0 < 0.1  # the swatch's repeat, at its scale
    wanted = dominant_period(swatch)
    assert abs(dominant_period(fabric, min(swatch.shape[-2:]) / 2) - wanted) / wanted < 0.1
    assert repeat_fabric(torch.rand(1, 3, 96, 96, generator=torch.Generator().manual_seed(1)), size) is None


def test_texture_repeats_a_periodic_swatch_and_synthesises_the_rest():
    net = style.load_style_net("random")
    periodic = style.synthesize_texture(check(), net, 128, tileable=True, steps=0, progress=False)
    stochastic = style.synthesize_texture(torch.rand(1, 3, 96, 96, generator=torch.Generator().manual_seed(4)),
                                          net, 128, tileable=True, steps=0, progress=False)
    assert periodic.method == "repeat" and stochastic.method == "synthesis"
    forced = style.synthesize_texture(check(), net, 128, tileable=True, steps=0, progress=False, repeat=False)
    assert forced.method == "synthesis"


def test_a_tile_is_cut_where_the_fabric_is_calmest_and_stays_the_same_torus():
    from couturier.style.periodic import calmest_cut

    fabric = torch.rand(1, 3, 40, 48, generator=torch.Generator().manual_seed(5))
    cut = calmest_cut(fabric)
    gray, cut_gray = fabric[0].mean(0), cut[0].mean(0)
    column_jumps = (gray.roll(-1, 1) - gray).abs().mean(0)
    assert float((cut_gray[:, 0] - cut_gray[:, -1]).abs().mean()) == pytest.approx(float(column_jumps.min()))
    assert any(torch.equal(cut, fabric.roll((dy, dx), (-2, -1))) for dy in range(40) for dx in range(48))
