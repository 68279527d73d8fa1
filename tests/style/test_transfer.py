"""style/transfer.py: Gatys transfer under a mask, colour kept."""
from __future__ import annotations

import re

import pytest
import torch

from couturier import style
from couturier.style.drape import covering


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
    background = covering(mask, garment) < 0.01  # the fabric reaches just past the automatic outline
    assert torch.allclose(after.image[background.expand_as(garment)], garment[background.expand_as(garment)])
    assert not torch.allclose(after.image, garment, atol=0.05)  # the garment did change


def test_preserve_color_keeps_the_garments_hue(net, pictures):
    garment, fabric = (style.read_rgb(p, 64) for p in pictures)
    plain = style.stylize(garment, fabric, net, steps=10, progress=False).image
    kept = style.stylize(garment, fabric, net, steps=10, preserve_color=True, progress=False).image

    def chroma_error(x):  # distance of the red/blue balance from the garment's
        return float(((x[:, 0] - x[:, 2]) - (garment[:, 0] - garment[:, 2])).abs().mean())

    assert chroma_error(kept) < chroma_error(plain)



def test_a_red_garment_given_a_blue_fabric_turns_blue_not_its_complement(net):
    """Gram matrices of centred features cannot tell a colour from its negative: a red T-shirt
    given a blue check came out gold. Pixels in [0, 1] and a start in the fabric's colours fix it."""
    from conftest import garment_picture

    garment = style.from_pil(garment_picture(64))
    band = ((torch.arange(64) // 8) % 2).float()
    fabric = torch.stack([0.1 + 0.2 * band[:, None].expand(64, 64), 0.2 + 0.3 * band[:, None].expand(64, 64),
                          torch.full((64, 64), 0.85)])[None]
    mask = style.garment_mask(garment)
    result = style.stylize(garment, fabric, net, steps=10, mask=mask, progress=False).image
    inside = (mask > 0.9).expand_as(result)
    red, blue = float(result[:, 0:1][inside[:, :1]].mean()), float(result[:, 2:3][inside[:, :1]].mean())
    assert blue > red + 0.3, (red, blue)


def test_the_progress_bar_ends_full_and_says_why_lbfgs_stopped_early(capsys):
    """L-BFGS stops on its iteration bound before the evaluation bound the bar counts to."""
    from couturier.style.transfer import lbfgs_optimise

    target = torch.linspace(0, 1, 48).view(1, 3, 4, 4)
    lbfgs_optimise(torch.zeros(1, 3, 4, 4), lambda x: ((x - target).pow(2).sum(), {}), 8, "fit", progress=True)
    last = capsys.readouterr().err.strip().split("\r")[-1]
    assert "100%" in last and ("8 iterations done" in last or "converged" in last), last
    assert re.search(r"in (\d+) of 10 evaluations", last)
