"""Where a person's garments are: the person mask less the head, the hair and the exposed skin,
split at the waist into the upper and the lower garment, or whole as a dress.

The pose network gives the person (mask) and the body (keypoints) whatever the colours: a white
T-shirt on a white wall is part of the person. What is not garment is found from the body:
- the head is the person above the chin (between nose and neck), as wide as the head is along the
  nose's row: beyond it a shirt's collar and shoulders may rise above the chin line; within it, a
  collar is what is below the mouth of the garment's colours, neither skin nor hair;
- hair that falls below the chin has the colour of the top of the head (or of the hair beside the
  face) and grows from the crown, down beside the face;
- skin is the person's pixels of the face's own colour (its chroma, in YCrCb, so the light on them
  does not matter); when most of the chest has that colour, or its median does (a peach print),
  the garment itself is skin-coloured (a beige camisole, a nude dress), and then only the arms and
  legs count as skin (near the bones from shoulder to wrist, below the hips), and of those only
  what is lighter than the cloth when the cloth is much darker than the face (a maroon shirt on
  brown skin: its sleeves lie along the arms' bones too);
- the waist is where, walking up from the thighs, the rows leave the thighs' colour, and there is
  no waist (one piece: a dress, a long kurta) when they never do below the chest, unless the legs
  stand apart below the crotch: trousers of the top's colour, and the top ends at the hips (waist.py).
Each garment's edge is then snapped onto the photo's own edge, and the pixels that edge crosses
(half cloth, half surroundings) are counted in (edges.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from couturier.people.edges import BAND, snap, with_edge_pixels
from couturier.people.pose import Person
from couturier.people.waist import PALETTE, find_waist, off_palette, palette
from couturier.style.light import chroma_of, grey, luma_of

GARMENTS = ("upper", "lower", "dress", "all")
SKIN_DISTANCE = 9.0  # chroma distance (Cr, Cb; 0-255) from the face's or a hand's within which a pixel is skin
HAND_DISTANCE = 12.0  # a hand's tone is learnt from pixels this near the face's chroma (not a cuff's)
HAND_MIXED = 0.35  # a hand's tone this far of the way from the face's to the garment's is half garment
NECK_COLUMN = 0.3  # of the shoulders' width, each side of the nose: the neck's column, where no hair falls
HAIR_DISTANCE = 40.0  # RGB distance (0-255) from the top of the head's colour within which a pixel is hair
ARM_REACH = 0.15  # of the torso's length: how far from an arm's bones its skin lies (a skin-coloured garment)
EDGE_PERSON = 0.05  # the network's person probability at which an edge pixel may be the garment's (soft at edges)
SLEEVE_NEARER = 0.5  # below the waist, a pixel this much nearer the top's colour than the lower's is a sleeve's
HAND_LENGTH = 0.5  # of the forearm: how far the hand reaches beyond the wrist
LOCK_WIDTH = 0.04  # of the torso's length: half the least thickness of a lock of hair in front of the neck
COLLAR_FROM = 0.4  # of the way from nose to neck: below it the head's cloth-coloured pixels may be a collar
# RGB distance (0-255) from the nearest of the chest's main colours (`palette`) within which a pixel is of the garment
PALETTE_DISTANCE = 45.0
OUTLINE_BLUR = 0.025  # of the torso's length: how far in from the person's outline skin's colour may be washed out
HIP_MARGIN = 0.3  # of the hips' width, beyond each hip joint: where hanging arms are, beside the lower garment
DARKER_CLOTH = 0.7  # of the face's luma: a skin-coloured garment darker than this (maroon on brown skin) is told by light
SMOOTHING = 0.02  # of the torso's length: the half-width of the window an arm's luma is averaged over
SLEEVE_LUMA = 0.35  # of the way from such a cloth's luma to the face's: below it a pixel on an arm is the sleeve's


@dataclass
class Garments:
    upper: np.ndarray  # bool (H, W)
    lower: np.ndarray
    head: np.ndarray  # face and hair
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


@dataclass
class _Body:
    """The keypoints a garment is measured by, in the photo's pixels."""
    nose: np.ndarray
    neck: np.ndarray
    hips: np.ndarray
    hip_width: float  # between the hip joints
    shoulders: tuple[np.ndarray, np.ndarray]  # the picture's left and right
    hands: list[np.ndarray]  # the wrists the network sees (nearly always bare skin)
    arms: list[tuple[np.ndarray, ...]]  # each arm's shoulder, elbow and wrist
    rows: np.ndarray  # (H, W) row index of every pixel
    columns: np.ndarray

    @property
    def torso(self) -> float:
        return max(float(self.hips[1] - self.neck[1]), 1.0)

    @property
    def chin(self) -> float:
        return float(self.nose[1] + 0.6 * (self.neck[1] - self.nose[1]))


def _body(person: Person, shape: tuple[int, int]) -> _Body:
    rows, columns = np.indices(shape)
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    shoulders = sorted((person.point("left_shoulder"), person.point("right_shoulder")), key=lambda p: p[0])
    hands = [person.point(name) for name in ("left_wrist", "right_wrist") if person.keypoints[name][2] > 0.5]
    arms = [tuple(person.point(f"{side}_{joint}") for joint in ("shoulder", "elbow", "wrist"))
            for side in ("left", "right")]
    hip_width = abs(float(person.point("left_hip")[0] - person.point("right_hip")[0]))
    return _Body(person.point("nose"), person.neck, hips, hip_width, (shoulders[0], shoulders[1]), hands, arms, rows,
                 columns)


def _limbs(body: _Body) -> np.ndarray:
    """(H, W) bool: where arms and legs are: the arms (`_arms`), and below the hips by half a torso."""
    return _arms(body) | (body.rows > body.hips[1] + 0.5 * body.torso)


def _arms(body: _Body, below_shoulder: float = 0.0) -> np.ndarray:
    """(H, W) bool: within ARM_REACH torso lengths of the bones from shoulder to elbow to wrist and
    on through the hand; from `below_shoulder` of the way down each upper arm."""
    near = np.zeros(np.shape(body.rows), bool)
    for shoulder, elbow, wrist in body.arms:
        joints = (shoulder, elbow, wrist, wrist + HAND_LENGTH * (wrist - elbow))
        for bone, (start, end) in enumerate(zip(joints, joints[1:])):
            along = end - start
            t = ((body.columns - start[0]) * along[0] + (body.rows - start[1]) * along[1]) \
                / max(float(along @ along), 1e-6)
            clipped = np.clip(t, 0.0, 1.0)
            close = np.hypot(body.columns - start[0] - clipped * along[0], body.rows - start[1] - clipped * along[1]) \
                < ARM_REACH * body.torso
            near |= (close & (t >= below_shoulder)) if bone == 0 and below_shoulder > 0 else close
    return near


def near_arms(person: Person, among: np.ndarray, below_shoulder: float = 0.0) -> np.ndarray:
    """(H, W) bool: the pixels of `among` (H, W) where the person's arms are (`_arms`), from
    `below_shoulder` of the way down each upper arm (above it, the shoulder's cap, which a
    garment's body covers). Measured at `among`'s pixels only: a few percent of a large photo."""
    rows, columns = np.nonzero(among)
    body = replace(_body(person, among.shape), rows=rows, columns=columns)
    near = np.zeros_like(among)
    near[rows, columns] = _arms(body, below_shoulder)
    return near


def _chest(body: _Body) -> np.ndarray:
    """The middle of the chest: between the shoulders (inset a quarter), from a fifth to three
    fifths of the way from neck to hips; garment on every clothed upper body."""
    left, right = body.shoulders
    inset = 0.25 * (right[0] - left[0])
    return ((body.columns > left[0] + inset) & (body.columns < right[0] - inset) &
            (body.rows > body.neck[1] + 0.2 * body.torso) & (body.rows < body.neck[1] + 0.6 * body.torso))


def _torso(body: _Body) -> np.ndarray:
    """Between the shoulders, from the neck down: where a sleeveless garment is (arms hang outside)."""
    left, right = body.shoulders
    return (body.columns >= left[0]) & (body.columns <= right[0]) & (body.rows >= body.neck[1] - 0.1 * body.torso)


def _face(head: np.ndarray, body: _Body) -> np.ndarray:
    """The face's middle (cheeks, nose, mouth), clear of hair, eyes and background."""
    width = body.shoulders[1][0] - body.shoulders[0][0]
    return head & (np.abs(body.columns - body.nose[0]) < 0.2 * width) & \
        (np.abs(body.rows - (body.nose[1] + 0.1 * body.torso)) < 0.1 * body.torso)


def _hair(image: np.ndarray, chroma: np.ndarray, person_mask: np.ndarray, body: _Body,
          head: np.ndarray) -> np.ndarray:
    """Hair below the chin: pixels of the hair's colours (the crown's, and beside the face where it
    is not skin), beside the face and above the chest's middle, joined through such pixels to the
    crown. None when the garment has the hair's colour (black hair on a black top; a fifth of the
    lower torso alike): nothing tells them apart."""
    colour = image.astype(np.float32)
    crown = head & (body.rows < body.nose[1] - 0.5 * (body.neck[1] - body.nose[1]))
    if crown.sum() < 4:
        return np.zeros_like(head)
    colours = [np.median(colour[crown], axis=0)]
    # long hair is often lit otherwise than the crown: its colour beside the face, below the eyes,
    # where it is not the face's skin, is the hair's too
    left, right = body.shoulders
    sides = head & (body.rows > body.nose[1] - 0.5 * (body.neck[1] - body.nose[1])) & \
        (np.abs(body.columns - body.nose[0]) > 0.25 * (right[0] - left[0]))
    face = _face(head, body)
    if face.sum() >= 4:
        sides &= np.linalg.norm(chroma - np.median(chroma[face], axis=0), axis=-1) > SKIN_DISTANCE
    if sides.sum() >= 4:
        colours.append(np.median(colour[sides], axis=0))
    hair_like = np.min([np.linalg.norm(colour - c, axis=-1) for c in colours], axis=0) < HAIR_DISTANCE
    lower_torso = _torso(body) & person_mask & (body.rows > body.neck[1] + 0.5 * body.torso) & \
        (body.rows < body.hips[1])
    if not lower_torso.any() or hair_like[lower_torso].mean() > 0.2:
        return np.zeros_like(head)
    near = (np.abs(body.columns - body.nose[0]) < 0.7 * (right[0] - left[0])) & \
        (body.rows < body.neck[1] + 0.5 * body.torso)
    like = person_mask & near & hair_like
    # Hair below the chin grows from the crown: joined to it through the head's hair (down beside the
    # face), not through any head pixel (a dark collar or shoulder above the chin line would join a
    # black top's lighter folds, the hair's colour, to the head).
    labels, _ = ndimage.label(like | (head & hair_like))
    joined = np.unique(labels[crown & hair_like & (labels > 0)])
    # below the chin hair falls beside the neck, over or behind a shoulder; what has the hair's colour
    # down the neck's own column is a neckline's trim (a kurta's embroidered V), unless it is a lock
    neck_column = (np.abs(body.columns - body.nose[0]) < NECK_COLUMN * (right[0] - left[0])) & (body.rows > body.chin)
    return (np.isin(labels, joined) & like & ~head & ~neck_column) | _locks(like & ~head, head, body)


def _locks(like: np.ndarray, head: np.ndarray, body: _Body) -> np.ndarray:
    """Locks of hair fallen in front of the neck or a shoulder: the hair-coloured pixels below the
    chin that are thick (an opening by LOCK_WIDTH torso lengths keeps them) and hang from the head,
    wherever they fall, the neck's column too. A neckline's trim is a thin line: it does not pass."""
    radius = max(1, round(LOCK_WIDTH * body.torso))
    thick = ndimage.binary_opening(like, iterations=radius)
    labels, _ = ndimage.label(thick)
    hanging = thick & ndimage.binary_dilation(head, iterations=radius)
    return np.isin(labels, np.unique(labels[hanging & (labels > 0)]))


def find_garments(image: np.ndarray, person: Person) -> Garments:
    """image: uint8 (H, W, 3) RGB, and the person found in it."""
    person_mask = person.mask > 0.5
    body = _body(person, person_mask.shape)
    beside_nose = np.abs(body.columns - body.nose[0]) <= _head_reach(person_mask, body)
    head = person_mask & (body.rows < body.chin) & beside_nose
    chest = _chest(body) & person_mask
    colour = image.astype(np.float32)
    chroma = chroma_of(image)
    head |= _hair(image, chroma, person_mask, body, head)
    skin = _skin(chroma, luma_of(image), person_mask, body, head, chest)
    clothed = person_mask & ~head & ~skin
    collar = _collar(colour, chroma, head, clothed, body)
    head, clothed = head & ~collar, clothed | collar
    waist, hem, one_piece = find_waist(colour, clothed, body, person_mask)
    clothed &= body.rows < hem
    upper, lower = clothed & (body.rows < waist), clothed & (body.rows >= waist)
    sleeves = _hanging_sleeves(colour, upper, lower, body)
    upper, lower = upper | sleeves, lower & ~sleeves
    band = max(1, round(BAND * body.torso))
    # the snap may move the edge between garment and skin by a pixel or so, never take an arm (a
    # skin-coloured dress and its wearer's arms look alike to it); within the torso, where a print's
    # skin tones can pass for skin, it decides
    bare = head | (ndimage.binary_erosion(skin, iterations=max(1, band // 4)) & ~_torso(body))
    upper = snap(image, upper, bare, band) if upper.any() else upper
    lower = snap(image, lower, bare | upper, band) if lower.any() else lower
    skin &= ~(upper | lower)  # an edge pixel the snap gave the garment is no longer skin
    edge = (person.mask > EDGE_PERSON) & ~head & ~skin  # never the face, the hair or bare skin
    upper = with_edge_pixels(upper, edge & ~lower)
    lower = with_edge_pixels(lower, edge & ~upper)
    visible = min(person.keypoints[k][2] for k in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    confidence = float(person.mask[clothed].mean() * visible) if clothed.any() else 0.0
    return Garments(upper, lower, head, skin, one_piece, confidence)


def _skin(chroma: np.ndarray, luma: np.ndarray, person_mask: np.ndarray, body: _Body, head: np.ndarray,
          chest: np.ndarray) -> np.ndarray:
    """Exposed skin: the chroma of the face or of the hands (arms tan darker than faces), in
    patches that reach the person's outline, the head or a hand (a print's skin-toned flowers in the
    middle of a shirt do not); on the arms and legs only when the chest has that chroma too (a
    skin-coloured garment), and there, when the garment is much darker than the face, only what is
    lighter than the cloth (`_sleeves_by_light`); nowhere on a grey photo (no chroma tells skin from
    cloth there)."""
    face = _face(head, body)
    if face.sum() < 4 or grey(chroma):
        return np.zeros_like(person_mask)
    tones = [np.median(chroma[face], axis=0)]
    hands = np.zeros_like(person_mask)
    for hand in body.hands:
        disc = person_mask & (np.hypot(body.columns - hand[0], body.rows - hand[1]) < 0.08 * body.torso)
        # a long sleeve or a watch over the wrist is not the hand's skin: only tones near the face's
        near = disc & (np.linalg.norm(chroma - tones[0], axis=-1) < HAND_DISTANCE)
        hands |= near
        if near.sum() >= 3 and not _a_cuffs(np.median(chroma[near], axis=0), tones[0], chroma, chest):
            tones.append(np.median(chroma[near], axis=0))
    candidate = person_mask & ~head & (np.min([np.linalg.norm(chroma - tone, axis=-1) for tone in tones], axis=0)
                                       < SKIN_DISTANCE)
    labels, _ = ndimage.label(candidate)
    # the person's outline is blurred over a few pixels of an enlarged photo, its pixels half wall:
    # a bare leg's skin reaches the outline through them
    ring = max(1, round(OUTLINE_BLUR * body.torso))
    anchors = ndimage.binary_dilation(~person_mask | head, iterations=ring) | hands
    skin = np.isin(labels, np.unique(labels[anchors & candidate]))
    # the garment is skin-coloured (most of its chest passes for skin, or its print's middle tone
    # does, a peach floral): skin is the limbs'
    if chest.any() and (skin[chest].mean() > 0.5 or
                        np.linalg.norm(np.median(chroma[chest], axis=0) - tones[0]) < SKIN_DISTANCE):
        skin &= _limbs(body) & ~_sleeves_by_light(luma, face, chest, body)
    return skin


def _sleeves_by_light(luma: np.ndarray, face: np.ndarray, chest: np.ndarray, body: _Body) -> np.ndarray:
    """(H, W) bool: where a skin-coloured garment much darker than the face (DARKER_CLOTH: a maroon
    or brown shirt on brown skin, of skin's chroma) has its sleeves: pixels nearer the cloth's luma
    than the face's (SLEEVE_LUMA of the way; averaged over a few pixels, so a print's light dots and
    an arm's shaded edge do not decide). Chroma alone had taken the sleeves along the arms' bones
    for skin. None for a garment about as light as the skin, or lighter (a beige camisole beside
    arms lit brighter than the face): light cannot tell them apart."""
    cloth, own = float(np.median(luma[chest])), float(np.median(luma[face]))
    if cloth > DARKER_CLOTH * own:
        return np.zeros_like(chest)
    size = 2 * round(SMOOTHING * body.torso) + 1
    # a box mean, not a median: as steady here, and its cost does not grow with the window (large at 512 px)
    return ndimage.uniform_filter(luma, size=size) < cloth + SLEEVE_LUMA * (own - cloth)


def _hanging_sleeves(colour: np.ndarray, upper: np.ndarray, lower: np.ndarray, body: _Body) -> np.ndarray:
    """The upper garment's pixels below the waist: the waist is a row, and a long sleeve or its cuff
    hangs below it beside the hips (outside them by HIP_MARGIN), of the upper garment's colour
    (SLEEVE_NEARER) and joined to it. Inside the hips' columns a shadowed waistband can be as dark
    as a dark top: nothing there moves."""
    if not upper.any() or lower.sum() < 4:
        return np.zeros_like(upper)
    own, other = (np.median(colour[part], axis=0) for part in (upper, lower))
    nearer = np.linalg.norm(colour - own, axis=-1) < SLEEVE_NEARER * np.linalg.norm(colour - other, axis=-1)
    margin = (0.5 + HIP_MARGIN) * body.hip_width
    beside = np.abs(body.columns - body.hips[0]) > margin
    like = lower & nearer & beside
    labels, _ = ndimage.label(upper | like)
    return like & np.isin(labels, np.unique(labels[upper]))


def _head_reach(person_mask: np.ndarray, body: _Body) -> float:
    """How far the head (with its hair) reaches either side of the nose: the person's run of pixels
    along the nose's row. Above the chin and beyond it lie the shoulders, not the head: a shirt's
    collar and shoulders rise above the chin line in many a catalogue photo."""
    row = person_mask[int(np.clip(round(body.nose[1]), 0, person_mask.shape[0] - 1))]
    nose = int(np.clip(round(body.nose[0]), 0, row.size - 1))
    if not row[nose]:
        return float(row.size)  # no head found along the nose's row: the chin line alone decides
    outside = np.flatnonzero(~row)
    left = outside[outside < nose]
    right = outside[outside > nose]
    first = left[-1] + 1 if left.size else 0
    last = right[0] - 1 if right.size else row.size - 1
    return float(max(nose - first, last - nose) + 1)


def _a_cuffs(tone: np.ndarray, face: np.ndarray, chroma: np.ndarray, chest: np.ndarray) -> bool:
    """Whether a hand's tone is a cuff's: a sleeve over the hand, or a kurta hanging beside it,
    leaves pixels of mixed tone, part way to the garment's colour, and every pixel of a garment of
    that colour would then pass for skin. So a hand tone within 2 SKIN_DISTANCE of the chest's
    colour is refused when the face's own tone is not as near it, or when it lies more than
    HAND_MIXED of the way from the face's tone to the garment's; a garment within SKIN_DISTANCE of
    the face's tone is skin-coloured, and its limbs are told apart otherwise."""
    if not chest.any():
        return False
    garment = np.median(chroma[chest], axis=0)
    if np.linalg.norm(tone - garment) >= 2 * SKIN_DISTANCE:
        return False
    towards = garment - face
    if np.linalg.norm(towards) >= 2 * SKIN_DISTANCE:
        return True
    return bool(np.linalg.norm(towards) > SKIN_DISTANCE and (tone - face) @ towards / (towards @ towards) > HAND_MIXED)


def _collar(colour: np.ndarray, chroma: np.ndarray, head: np.ndarray, clothed: np.ndarray, body: _Body) -> np.ndarray:
    """A shirt's collar standing up round the neck, above the chin line (the shoulders' middle sits
    below the real neck, and the chin line with it): the head's pixels below the mouth that are
    neither the face's skin nor the hair's colour, but of the garment's own colours (a palette of
    the chest's: a lock of hair lit otherwise than the crown is none of them), joined to the garment."""
    face = _face(head, body)
    crown = head & (body.rows < body.nose[1] - 0.5 * (body.neck[1] - body.nose[1]))
    chest = _chest(body) & clothed
    below_mouth = head & (body.rows > body.nose[1] + COLLAR_FROM * (body.neck[1] - body.nose[1]))
    if face.sum() < 4 or crown.sum() < 4 or chest.sum() < 2 * PALETTE or not below_mouth.any():
        return np.zeros_like(head)
    colours = palette(colour[chest], most=2000)
    pixels, tones = colour[below_mouth], chroma[below_mouth]
    cloth = np.zeros_like(head)
    cloth[below_mouth] = (off_palette(colours, pixels) < PALETTE_DISTANCE) & \
        (np.linalg.norm(tones - np.median(chroma[face], axis=0), axis=-1) > SKIN_DISTANCE) & \
        (np.linalg.norm(pixels - np.median(colour[crown], axis=0), axis=-1) > HAIR_DISTANCE)
    labels, _ = ndimage.label(cloth | clothed)
    return cloth & np.isin(labels, np.unique(labels[clothed & (labels > 0)]))
