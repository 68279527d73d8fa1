"""Virtual try-on, a first cut: a garment's product photo put on a person's photo.

The garment is cut from its plain background (the colour rules' background step) and its shoulders
and hem are read from its outline: the outline's ends a tenth of the way down, and the middle of
its bottom row. One affine map takes those three points onto the person's shoulders (a little
outside the joints, where the seams sit) and onto the point as far down the person's torso axis as
the hem is below the garment's shoulders, at the person's scale. The warped garment is lit by the
person's own shading (folds and light, `couturier.style.drape.shading`) and laid over the photo;
face and hair are never painted. What the new garment does not cover of the old one stays: its
share is reported. Front-facing photos of one standing person are the target: a side view, several
people or a person cut off above the hips are not supported.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from scipy import ndimage

from couturier.people.garments import find_garments
from couturier.people.pose import find_person
from couturier.style.images import StyleInputError

SEAM = 1.15  # a garment's shoulder seam lies this much farther from the neck than the shoulder joint
SHOULDER_ROW = 0.10  # of the garment's height below its top: where its shoulders are read
# a garment photo the pose network is this sure shows a person is refused (a flat garment's outline
# can look like a torso to it, with a lower score)
WORN_BY_SOMEONE = 0.9


@dataclass
class TryOn:
    image: np.ndarray  # uint8 (H, W, 3): the person wearing the garment
    old_visible: float  # share of the person's old upper garment the new one leaves showing
    seconds: float


def garment_outline(photo: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A product photo on a plain background -> (alpha (H, W) bool, landmarks: left/right shoulder
    as seen in the photo and the hem's middle, (x, y))."""
    from couturier.style.masks import background

    alpha = ~background(photo.astype(np.float32) / 255.0)
    alpha = ndimage.binary_fill_holes(ndimage.binary_opening(alpha))
    labels, count = ndimage.label(alpha)
    if count == 0 or alpha.mean() < 0.02:
        raise StyleInputError("found no garment on the garment photo's plain background; use a product photo "
                              "of one garment on a plain background", field="garment_photo")
    alpha = labels == 1 + int(np.argmax(ndimage.sum(alpha, labels, range(1, count + 1))))
    rows = np.flatnonzero(alpha.any(axis=1))
    top, bottom = rows[0], rows[-1]
    shoulder_row = int(top + SHOULDER_ROW * (bottom - top))
    columns = np.flatnonzero(alpha[shoulder_row])
    hem = np.flatnonzero(alpha[bottom])
    return alpha, {"left": np.array([columns[0], shoulder_row], float), "right": np.array([columns[-1], shoulder_row], float),
                   "hem": np.array([(hem[0] + hem[-1]) / 2, bottom], float)}


def _affine(source: list[np.ndarray], target: list[np.ndarray]) -> np.ndarray:
    """The 2x3 affine map taking three source points onto three target points."""
    a = np.array([[x, y, 1.0] for x, y in source])
    return np.linalg.solve(a, np.array(target)).T


def try_on(person_photo: np.ndarray, garment_photo: np.ndarray) -> TryOn:
    """person_photo, garment_photo: uint8 (H, W, 3) RGB."""
    from couturier.style.drape import shading

    start = time.perf_counter()
    person = find_person(person_photo)
    if person is None:
        raise StyleInputError("found no person in the person photo; use a front-facing photo of one standing "
                              "person", field="person_photo")
    garments = find_garments(person_photo, person)
    worn = find_person(garment_photo)
    if worn is not None and worn.score >= WORN_BY_SOMEONE:
        raise StyleInputError("the garment photo shows a person wearing it; use a product photo of the garment "
                              "alone on a plain background", field="garment_photo")
    alpha, marks = garment_outline(garment_photo)
    # the garment's left in the photo sits on the person's right shoulder (both face the camera)
    right, left = person.point("right_shoulder"), person.point("left_shoulder")
    neck = (right + left) / 2
    target_right, target_left = neck + SEAM * (right - neck), neck + SEAM * (left - neck)
    scale = np.linalg.norm(target_left - target_right) / max(np.linalg.norm(marks["right"] - marks["left"]), 1.0)
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    axis = (hips - neck) / max(np.linalg.norm(hips - neck), 1.0)
    length = np.linalg.norm(marks["hem"] - (marks["left"] + marks["right"]) / 2) * scale
    forward = _affine([marks["left"], marks["right"], marks["hem"]], [target_right, target_left, neck + axis * length])
    inverse = np.linalg.inv(np.vstack([forward, [0, 0, 1]]))[:2]  # PIL maps each output pixel back
    height, width = person_photo.shape[:2]
    warp = lambda picture, method: np.asarray(Image.fromarray(picture).transform(  # noqa: E731
        (width, height), Image.Transform.AFFINE, inverse.flatten().tolist(), method))
    worn = warp(garment_photo, Image.Resampling.BILINEAR).astype(np.float32) / 255.0
    # a pixel inside the outline: the background's colour at the very edge would ring the garment
    inside = ndimage.binary_erosion(alpha, iterations=max(1, round(min(alpha.shape) / 120)))
    cover = warp((inside * 255).astype(np.uint8), Image.Resampling.BILINEAR).astype(np.float32) / 255.0
    cover[garments.head] = 0.0
    # a garment wider than the person's own would paint the wall beside them: kept to the body
    cover *= ndimage.binary_dilation(person.mask > 0.5, iterations=2)
    photo = torch.from_numpy(person_photo.astype(np.float32) / 255.0).permute(2, 0, 1)[None]
    old = torch.from_numpy(garments.upper.astype(np.float32))[None, None]
    light = shading(photo, old if garments.upper.any() else None)[0, 0].numpy()
    lit = np.clip(worn * light[..., None], 0.0, 1.0)
    result = person_photo.astype(np.float32) / 255.0 * (1 - cover[..., None]) + lit * cover[..., None]
    showing = garments.upper & (cover < 0.5)
    old_visible = float(showing.sum() / max(garments.upper.sum(), 1))
    return TryOn((result * 255).round().astype(np.uint8), old_visible, time.perf_counter() - start)
