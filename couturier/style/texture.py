"""Fabric synthesis from a swatch: random-phase noise refined by Gram-matrix synthesis.

1. Spot noise (ADSN, Galerne, Gousseau & Morel 2011): white noise convolved, circularly, with the
   mean-free swatch. It has exactly the swatch's colours and power spectrum (its autocorrelation)
   at any size, costs two FFTs, and is periodic by construction.
2. Gram-matrix synthesis (Gatys, Ecker & Bethge 2015) from there adds what a spectrum cannot hold:
   edges and fibres, the network's higher-order statistics. Started from noise, as in the paper,
   our quarter-width random network still drew coloured static after 120 L-BFGS steps; started from
   spot noise it needs tens. When tileable, every convolution pads circularly, so the network sees
   a torus and the fabric stays seamless.

Why not patch-based quilting: it copies the swatch's patches (visible repeats on a 512px piece cut
from a 64px swatch), and making quilting wrap around needs a second, constrained pass; spot noise is
periodic for free and the Gram step shares the style-transfer code.
"""
from __future__ import annotations

import copy
import time

import torch

from couturier.style.images import MIN_SIDE, StyleInputError, require_min_side
from couturier.style.losses import gram, style_loss, total_variation
from couturier.style.transfer import StyleResult, lbfgs_optimise


def spot_noise(swatch: torch.Tensor, size: int, generator: torch.Generator) -> torch.Tensor:
    """ADSN: mean + (swatch - mean) / sqrt(area), tapered at its edges, circularly convolved with
    one white-noise field shared by the three channels (which keeps the colours' correlations)."""
    _, channels, h, w = swatch.shape
    if h > size or w > size:
        swatch = swatch[..., :size, :size]
        h, w = swatch.shape[-2:]
    mean = swatch.mean((2, 3), keepdim=True)
    # a raised-cosine taper on the outer eighth stops the swatch's edges from printing as lines
    taper = [torch.clamp(torch.minimum(torch.arange(n) + 0.5, n - torch.arange(n) - 0.5) / max(n / 8, 1), max=1)
             for n in (h, w)]
    window = (0.5 - 0.5 * torch.cos(torch.pi * taper[0]))[:, None] * (0.5 - 0.5 * torch.cos(torch.pi * taper[1]))
    texton = (swatch - mean) * window / window.pow(2).mean().sqrt() / (h * w) ** 0.5
    canvas = torch.zeros(1, channels, size, size)
    canvas[..., :h, :w] = texton
    noise = torch.randn(1, 1, size, size, generator=generator)
    spectrum = torch.fft.rfft2(canvas) * torch.fft.rfft2(noise)
    return (mean + torch.fft.irfft2(spectrum, s=(size, size))).clamp(0, 1)


def synthesize_texture(swatch: torch.Tensor, net, size: int = 512, tileable: bool = False,
                       seed: int = 0, steps: int = 40, tv_weight: float = 0.1,
                       progress: bool = True) -> StyleResult:
    """swatch: (1, 3, h, w) in [0, 1] -> a new (1, 3, size, size) piece of the same fabric."""
    if tileable and size % 16:
        raise StyleInputError(f"a tileable fabric's size must be a multiple of 16, got {size} (the network halves "
                              f"the image four times and must stay periodic)", field="size")
    require_min_side(swatch, "swatch")
    if size < MIN_SIDE:
        raise StyleInputError(f"size {size} is too small; the fabric needs at least {MIN_SIDE} pixels a side",
                              field="size")
    start = time.perf_counter()
    with torch.no_grad():
        targets = {k: gram(v) for k, v in net(swatch, net.style_layers).items()}
    image = spot_noise(swatch, size, torch.Generator().manual_seed(seed))
    net = copy.deepcopy(net)  # a private copy to re-pad: the caller's may serve other threads
    net.set_padding("circular" if tileable else "reflect")

    def objective(x):
        loss = style_loss(net(x, net.style_layers), targets)
        return loss + tv_weight * total_variation(x), {"style": loss.item()}

    image = lbfgs_optimise(image, objective, steps, "texture", progress)
    with torch.no_grad():
        final = float(style_loss(net(image, net.style_layers), targets))
    return StyleResult(image, 0.0, final, time.perf_counter() - start)
