"""Where a person's garments are: the person mask less the head and the exposed skin, split at the
waist into the upper and the lower garment, or whole as a dress.

The pose network gives the person (mask) and the body (keypoints) whatever the colours: a white
T-shirt on a white wall is part of the person. What is not garment is found from the body: the
head is the person above the chin (between nose and neck), the skin is the person's pixels of the
face's own colour (its chroma, in YCrCb, so the light on them does not matter), and the waist is
where the colours of chest and thighs meet near the hips. A skin-coloured garment is the known
failure of the skin rule.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from couturier.people.pose import Person

GARMENTS = ("upper", "lower", "dress", "all")
SKIN_DISTANCE = 9.0  # chroma distance (Cr, Cb; 0-255) from the face's within which a pixel is skin


@dataclass
class Garments:
    upper: np.ndarray  # bool (H, W)
    lower: np.ndarray
    head: np.ndarray
    skin: np.ndarray
    one_piece: bool  # upper and lower look like one garment (a dress, a kurta over matching trousers)
    confidence: float

    def region(self, name: str) -> np.ndarray:
        """`upper`, `lower`, `dress` (both, as one garment) or `all` (every garment)."""
        if name in ("dress", "all"):
            return self.upper | self.lower
        return getattr(self, name)

    @property
    def main(self) -> str:
        """What a worn catalogue photo is about: all the clothes when they look like one piece (a
        dress, a long shirt down the picture), else the upper garment."""
        return "all" if self.one_piece else "upper"


def _chroma(image: np.ndarray) -> np.ndarray:
    """(H, W, 2) Cr and Cb of uint8 RGB (ITU-R BT.601), 0-255."""
    rgb = image.astype(np.float32)
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    return np.stack([(rgb[..., 0] - y) * 0.713 + 128, (rgb[..., 2] - y) * 0.564 + 128], axis=-1)


def find_garments(image: np.ndarray, person: Person) -> Garments:
    """image: uint8 (H, W, 3) RGB, and the person found in it."""
    height, width = image.shape[:2]
    rows = np.arange(height)[:, None].repeat(width, axis=1)
    body = person.mask > 0.5
    nose, neck = person.point("nose"), person.neck
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    torso = max(hips[1] - neck[1], 1.0)
    head = body & (rows < nose[1] + 0.7 * (neck[1] - nose[1]))
    chroma = _chroma(image)
    # the face's middle (cheeks, nose, mouth), clear of hair, eyes and background
    face = head & (np.abs(np.arange(width)[None, :] - nose[0]) < 0.12 * torso) & \
        (np.abs(rows - (nose[1] + 0.1 * torso)) < 0.1 * torso)
    skin = np.zeros_like(body)
    # a grey photo has no chroma to tell skin from cloth: everything would be "skin"
    grey = np.abs(chroma - 128.0).max() < 4.0
    if face.sum() >= 4 and not grey:
        tone = np.median(chroma[face], axis=0)
        skin = body & ~head & (np.linalg.norm(chroma - tone, axis=-1) < SKIN_DISTANCE)
    clothed = body & ~head & ~skin & (rows >= neck[1] - 0.1 * torso)
    waist, one_piece = _waist(image, clothed, rows, neck, hips, torso)
    upper, lower = clothed & (rows < waist), clothed & (rows >= waist)
    visible = min(person.keypoints[k][2] for k in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    confidence = float(person.mask[clothed].mean() * visible) if clothed.any() else 0.0
    return Garments(upper, lower, head, skin, one_piece, confidence)


def _waist(image, clothed, rows, neck, hips, torso) -> tuple[float, bool]:
    """The row where the upper garment ends: in the band around the hips, the first row whose
    colour is nearer the thighs' than the chest's. One piece when chest and thighs match."""
    colour = image.astype(np.float32)

    def mean_colour(top: float, bottom: float) -> np.ndarray | None:
        band = clothed & (rows >= top) & (rows < bottom)
        return colour[band].mean(axis=0) if band.sum() >= 4 else None

    chest = mean_colour(neck[1] + 0.2 * torso, neck[1] + 0.6 * torso)
    thighs = mean_colour(hips[1] + 0.3 * torso, hips[1] + 0.8 * torso)
    if chest is None:
        return hips[1], False
    if thighs is None:  # the photo ends above the thighs: the upper garment runs to its edge
        return float(clothed.shape[0]), False
    if np.abs(chest - thighs).max() < 40:  # one colour from chest to thighs: one garment
        return hips[1] + 0.8 * torso, True
    for row in range(int(hips[1] - 0.35 * torso), int(hips[1] + 0.35 * torso)):
        line = clothed[row] if 0 <= row < clothed.shape[0] else None
        if line is not None and line.sum() >= 2:
            mean = colour[row][line].mean(axis=0)
            if np.linalg.norm(mean - thighs) < np.linalg.norm(mean - chest):
                return float(row), False
    return hips[1], False
