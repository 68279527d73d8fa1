"""Gatys et al. (2016) losses: content on one deep layer, Gram-matrix style on several.

Each term is divided by the size of its target, so layers with large activations do not drown
the others and the same weights work for the random and the ImageNet network alike.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def gram(features: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, C) channel correlations, averaged over the (masked) positions."""
    n, c, h, w = features.shape
    if mask is not None:
        weights = F.interpolate(mask, size=(h, w), mode="area")
        features = features * weights.sqrt()
        positions = weights.sum().clamp_min(1.0)
    else:
        positions = h * w
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / positions


def style_loss(features: dict[str, torch.Tensor], targets: dict[str, torch.Tensor],
               mask: torch.Tensor | None = None) -> torch.Tensor:
    losses = [(gram(features[name], mask) - target).pow(2).sum() / target.pow(2).sum().clamp_min(1e-12)
              for name, target in targets.items()]
    return torch.stack(losses).mean()


def content_loss(features: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(features, target) / target.pow(2).mean().clamp_min(1e-12)


def total_variation(x: torch.Tensor, circular: bool = False) -> torch.Tensor:
    """Mean squared difference of neighbouring pixels. `circular` counts the last row and column
    as neighbours of the first: a tileable fabric's seam is smoothed like any other edge, where
    leaving it out kept the seam as sharp as the unsmoothed picture, above its smoothed inside."""
    if circular:
        return (x - x.roll(1, -2)).pow(2).mean() + (x - x.roll(1, -1)).pow(2).mean()
    return (x[..., 1:, :] - x[..., :-1, :]).pow(2).mean() + (x[..., :, 1:] - x[..., :, :-1]).pow(2).mean()
