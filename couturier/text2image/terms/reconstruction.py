"""Reconstruction: fakes drawn for the real batch's own descriptions must match their paired photo
at 16x16 (colour and silhouette), which teaches both in a few hundred steps."""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from couturier.text2image.terms import Term

RECONSTRUCTED = 16  # side of the averaged picture compared: colour and silhouette, not detail


class Reconstruction(Term):
    def __init__(self, weight: float, nearest: bool = False, pair_up: Callable = lambda batch: batch):
        """`pair_up`: how the model lays out the fakes' descriptions (the mode-seeking pairs), applied
        to the real photos so each fake meets its own. With `nearest` only the closer seed of each
        pair counts: pulled to one photo, both seeds would be pulled onto the same average garment."""
        super().__init__(weight)
        self.nearest, self.pair_up = nearest, pair_up

    def generator(self, fake, z, real):
        return self.weight * self.loss(fake, real)

    def loss(self, fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """L1 between the 16x16 averages of the fakes and their paired photos."""
        fake, real = F.adaptive_avg_pool2d(fake, RECONSTRUCTED), F.adaptive_avg_pool2d(self.pair_up(real), RECONSTRUCTED)
        if not self.nearest:
            return F.l1_loss(fake, real)
        gap = (fake - real).abs().flatten(1).mean(dim=1)
        half = gap.shape[0] // 2
        return torch.cat([torch.minimum(gap[:half], gap[half:2 * half]), gap[2 * half:]]).mean()
