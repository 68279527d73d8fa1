"""DiffAugment (Zhao et al., 2020): differentiable augmentations applied to both real
and fake images before D, so D cannot memorise a small dataset while G still gets
gradients through the augmentation.

Written by hand because it is a few tensor operations and the libraries that offer
it (kornia and others) are large dependencies for this; the policy names follow the
paper: color, translation, cutout.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from couturier.errors import ConfigError
from couturier.noise import Noise


def _per_image(x, noise: Noise, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    """One uniform number per image, drawn for the global batch (see couturier.noise)."""
    draw = noise.uniform(x.size(0), 1, 1, 1, dtype=x.dtype, device=x.device)
    return draw * (high - low) + low


def _offsets(low: int, high: int, n: int, device, noise: Noise) -> torch.Tensor:
    return noise.integers(high, n, device, low=low, shape=(1, 1))


def _brightness(x, noise):
    return x + _per_image(x, noise, -0.5, 0.5)


def _saturation(x, noise):
    if x.size(1) == 1:
        return x
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * _per_image(x, noise, 0.0, 2.0) + mean


def _contrast(x, noise):
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * _per_image(x, noise, 0.5, 1.5) + mean


def _translation(x, noise, ratio: float = 0.125):
    """Shift each image by up to `ratio` of its size, filling with zeros (mid-grey)."""
    n, _, h, w = x.shape
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = _offsets(-sh, sh + 1, n, x.device, noise)
    dx = _offsets(-sw, sw + 1, n, x.device, noise)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    gy = torch.clamp(gy[None] + dy + 1, 0, h + 1)
    gx = torch.clamp(gx[None] + dx + 1, 0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])
    flat = padded.flatten(2)  # (n, c, (h+2)*(w+2))
    index = (gy * (w + 2) + gx).flatten(1)[:, None, :].expand(-1, x.size(1), -1)
    return flat.gather(2, index).view_as(x)


def _cutout(x, noise, ratio: float = 0.5):
    """Zero one random square of `ratio` of the size per image."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = _offsets(0, h + (1 - ch % 2), n, x.device, noise)
    cx = _offsets(0, w + (1 - cw % 2), n, x.device, noise)
    gy = torch.arange(h, device=x.device)[None, :, None]
    gx = torch.arange(w, device=x.device)[None, None, :]
    top, left = cy - ch // 2, cx - cw // 2  # the square may reach past the border, as in the paper
    inside = (gy >= top) & (gy < top + ch) & (gx >= left) & (gx < left + cw)
    return x * (~inside).unsqueeze(1).to(x.dtype)


POLICIES = {
    "color": (_brightness, _saturation, _contrast),
    "translation": (_translation,),
    "cutout": (_cutout,),
}


def parse_policy(policy: str) -> tuple[str, ...]:
    names = tuple(p.strip() for p in policy.split(",") if p.strip())
    bad = [p for p in names if p not in POLICIES]
    if bad:
        raise ConfigError(f"unknown DiffAugment policy {bad}; valid: {', '.join(POLICIES)}, or 'auto'",
                          field="train.diffaugment")
    return names


def diff_augment(x: torch.Tensor, policy: tuple[str, ...], noise: Noise = Noise()) -> torch.Tensor:
    for name in policy:
        for op in POLICIES[name]:
            x = op(x, noise)
    return x.contiguous()
