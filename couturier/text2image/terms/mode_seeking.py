"""Mode seeking (MSGAN, Mao et al. 2019): two seeds of one description must draw different pictures."""
from __future__ import annotations

import torch


def mode_seeking_penalty(images: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """MSGAN (Mao et al., 2019): the batch's two halves share conditions and differ in noise; the
    penalty is the inverse of how far apart their images are per unit of noise distance, so a
    generator that ignores its noise (the same garment for every seed) pays for it."""
    half = images.shape[0] // 2
    image_gap = (images[:half] - images[half:2 * half]).abs().mean()
    noise_gap = (z[:half] - z[half:2 * half]).abs().mean()
    return 1.0 / (image_gap / noise_gap + 1e-5)
