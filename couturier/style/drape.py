"""Drape a fabric over a garment: the fabric repeated across the garment, lit by the garment's folds.

This is the retoucher's fabric swap, and the start of Gatys transfer: an optimisation that starts
from the garment's own pixels has to invent a stripe or a check from the Gram loss alone, and at
150 L-BFGS steps it leaves grainy static where the stripes should be; started from the draped
fabric, the pattern is already there and the optimisation only blends it into the garment.

Written here because no kept library does it: it is a mirrored tiling and one luminance ratio.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from couturier.errors import StyleInputError
from couturier.style.light import SHADING_LIMITS, garment_light

FABRIC_SCALE = 0.3  # one swatch spans 0.3 of the photo's long side: a 24-pixel crop of a 60x80 catalogue
                    # photo, put on another photo of the catalogue, keeps its size in the world
MAX_FABRIC_SCALE = 4.0  # one copy four times the photo: beyond it the laid-out swatch only costs memory
_LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)  # ITU-R BT.601, as PIL's "L" mode


def mirror_tile(fabric: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """The fabric repeated to (height, width), every other copy mirrored so that a swatch that was
    never made to repeat meets itself without a seam."""
    rows = -(-height // fabric.shape[-2])
    cols = -(-width // fabric.shape[-1])
    row = torch.cat([fabric if i % 2 == 0 else fabric.flip(-1) for i in range(cols)], -1)
    tiled = torch.cat([row if i % 2 == 0 else row.flip(-2) for i in range(rows)], -2)
    return tiled[..., :height, :width]


def fabric_at_scale(fabric: torch.Tensor, content: torch.Tensor, scale: float = FABRIC_SCALE) -> torch.Tensor:
    """A swatch laid out over the whole content picture: its light evened out (a crop of a photo
    is lit from one side, and mirrored copies of a fade make diamonds), scaled so that its long
    side is `scale` of the content's, and mirror-tiled to the content's size."""
    luma = (fabric * _LUMA.to(fabric)).sum(1, keepdim=True)
    light = _blur(luma, max(fabric.shape[-2:]) / 4)  # a check a quarter of the swatch wide survives
    even = (fabric * (light.mean() / light.clamp_min(0.02))).clamp(0.0, 1.0)
    long_side = max(2, round(scale * max(content.shape[-2:])))
    ratio = long_side / max(fabric.shape[-2:])
    size = (max(2, round(fabric.shape[-2] * ratio)), max(2, round(fabric.shape[-1] * ratio)))
    resized = F.interpolate(even, size=size, mode="bicubic", align_corners=False, antialias=ratio < 1).clamp(0.0, 1.0)
    return mirror_tile(resized, *content.shape[-2:])


def covering_reach(shape: tuple[int, ...]) -> int:
    """How many pixels `covering` grows a mask by, on a picture of this shape: two at 256 px."""
    return max(1, round(max(shape[-2:]) / 128))


def covering(mask: torch.Tensor | None, content: torch.Tensor) -> torch.Tensor | None:
    """The garment mask grown by two pixels at 256 px: the automatic mask stops just inside the
    outline, and the garment's old colour showed as a fringe around the new fabric."""
    if mask is None:
        return None
    reach = covering_reach(content.shape)
    return F.max_pool2d(mask, 2 * reach + 1, stride=1, padding=reach)


def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, round(3 * sigma))
    taps = torch.arange(-radius, radius + 1, dtype=x.dtype)
    kernel = torch.exp(-0.5 * (taps / sigma) ** 2)
    kernel = kernel / kernel.sum()
    x = F.pad(x, (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, kernel.view(1, 1, 1, -1))
    return F.conv2d(x, kernel.view(1, 1, -1, 1))


def shading(content: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """(1, 1, H, W): the garment's folds and light. With a mask, read within the garment without
    what it is made of (light.py: a black top or a printed motif does not darken the new fabric);
    without one, the picture's brightness over its mean, blurred so that a small print or check does
    not show through."""
    if mask is not None:
        photo = (content[0].permute(1, 2, 0).clamp(0.0, 1.0) * 255).round().to(torch.uint8).numpy()
        return torch.from_numpy(garment_light(photo, mask[0, 0].numpy() > 0.5))[None, None].to(content)
    luma = (content * _LUMA.to(content)).sum(1, keepdim=True)
    luma = _blur(luma, max(1.0, 2.0 * max(content.shape[-2:]) / 256))
    return (luma / luma.mean().clamp_min(0.05)).clamp(*SHADING_LIMITS)


def drape(content: torch.Tensor, fabric: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """content: (1, 3, H, W) in [0, 1]; fabric: the same size (`fabric_at_scale`); mask: (1, 1, H, W)
    or None (the whole picture is the garment)."""
    lit = (fabric * shading(content, mask)).clamp(0.0, 1.0)
    return lit if mask is None else torch.lerp(content, lit, covering(mask, content))


@dataclass
class Draped:
    """A fabric put on a garment: the fabric laid out at the garment's size, the garment draped in
    it, and the mask the fabric covers."""

    fabric: torch.Tensor
    picture: torch.Tensor
    mask: torch.Tensor | None


def drape_fabric(content: torch.Tensor, swatch: torch.Tensor, mask: torch.Tensor | None,
                 scale: float = FABRIC_SCALE) -> Draped:
    """The first step of both style-transfer modes when the style is a fabric swatch."""
    if not 0 < scale <= MAX_FABRIC_SCALE:
        raise StyleInputError(f"the fabric scale must be above 0 and at most {MAX_FABRIC_SCALE:g} (got {scale:g})",
                              field="fabric_scale")
    fabric = fabric_at_scale(swatch, content, scale)
    return Draped(fabric, drape(content, fabric, mask), covering(mask, content))
