"""A garment's edge moved onto the photo's own edge between the cloth and what surrounds it.

The garment rules (garments.py) place an edge from the pose network's person mask (predicted on a
256 px square, then resized) and from colour rules that look at one pixel or one row at a time, so
on a 60x80 catalogue photo the edge sits a pixel or two off the cloth's, and at that size one pixel
all round is a tenth of a garment. GrabCut (OpenCV) learns the colours of the garment and of its
surroundings (a Gaussian mixture each) from what lies surely inside and surely outside, and cuts
along the strongest colour edge in between; it is allowed to move the edge only within a thin band,
so where the colours cannot tell cloth from wall (white on white) the rules' edge stands.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

BAND = 0.08  # of the torso's length: how far the edge may move, either way
ITERATIONS = 2  # GrabCut's rounds of re-learning the colours and cutting again


def snap(image: np.ndarray, region: np.ndarray, never: np.ndarray, band: int) -> np.ndarray:
    """image: uint8 (H, W, 3) RGB; region: the garment by the rules (bool); never: pixels the garment
    may not take (face, hair); band: pixels the edge may move. The garment with its edge snapped,
    within `band` of the rules' edge and outside `never`."""
    inner = ndimage.binary_erosion(region, iterations=band)
    outer = ndimage.binary_dilation(region, iterations=band)
    if not inner.any() or outer.all():
        return region
    import cv2  # the people extra's; imported here so that the garment rules load without it

    top, bottom, left, right = _box(outer, margin=3 * band + 2)
    labels = np.full((bottom - top, right - left), cv2.GC_BGD, np.uint8)
    crop = (slice(top, bottom), slice(left, right))
    labels[outer[crop]] = cv2.GC_PR_BGD
    labels[region[crop]] = cv2.GC_PR_FGD
    labels[inner[crop]] = cv2.GC_FGD
    labels[never[crop]] = cv2.GC_BGD
    cv2.setRNGSeed(0)  # GrabCut seeds its colour clusters at random: the same photo, the same garment
    background, foreground = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.grabCut(np.ascontiguousarray(image[crop][..., ::-1]), labels, None, background, foreground,
                ITERATIONS, cv2.GC_INIT_WITH_MASK)
    snapped = np.zeros_like(region)
    snapped[crop] = (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    return snapped & ~never


def with_edge_pixels(region: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The garment with the ring of pixels just outside its edge, where `allowed`. On a photo the
    pixel the cloth's edge crosses holds both colours, the cloth's and its surroundings': the colour
    rules and GrabCut give such a pixel away, and a garment found that way sits about half a pixel
    inside its outline all round (on a 60x80 photo one pixel all round is a tenth of a garment). An
    outline drawn by hand, and a fabric meant to cover the garment, run through those pixels."""
    return region | (ndimage.binary_dilation(region) & allowed)


def _box(mask: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the mask's bounding box grown by `margin`, within the photo:
    GrabCut learns the surroundings from near the garment, and runs in time for a large photo."""
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    height, width = mask.shape
    return (max(rows[0] - margin, 0), min(rows[-1] + 1 + margin, height),
            max(columns[0] - margin, 0), min(columns[-1] + 1 + margin, width))
