"""Mode seeking (MSGAN, Mao et al. 2019): two seeds of one description must draw different pictures.

The model repeats the first half of the batch's descriptions in the second half (`pair_up`), so
row i and row i + N/2 differ only in their noise."""
from __future__ import annotations

import torch

from couturier.text2image.terms import Term


def pair_up(batch):
    """The batch with its second half replaced by its first (an odd last row kept): seed pairs."""
    half = len(batch) // 2
    if isinstance(batch, torch.Tensor):
        return torch.cat([batch[:half], batch[:half], batch[2 * half:]])
    return type(batch).cat([batch[:half], batch[:half], batch[2 * half:]])


def mode_seeking_penalty(images: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """The inverse of how far apart the two halves' images are per unit of noise distance, so a
    generator that ignores its noise (the same garment for every seed) pays for it."""
    half = images.shape[0] // 2
    image_gap = (images[:half] - images[half:2 * half]).abs().mean()
    noise_gap = (z[:half] - z[half:2 * half]).abs().mean()
    return 1.0 / (image_gap / noise_gap + 1e-5)


class ModeSeeking(Term):
    def generator(self, fake, z, real):
        return self.weight * mode_seeking_penalty(fake, z)
