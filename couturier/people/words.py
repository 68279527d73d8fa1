"""A garment drawn from words by a text-to-image run, as a product photo a try-on can dress with."""
from __future__ import annotations

import numpy as np
from PIL import Image

from couturier import sampling


def garment_from_words(loaded: sampling.LoadedGenerator, prompt: str, seed: int = 0, side: int = 256) -> np.ndarray:
    """uint8 (H, W, 3) RGB: the run's drawing of `prompt` (its catalogue's white background
    included), enlarged to `side` pixels on its long side (bicubic) so the garment's outline and
    landmarks are read at a try-on's scale."""
    image = sampling.generate(loaded, [prompt], n=1, seed=seed)[0]
    picture = Image.fromarray(np.moveaxis(image, 0, -1).squeeze()).convert("RGB")
    scale = side / max(picture.size)
    return np.asarray(picture.resize((round(picture.width * scale), round(picture.height * scale)),
                                     Image.Resampling.BICUBIC))
