"""A garment's folds and light, without what it is made of: the light a new fabric takes when it is
put on the garment (the drape, try-on).

The garment's brightness is blurred within the garment only (a normalised convolution, so skin and
background do not bleed in), widely enough, a sixty-fourth of the photo, that a print's small
motifs or a shirt's checks do not show through the new fabric; then divided by its own blur four
times wider, so that what the garment is made of (a black top, a large printed motif) does not
darken the new fabric, only its folds and light. Only pixels of the garment's own chroma, not
within a blur of one that is not (a print's rim, blended into the cloth, is of nearly its chroma
but darker), and no brighter or darker than folds and highlights make it, are read (unless they
are under half of it: a print all over), so a print, or jeans that the garment's outline ran into,
lend none; the light there is read from around them.

Written here because it is two blurs and a ratio; an intrinsic-image decomposition would need weights
no package ships.
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

SHADING_LIMITS = (0.35, 1.6)  # folds darken to a third and highlights brighten by 60% at most
FOLD_FLOOR = 0.15  # added to the brightness (0-1) before folds are measured as a ratio: a dark
                   # garment's speckle and sheen are not magnified into blotches
OWN_LIGHT = (0.55, 1.35)  # brightness over the cloth's around it (with FOLD_FLOOR) that folds and sheen span
PRINT_RIM = 1.0  # of the light's blur: how far round a print its blend with the cloth reaches
OWN_COLOUR = 12.0  # chroma distance (Cr, Cb; 0-255) from the garment's median within which a pixel is its fabric


def luma_of(image: np.ndarray) -> np.ndarray:
    """(H, W) luma Y of RGB (ITU-R BT.601), 0-255."""
    return image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def chroma_of(image: np.ndarray) -> np.ndarray:
    """(H, W, 2) Cr and Cb of uint8 RGB (ITU-R BT.601), 0-255."""
    rgb = image.astype(np.float32)
    y = luma_of(rgb)
    return np.stack([(rgb[..., 0] - y) * 0.713 + 128, (rgb[..., 2] - y) * 0.564 + 128], axis=-1)


def colourless(image: np.ndarray) -> bool:
    """A grey photo (uint8 RGB): no chroma tells skin from cloth."""
    return grey(chroma_of(image))


def grey(chroma: np.ndarray) -> bool:
    """No pixel's chroma (`chroma_of`) is off neutral by 4 levels."""
    return bool(np.abs(chroma - 128.0).max() < 4.0)


def garment_light(photo: np.ndarray, garment: np.ndarray) -> np.ndarray:
    """photo: uint8 (H, W, 3) RGB; garment: bool (H, W). (H, W) float32: the garment's folds and
    light, 1 where there is none to read (a few blurs away from the garment). Read on the photo
    shrunk to a long side of about 256 px: the light is blurred wider than that grid anyway."""
    shrink = max(garment.shape) // 256
    if shrink < 2:
        return _light(photo, garment)
    height, width = garment.shape
    size = (-(-width // shrink), -(-height // shrink))
    small = _light(np.asarray(Image.fromarray(photo).resize(size, Image.Resampling.BOX)),
                   np.asarray(Image.fromarray(garment).resize(size, Image.Resampling.NEAREST)))
    return np.array(Image.fromarray(small, mode="F").resize((width, height), Image.Resampling.BILINEAR))


def _light(photo: np.ndarray, garment: np.ndarray) -> np.ndarray:
    if garment.sum() < 16:
        return np.ones(garment.shape, np.float32)
    chroma = chroma_of(photo)
    luma = luma_of(photo) / 255.0
    sigma = max(2.0, max(garment.shape) / 64)
    own = garment & (np.linalg.norm(chroma - np.median(chroma[garment], axis=0), axis=-1) < OWN_COLOUR)
    # a print's rim is blended with the cloth: of the cloth's chroma but darker, it would read as a
    # fold; unless, round small motifs all over, the rims would leave too little cloth to read
    rimless = own & ~ndimage.binary_dilation(garment & ~own, iterations=max(1, round(PRINT_RIM * sigma)))
    own = rimless if rimless.sum() >= 0.5 * garment.sum() else own
    source = own if own.sum() >= 0.5 * garment.sum() else garment
    # a print's white letters or black motif on a grey T-shirt share its (lack of) chroma: what is
    # brighter or darker than folds and sheen make the cloth around it is print too (around it: a
    # black top and the jeans its outline ran into are each their own cloth)
    plain = source
    for _reading in range(2):  # twice: a large motif pulls the light around it toward its own
        around, _ = _blur_within(luma, plain, 4 * sigma)
        ratio = (luma + FOLD_FLOOR) / (around + FOLD_FLOOR)
        plain = source & (ratio > OWN_LIGHT[0]) & (ratio < OWN_LIGHT[1])
    source = plain if plain.sum() >= 0.5 * source.sum() else source
    (folds, reach), (surface, _) = (_blur_within(luma, source, s) for s in (sigma, 4 * sigma))
    light = np.clip((folds + FOLD_FLOOR) / (surface + FOLD_FLOOR), *SHADING_LIMITS)
    # farther than a few blurs from the garment there is no light to read: the new fabric is left as is
    lit = ndimage.binary_dilation(garment, iterations=2) & (reach > 0.05)
    return np.where(lit, light, 1.0).astype(np.float32)


def _blur_within(values: np.ndarray, region: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """A Gaussian blur of `values` over `region` alone (a normalised convolution), and the
    region's own blur: how much of the region the blur reached at each pixel."""
    weight = _blur(region.astype(np.float32), sigma)
    return _blur(values * region, sigma) / np.maximum(weight, 1e-3), weight


def _blur(values: np.ndarray, sigma: float) -> np.ndarray:
    """A wide Gaussian blur taken on the picture shrunk by a quarter of sigma (what it keeps is
    smoother than that grid) and enlarged back: a sixteenth of the work at 512 px."""
    shrink = max(1, int(sigma // 4))
    if shrink == 1:
        return ndimage.gaussian_filter(values, sigma)
    height, width = values.shape
    small = Image.fromarray(values.astype(np.float32), mode="F").resize(
        (-(-width // shrink), -(-height // shrink)), Image.Resampling.BOX)
    blurred = ndimage.gaussian_filter(np.asarray(small), sigma / shrink)
    return np.asarray(Image.fromarray(blurred, mode="F").resize((width, height), Image.Resampling.BILINEAR))
