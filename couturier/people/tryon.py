"""Virtual try-on: a garment's product photo (or a generated one) put on a photo of a person.

1. The garment: its outline on the plain background and its landmarks, and its parts: the torso
   and each sleeve (people/product.py); what the ImageNet network takes for a watch, a shoe, a bag
   or a cosmetic is refused, and so is clothing for the legs (try-on dresses the upper body).
2. Where each part goes, by a map of its own (piecewise affine): the torso's takes the
   garment's shoulders onto the person's shoulder seams (a little outside the joints, on top of
   the shoulders), and the rest of its body follows at the person's scale, shortened down the body
   until its hem lands where the person's own top ended (a one-piece garment keeps its length),
   its hem centre on the body's axis (neck to hips) however the shoulders tilt;
   each sleeve's map turns the shortened one (before the shear) about its seam until the sleeve
   runs along the person's upper arm, and is laid over the torso; the wedge a sleeve turned out
   opens at the armpit is filled.
3. The placed garment is lit by the person's own folds and light (not by how dark the old garment
   was) and laid over the photo within the person's outline: face and hair never, hands and
   forearms stay in front, bare arms below the shoulder's cap are covered by a sleeve only (not by
   the garment's body, which hangs behind them), and pieces the outline cut off from the rest
   (a sleeve's tip beside a forearm) are dropped.
4. What the new garment leaves of the old one on the arms (long sleeves under short ones) is made
   bare arms, in the person's own skin tone lit by the old sleeves' folds; the rest above the new
   hem is inpainted (OpenCV's Telea, from the skin, background and new garment around it). Its share
   is reported, with the share of the placed garment that fell outside the person (a misfit).

Front-facing colour photos of one standing person are the target; several faces, a person cut off
above the hips or seen from the side, a greyscale photo are refused in one line.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from couturier.people.garments import Garments, find_garments, near_arms
from couturier.people.pose import Person, PhotoFaces, find_person, people_faces
from couturier.people.product import Product, landmarks, outline, unwearable
from couturier.style.images import StyleInputError
from couturier.style.light import colourless, garment_light

SEAM = 1.15  # a garment's shoulder seam lies this much farther from the neck than the shoulder joint
SIDE_VIEW = 0.25  # shoulders closer together than this share of the torso's length: seen from the side
# a torso shorter than this share of the shoulders' span is the network's guess at hips below the photo
# (people measured 0.7-1.6; a photo cut at the chest, continued below for the network, 0.2-0.6)
CUT_OFF = 0.6
# Shown a photo cut at the chest, the network squeezes a whole body into it: the hips at the photo's
# bottom edge, or a short body with the knees just under the hips. A photo down to the thighs goes on
# for more than BELOW_HIPS of the torso under the hip joints (catalogue photos 0.18 and more; one cut
# at a T-shirt's hem, 0.14, is still taken), and the network's thigh, hip joint to knee, is at least
# THIGH of the torso (0.53 and more; about 0.7 as a rule)
BELOW_HIPS, THIGH = 0.1, 0.45
# of the way from shoulder to elbow, about the armpit's level: above it the shoulder's cap, which a
# garment's body covers
ARMPIT = 0.35
SCRAP = 0.02  # a piece of the placed garment smaller than this share of its largest is a scrap (`_scraps`)
BARE_SAMPLE = 20  # skin pixels at least, to take a bare arm's colour from
SHORTEST_FIT = 0.7  # a garment is shortened to the old top's hem by at most this factor (a dress stays long)


@dataclass
class TryOn:
    image: np.ndarray  # uint8 (H, W, 3): the person wearing the garment
    old_visible: float  # share of the person's old upper garment the new one did not cover (then inpainted)
    outside: float  # share of the placed garment that fell outside the person's outline (cut away): misfit
    seconds: float
    region: np.ndarray  # bool (H, W): where the new garment lies on the result
    alignment: float  # how far the placed garment's hem centre lies from the body's, in torso lengths


def check_person(photo: np.ndarray) -> Person:
    """The one person in the photo, or a one-line refusal saying what was found."""
    photo_faces = PhotoFaces(photo)
    count = len(people_faces(photo, photo_faces))
    if count > 1:
        raise StyleInputError(f"the person photo shows {count} faces; use a photo of one person (crop it to the "
                              "one to dress)", field="person_photo")
    person = find_person(photo, photo_faces)
    if person is None:
        raise StyleInputError("found no person in the person photo; use a front-facing photo of one standing "
                              "person", field="person_photo")
    if colourless(photo):  # the arms would be dressed too: skin is found by its chroma
        raise StyleInputError("the person photo is greyscale: bare arms cannot be told from sleeves in it; use a "
                              "colour photo", field="person_photo")
    hips = [person.keypoints[k] for k in ("left_hip", "right_hip")]
    span = abs(person.point("left_shoulder")[0] - person.point("right_shoulder")[0])
    torso = np.linalg.norm(person.neck - (person.point("left_hip") + person.point("right_hip")) / 2)
    if min(v for _, _, v in hips) < 0.5 or torso < CUT_OFF * span or _squeezed(person, photo.shape[0], torso):
        raise StyleInputError("the person is cut off above the hips; use a photo that shows the person down to "
                              "the thighs at least", field="person_photo")
    if span < SIDE_VIEW * torso:
        raise StyleInputError("the person is seen from the side; use a front-facing photo", field="person_photo")
    return person


def _squeezed(person: Person, height: int, torso: float) -> bool:
    """Whether the network's body is a whole one squeezed into a photo cut above the thighs: the hip
    joints less than BELOW_HIPS of the torso above the photo's bottom edge (or below it), or the
    thighs shorter than THIGH of the torso."""
    hips = max(person.point(k)[1] for k in ("left_hip", "right_hip"))
    thigh = np.mean([person.point(f"{side}_knee")[1] - person.point(f"{side}_hip")[1] for side in ("left", "right")])
    return bool(height - hips < BELOW_HIPS * torso or thigh < THIGH * torso)


def check_garment(garment_photo: np.ndarray) -> Product:
    """The garment's outline and landmarks, or a one-line refusal."""
    if find_person(garment_photo) is not None:
        raise StyleInputError("the garment photo shows a person wearing it; use a product photo of the garment "
                              "alone on a plain background", field="garment_photo")
    product = landmarks(outline(garment_photo))
    refused = unwearable(garment_photo, product.alpha)
    if refused is not None and refused[0] == "not clothing":
        raise StyleInputError(f"the garment photo looks like {refused[1]}, not clothing; use a product photo of a "
                              "top, dress or other garment", field="garment_photo")
    if refused is not None:
        raise StyleInputError(f"the garment photo looks like {refused[1]}; try-on dresses the upper body: use a "
                              "product photo of a top, shirt or dress", field="garment_photo")
    return product


def _similarity(source: tuple[np.ndarray, np.ndarray], target: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The 2x3 map (rotation, uniform scale, shift) taking two source points onto two target points:
    as complex numbers, z -> turn * z with turn = (target difference) / (source difference)."""
    along = complex(*(source[1] - source[0]))
    turn = complex(*(target[1] - target[0])) / along if abs(along) > 1e-6 else 1.0 + 0j
    linear = np.array([[turn.real, -turn.imag], [turn.imag, turn.real]])
    return np.hstack([linear, (target[0] - linear @ source[0])[:, None]])


def _apply(matrix: np.ndarray, point: np.ndarray) -> np.ndarray:
    return matrix[:, :2] @ point + matrix[:, 2]


def placements(product: Product, person: Person, hem_row: float | None = None
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(part name -> 2x3 map from the product photo onto the person photo, landmark name -> where it
    was sent). The torso's map takes the garment's shoulders onto the person's seams; each sleeve's
    turns that about its seam until the sleeve runs along the upper arm. With `hem_row` (where the
    person's own top ends), the torso is shortened down the body until its hem lands there: a
    product photo gives the garment's width by its shoulders but not its length on this wearer
    (catalogue photos are cropped and scaled to fill their frame), and a top that covers the
    shorts looks like a tunic. The sleeves are shortened with it, as far as they run down the
    garment: a photo that shows the body longer than it hangs shows them so too, and unshortened
    they reached the elbow."""
    left, right = sorted((person.point("left_shoulder"), person.point("right_shoulder")), key=lambda p: p[0])
    neck = (left + right) / 2
    seams = {"left": _on_top(person, neck + SEAM * (left - neck), right[0] - left[0]),
             "right": _on_top(person, neck + SEAM * (right - neck), right[0] - left[0])}
    marks = product.marks
    torso = _similarity((marks["left_shoulder"], marks["right_shoulder"]), (seams["left"], seams["right"]))
    fitted = _fitted(torso, marks["hem"], seams, hem_row) if hem_row is not None else torso
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    maps = {"torso": _along_body(fitted, marks, seams, hips - neck)}
    sent = {name: _apply(maps["torso"], point) for name, point in marks.items()}
    elbows = dict(zip(("left", "right"), sorted((person.point("left_elbow"), person.point("right_elbow")),
                                                key=lambda p: p[0])))
    for side in ("left", "right"):
        if f"{side}_sleeve" not in marks:
            continue
        flat = _apply(fitted, marks[f"{side}_sleeve"]) - seams[side]
        angle = np.angle(complex(*(elbows[side] - seams[side]))) - np.angle(complex(*flat))
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        linear = rotation @ fitted[:, :2]
        maps[side] = np.hstack([linear, (seams[side] - rotation @ seams[side] + rotation @ fitted[:, 2])[:, None]])
        sent[f"{side}_sleeve"] = _apply(maps[side], marks[f"{side}_sleeve"])
    return maps, sent


def _fitted(torso: np.ndarray, hem: np.ndarray, seams: dict[str, np.ndarray], hem_row: float) -> np.ndarray:
    """The torso's map shortened down the body (perpendicular to the seams' line, about it) so that
    the product's `hem` lands on `hem_row`; never lengthened, never below SHORTEST_FIT."""
    middle = (seams["left"] + seams["right"]) / 2
    across = seams["right"] - seams["left"]
    down = np.array([-across[1], across[0]]) / max(float(np.hypot(*across)), 1e-6)
    if down[1] < 0:
        down = -down
    reach = float((_apply(torso, hem) - middle) @ down)
    wanted = (hem_row - middle[1]) / max(float(down[1]), 1e-6)
    factor = float(np.clip(wanted / reach, SHORTEST_FIT, 1.0)) if reach > 1e-6 else 1.0
    squash = np.eye(2) + (factor - 1.0) * np.outer(down, down)
    return np.hstack([squash @ torso[:, :2], (middle + squash @ (torso[:, 2] - middle))[:, None]])


def _along_body(torso: np.ndarray, marks: dict[str, np.ndarray], seams: dict[str, np.ndarray],
                axis: np.ndarray) -> np.ndarray:
    """The torso's map sheared so that the garment hangs along the body (neck to hips), not square
    to the shoulders' line: a woman standing with one hip out tilts her shoulders, and the garment
    swung with them. The shoulders stay on the seams; the hem centre goes as far down as before,
    on the body's axis."""
    middle = (seams["left"] + seams["right"]) / 2
    length = float(np.hypot(*(_apply(torso, marks["hem"]) - middle)))
    hem = middle + length * axis / max(float(np.hypot(*axis)), 1e-6)
    source = np.stack([marks["left_shoulder"], marks["right_shoulder"], marks["hem"]])
    target = np.stack([seams["left"], seams["right"], hem])
    try:
        return np.linalg.solve(np.hstack([source, np.ones((3, 1))]), target).T
    except np.linalg.LinAlgError:  # shoulders and hem in one line: no garment shape to place
        return torso


def _on_top(person: Person, seam: np.ndarray, span: float) -> np.ndarray:
    """The seam moved up from the shoulder joint to the top of the shoulder (the person's outline
    above it), where a garment's shoulder line rests."""
    height, width = person.mask.shape
    x = int(np.clip(round(seam[0]), 0, width - 1))
    top = int(np.clip(seam[1] - 0.4 * span, 0, height - 1))
    column = np.flatnonzero(person.mask[top:int(np.clip(seam[1], 0, height - 1)) + 1, x] > 0.5)
    return np.array([seam[0], top + column[0]]) if column.size else seam


def warp(picture: np.ndarray, matrix: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """`picture` (H', W', C) float moved by the 2x3 map onto a (H, W) canvas: (H, W, C), zero outside."""
    height, width = shape
    inverse = np.linalg.inv(np.vstack([matrix, [0.0, 0.0, 1.0]]))[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    source_x = inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]
    source_y = inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]
    return np.stack([ndimage.map_coordinates(picture[..., c], [source_y, source_x], order=1, mode="constant", cval=0.0)
                     for c in range(picture.shape[2])], axis=-1)


def dress(product: Product, garment_photo: np.ndarray, person: Person, shape: tuple[int, int],
          hem_row: float | None = None, skin: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(the garment's colours (H, W, 3) in [0, 1], its cover (H, W) in [0, 1], where it was placed
    before the arms were left bare (H, W) in [0, 1], where its landmarks went): the torso placed
    first, each sleeve laid over it along its arm, and the wedge a sleeve turned out from the body
    opens at the armpit filled (`_underarms`). The torso's part never covers the `skin` of the arms
    below the shoulders' caps (ARMPIT): arms hang beside or in front of a garment's body, and only a
    sleeve is drawn over them (a wide body cut at the person's outline had hidden the upper arms)."""
    maps, sent = placements(product, person, hem_row)
    bare_arms = near_arms(person, skin, ARMPIT) if skin is not None else None
    colours, cover, placed = np.zeros((*shape, 3), np.float32), np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    edge = max(1, round(min(product.alpha.shape) / 120))  # the background's colour at the very edge rings it
    # the outline alone is eroded, not each part: parts eroded apart had left a line of skin between
    # the body and a sleeve turned out along an arm
    inside = ndimage.binary_erosion(product.alpha, iterations=edge)
    for name, matrix in maps.items():
        part = (product.part(name) & inside).astype(np.float32)
        layer = warp(np.dstack([garment_photo.astype(np.float32) / 255.0, part]), matrix, shape)
        placed = np.maximum(placed, layer[..., 3])
        if name == "torso" and bare_arms is not None:
            layer[bare_arms, 3] = 0.0
        alpha = layer[..., 3:]
        colours = colours * (1 - alpha) + layer[..., :3] * alpha
        cover = np.maximum(cover, alpha[..., 0])
    wedges = _underarms(product, maps, shape) & (cover < 0.5)
    if wedges.any():
        # the garment's own colour from the nearest pixel it covers: the underarm is its continuation
        nearest = ndimage.distance_transform_edt(cover < 0.5, return_distances=False, return_indices=True)
        colours[wedges] = colours[nearest[0][wedges], nearest[1][wedges]]
        cover[wedges] = 1.0  # not `placed`: filler, cut at the outline, is no misfit of the garment's
    return colours, cover, placed, sent


def _underarms(product: Product, maps: dict[str, np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    """(H, W) bool: for each sleeve, the triangle between its seam, where the torso's map put the
    garment's armpit and where the sleeve's map put it. A sleeve turned about its seam to follow an
    arm held out (a hand on the hip) leaves that wedge between itself and the body, bare."""
    canvas = Image.new("1", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(canvas)
    for side in ("left", "right"):
        if side not in maps:
            continue
        corners = [_apply(maps[side], product.marks[f"{side}_shoulder"]),
                   _apply(maps["torso"], product.marks[f"{side}_armpit"]),
                   _apply(maps[side], product.marks[f"{side}_armpit"])]
        draw.polygon([tuple(float(v) for v in corner) for corner in corners], fill=1)
    return np.asarray(canvas, dtype=bool)


def try_on(person_photo: np.ndarray, garment_photo: np.ndarray) -> TryOn:
    """person_photo, garment_photo: uint8 (H, W, 3) RGB."""
    start = time.perf_counter()
    person = check_person(person_photo)
    garments = find_garments(person_photo, person)
    product = check_garment(garment_photo)
    shape = person_photo.shape[:2]
    hem_row = _own_hem(garments)
    worn, cover, placed, sent = dress(product, garment_photo, person, shape, hem_row, garments.skin)
    # within the person (a wider garment would paint the wall), never on the head, under the forearms
    body = ndimage.binary_dilation(person.mask > 0.5, iterations=2)
    outside = float(placed[~body].sum() / max(placed.sum(), 1e-6))
    cover *= body
    cover[garments.head] = 0.0
    elbows = max(person.point("left_elbow")[1], person.point("right_elbow")[1])
    rows = np.arange(shape[0])[:, None]
    cover[garments.skin & (rows > elbows)] = 0.0
    cover[_scraps(cover > 0.05)] = 0.0
    light = garment_light(person_photo, garments.upper)
    lit = np.clip(worn * light[..., None], 0.0, 1.0)
    result = person_photo.astype(np.float32) / 255.0 * (1 - cover[..., None]) + lit * cover[..., None]
    result = (result * 255).round().astype(np.uint8)
    hem = float(sent["hem"][1])
    showing = garments.upper & (cover < 0.5) & (rows < hem)
    old_visible = float(showing.sum() / max((garments.upper & (rows < hem)).sum(), 1))
    sleeves = near_arms(person, garments.upper & (cover < 0.5), ARMPIT)
    result = _inpaint(_bared(result, person_photo, sleeves, garments, person, light), showing & ~sleeves)
    return TryOn(result, old_visible, outside, time.perf_counter() - start, cover >= 0.5,
                 alignment(sent, person, hem_row))


def _bared(image: np.ndarray, photo: np.ndarray, sleeves: np.ndarray, garments: Garments, person: Person,
           light: np.ndarray) -> np.ndarray:
    """`image` with the old garment's sleeves that the new one leaves on the arms made bare arms:
    the person's own arm skin's median colour in `photo` (else the face's; the new sleeves may
    cover some of it in `image`), lit by the old sleeves' folds. Inpainted from around them they
    had been smears of the old colour and the wall, ghosts of long sleeves."""
    if not sleeves.any():
        return image
    arms = near_arms(person, garments.skin)
    own = arms if arms.sum() >= BARE_SAMPLE else garments.skin & ~garments.head
    if own.sum() < BARE_SAMPLE:
        return image
    tone = np.median(photo[own].astype(np.float32), axis=0)
    bared = image.copy()
    bared[sleeves] = np.clip(tone * light[sleeves][:, None], 0, 255).round().astype(np.uint8)
    return bared


def _scraps(covered: np.ndarray) -> np.ndarray:
    """(H, W) bool: the pieces of the placed garment cut off from its body by the person's outline
    and skin, under SCRAP of the largest piece: a sleeve's tip beside a forearm, an edge pixel
    of the old garment's shade; left, they float on the arms."""
    labels, count = ndimage.label(covered)
    if count < 2:
        return np.zeros_like(covered)
    sizes = ndimage.sum(covered, labels, range(1, count + 1))
    return np.isin(labels, 1 + np.flatnonzero(sizes < SCRAP * sizes.max()))


def alignment(sent: dict[str, np.ndarray], person: Person, hem_row: float | None) -> float:
    """The distance, in torso lengths, from the placed garment's hem centre to where the body puts
    it: below the middle of the hips, on the row where the person's own top ended (a dress or kurta:
    across only; a top that runs on below the photo: anywhere from its bottom edge down). The
    shoulders and sleeves are placed on the person's seams and arms by their maps; the hem is where
    the garment's own shape and the person's pose can disagree."""
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    torso = max(float(np.hypot(*(hips - person.neck))), 1.0)
    down = float(sent["hem"][1] - hem_row) if hem_row is not None else 0.0
    if hem_row is not None and hem_row >= person.mask.shape[0] - 2:
        down = min(down, 0.0)
    return float(np.hypot(sent["hem"][0] - hips[0], down) / torso)


def _own_hem(garments: Garments) -> float | None:
    """The row where the person's own top ends, or None when it is one piece (a dress or kurta: the
    new garment keeps its length) or absent. A top that runs on below the photo ends, as far as
    the photo shows, at its bottom edge: the new one is fitted to that too (else it kept the
    product photo's length, and its sleeves theirs, down to the elbows)."""
    rows = np.flatnonzero(garments.upper.any(axis=1))
    if garments.one_piece or rows.size == 0:
        return None
    below_the_photo = rows[-1] >= garments.upper.shape[0] - 2
    if garments.lower.sum() < 0.05 * garments.upper.sum() and not below_the_photo:
        return None
    return float(rows[-1])


def _inpaint(image: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The old garment's leftovers filled from around them (OpenCV's Telea inpainting), grown by a
    pixel so that its blurred fringe goes too."""
    if not region.any():
        return image
    try:
        import cv2
    except ModuleNotFoundError as exc:
        from couturier.errors import MissingExtra

        raise MissingExtra("people", "inpainting the old garment") from exc
    mask = ndimage.binary_dilation(region).astype(np.uint8) * 255
    return cv2.inpaint(np.ascontiguousarray(image), mask, max(2, round(min(image.shape[:2]) / 80)), cv2.INPAINT_TELEA)
