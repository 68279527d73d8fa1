"""Fabric from a swatch: a periodic swatch's repeat tiled, any other grown by synthesis.

0. A swatch that repeats (checks, stripes, knits: its autocorrelation peaks at a period along
   an axis) is grown by repeating one cell of it, made exactly periodic, at its scale
   (couturier/style/periodic.py): the pattern a designer brings, seamless, its period kept to
   within half a repeat. Synthesis lets a repeat drift; the steps below serve the rest.
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
import torch.nn.functional as F

from couturier.style.images import MIN_SIDE, StyleInputError, require_min_side
from couturier.style.losses import gram, style_loss, total_variation
from couturier.style.periodic import PROMINENT, calmest_cut, repeat_fabric, spectrum_peak
from couturier.style.transfer import StyleResult, lbfgs_optimise


def texton(swatch: torch.Tensor, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The swatch's mean, and its mean-free part tapered at the edges on a size x size canvas,
    scaled so that a circular convolution with white noise has the swatch's variance."""
    _, channels, h, w = swatch.shape
    if h > size or w > size:
        swatch = swatch[..., :size, :size]
        h, w = swatch.shape[-2:]
    mean = swatch.mean((2, 3), keepdim=True)
    # a raised-cosine taper on the outer eighth stops the swatch's edges from printing as lines
    taper = [torch.clamp(torch.minimum(torch.arange(n) + 0.5, n - torch.arange(n) - 0.5) / max(n / 8, 1), max=1)
             for n in (h, w)]
    window = (0.5 - 0.5 * torch.cos(torch.pi * taper[0]))[:, None] * (0.5 - 0.5 * torch.cos(torch.pi * taper[1]))
    canvas = torch.zeros(1, channels, size, size)
    canvas[..., :h, :w] = (swatch - mean) * window / window.pow(2).mean().sqrt() / (h * w) ** 0.5
    return mean, canvas


def spot_noise(swatch: torch.Tensor, size: int, generator: torch.Generator) -> torch.Tensor:
    """ADSN: the texton circularly convolved with one white-noise field shared by the three
    channels (which keeps the colours' correlations)."""
    mean, canvas = texton(swatch, size)
    noise = torch.randn(1, 1, size, size, generator=generator)
    spectrum = torch.fft.rfft2(canvas) * torch.fft.rfft2(noise)
    return (mean + torch.fft.irfft2(spectrum, s=(size, size))).clamp(0, 1)


def spectrum_projection(x: torch.Tensor, modulus: torch.Tensor) -> torch.Tensor:
    """The image nearest x whose Fourier modulus is `modulus` (x's phases, the swatch's magnitudes):
    Liu, Gousseau & Xia (2016) pull towards it so periodic fabric keeps its regular repeats, which
    Gram matrices, blind to where things are, let drift."""
    spectrum = torch.fft.rfft2(x)
    return torch.fft.irfft2(modulus * spectrum / spectrum.abs().clamp_min(1e-8), s=x.shape[-2:])


def swatch_modulus(swatch: torch.Tensor, size: int) -> torch.Tensor:
    """The expected Fourier modulus of size x size fabric like the swatch: its texton's, times
    white noise's (size), and the mean at the zero frequency."""
    mean, canvas = texton(swatch, size)
    modulus = torch.fft.rfft2(canvas).abs() * size
    modulus[..., 0, 0] = mean.flatten() * size * size
    return modulus


SWATCH_MIN_SIDE = 64  # a swatch cut from a 60x80 catalogue photo is ~24 px: its pattern is enlarged to this


def enlarge_small(swatch: torch.Tensor) -> torch.Tensor:
    """Swatches under SWATCH_MIN_SIDE on their short side, scaled up (bicubic) to it: the network
    needs room to see a repeat, and a tiny crop's pattern is meant to be seen larger."""
    short = min(swatch.shape[-2:])
    if short >= SWATCH_MIN_SIDE:
        return swatch
    return F.interpolate(swatch, scale_factor=SWATCH_MIN_SIDE / short, mode="bicubic", align_corners=False).clamp(0, 1)


COARSEST = 128  # coarse-to-fine: the first level is synthesised at this size (or the requested one)
# A coarse level must still see the swatch's repeat: finer than the network's stride-8 grid, bricks
# shrunk to 4 px are drawn as texture, and the finer levels keep the coarse level's wrong period.
FINEST_LEVEL_PERIOD = 8.0


def coarse_factors(swatch: torch.Tensor, size: int) -> list[int]:
    """The downscaling factors (2, 4, ...) of the coarse levels above the requested size: while the
    level is at least COARSEST, the swatch keeps MIN_SIDE pixels, and a clear repeat stays at least
    FINEST_LEVEL_PERIOD pixels."""
    period, prominence = spectrum_peak(swatch)
    smallest = period / FINEST_LEVEL_PERIOD if prominence >= PROMINENT else float("inf")
    factors = []
    factor = 2
    while size // factor >= COARSEST and min(swatch.shape[-2:]) // factor >= MIN_SIDE and factor <= smallest:
        factors.append(factor)
        factor *= 2
    return factors


def synthesize_texture(swatch: torch.Tensor, net, size: int = 512, tileable: bool = False,
                       seed: int = 0, steps: int = 40, tv_weight: float = 0.1, spectrum_weight: float = 0.0,
                       progress: bool = True, coarse_to_fine: bool = True, repeat: bool = True) -> StyleResult:
    """swatch: (1, 3, h, w) in [0, 1] -> a new (1, 3, size, size) piece of the same fabric.
    With `repeat`, a swatch that repeats is tiled by its own cell (`result.method` says "repeat");
    otherwise it is synthesised ("synthesis"). `spectrum_weight` > 0 adds the Fourier spectrum
    constraint to synthesis (for near-periodic fabric)."""
    if tileable and size % 16:
        raise StyleInputError(f"a tileable fabric's size must be a multiple of 16, got {size} (the network halves "
                              f"the image four times and must stay periodic)", field="size")
    swatch = enlarge_small(swatch)
    require_min_side(swatch, "swatch")
    if size < MIN_SIDE:
        raise StyleInputError(f"size {size} is too small; the fabric needs at least {MIN_SIDE} pixels a side",
                              field="size")
    start = time.perf_counter()
    repeated = repeat_fabric(swatch, size, seed) if repeat else None
    if repeated is not None:  # periodic whether asked to tile or not: the repeat is the fabric
        return StyleResult(calmest_cut(repeated) if tileable else repeated, 0.0, float("nan"),
                           time.perf_counter() - start, "repeat")
    net = copy.deepcopy(net)  # a private copy to re-pad: the caller's may serve other threads
    net.set_padding("circular" if tileable else "reflect")
    # Coarse to fine (as in Snelgrove 2017): the fabric's large structures (a brick's courses, a
    # check's grid) form at a quarter or half size, where the network sees them whole; each finer
    # level starts from the coarser result enlarged and adds the detail.
    scales = coarse_factors(swatch, size) if coarse_to_fine else []
    image = None
    for factor in [*reversed(scales), 1]:
        level_swatch = F.interpolate(swatch, scale_factor=1 / factor, mode="area") if factor > 1 else swatch
        level_size = size // factor
        if image is None:
            image = spot_noise(level_swatch, level_size, torch.Generator().manual_seed(seed))
        else:
            image = _enlarge(image, level_size, tileable)
        image, final = _refine(image, level_swatch, net, steps, tv_weight, spectrum_weight, progress, tileable)
    return StyleResult(calmest_cut(image) if tileable else image, 0.0, final, time.perf_counter() - start, "synthesis")


def _enlarge(image: torch.Tensor, size: int, periodic: bool) -> torch.Tensor:
    """Bilinear upsampling; periodic pictures are padded around first so the edges stay seamless."""
    if not periodic:
        return F.interpolate(image, size=(size, size), mode="bilinear", align_corners=False)
    factor = size // image.shape[-1]
    wrapped = F.pad(image, (1, 1, 1, 1), mode="circular")
    big = F.interpolate(wrapped, scale_factor=factor, mode="bilinear", align_corners=False)
    return big[..., factor:factor + size, factor:factor + size]


def _refine(image, swatch, net, steps, tv_weight, spectrum_weight, progress,
            tileable: bool) -> tuple[torch.Tensor, float]:
    """Gram (and spectrum) matching from `image` for `steps` L-BFGS iterations at its size."""
    size = image.shape[-1]
    with torch.no_grad():
        targets = {k: gram(v) for k, v in net(swatch, net.style_layers).items()}

    modulus = swatch_modulus(swatch, size) if spectrum_weight > 0 else None

    def objective(x):
        loss = style_loss(net(x, net.style_layers), targets)
        total = loss + tv_weight * total_variation(x, circular=tileable)
        if modulus is not None:
            with torch.no_grad():
                target = spectrum_projection(x, modulus)
            total = total + spectrum_weight * (x - target).pow(2).mean() / target.var().clamp_min(1e-6)
        return total, {"style": loss.item()}

    # On a torus the picture may be turned: each quarter of the steps sees it shifted anew, so the
    # network's stride grid (every 8 px, where the steps of its stride-2 convolutions meet) falls
    # on other pixels each time instead of printing a faint grid, and a seam along it.
    rounds = ROUNDS if tileable and steps >= 2 * ROUNDS else 1
    shifts = torch.randint(0, 16, (rounds, 2), generator=torch.Generator().manual_seed(size))
    for turn, (dy, dx) in enumerate(shifts.tolist()):
        steps_now = steps // rounds + (steps % rounds if turn == rounds - 1 else 0)
        label = f"texture {size}px" + (f" ({turn + 1}/{rounds})" if rounds > 1 else "")
        shifted = lbfgs_optimise(image.roll((dy, dx), (-2, -1)), objective, steps_now, label, progress)
        image = shifted.roll((-dy, -dx), (-2, -1))
    with torch.no_grad():
        return image, float(style_loss(net(image, net.style_layers), targets))


ROUNDS = 4  # shifts of a tileable fabric during refinement (see _refine)
