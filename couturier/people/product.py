"""A garment's product photo: its outline on the plain background, the landmarks a try-on places it
by, and whether it is clothing at all.

The outline is what differs from the background's colour, joined with the garment's own edges: a
white polo on white differs from the wall only by a faint seam and shadow line, which the colour
rule misses and an edge map keeps (found at one working size, so an enlarged photo finds the same);
the wall the joining takes round the outline is cut away again, and for a garment of its own colour
also the wall it closed in under a sleeve. Landmarks are read from the outline
of a garment laid flat, front up: the body's sides (the outline's median edges over the lower
half), the shoulders (where those sides meet the top), the neckline (the top of the middle column),
the armpits (the lowest row where the outline is wider than the body: the sleeves end above it),
each sleeve's end (its pixels farthest from the shoulder) and the hem's corners.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from couturier.style.images import StyleInputError

EDGE = 0.02  # gradient (0-1 per pixel) of a garment's outline on a plain background of its own colour
SLEEVE_OUT = 1.12  # a row this much wider than the body carries sleeves
EDGE_SIDE = 160  # the long side (pixels) a photo is brought down to before its edges are found
COLOURED = 0.8  # share of an outline off the wall's colour above which a garment is not wall-coloured


@dataclass
class Product:
    alpha: np.ndarray  # bool (H, W): the garment
    marks: dict[str, np.ndarray]  # name -> (x, y) in the photo's pixels; picture-left first
    sleeves: bool  # the outline has sleeves that stand out from the body
    body: tuple[float, float, int]  # the body's left and right columns, and the armpits' row

    def part(self, name: str) -> np.ndarray:
        """bool (H, W): the garment's `torso`, or its `left` or `right` sleeve (what lies beside the
        body above the armpits)."""
        left, right, armpit = self.body
        columns = np.arange(self.alpha.shape[1])[None, :]
        rows = np.arange(self.alpha.shape[0])[:, None]
        beside = {"left": columns < left, "right": columns > right}
        if name == "torso":
            return self.alpha & ~(self.part("left") | self.part("right"))
        if not self.sleeves:
            return np.zeros_like(self.alpha)
        return self.alpha & beside[name] & (rows <= armpit)


def outline(photo: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) RGB of one garment on a plain background -> bool (H, W): the garment."""
    from couturier.style.masks import background

    image = photo.astype(np.float32) / 255.0
    try:
        alpha = ~background(image)
    except StyleInputError as exc:
        raise StyleInputError("the garment photo has no plain background; use a product photo of one garment "
                              "on a plain background", field="garment_photo") from exc
    plain = ~alpha
    edges = _edges(image.mean(axis=2))
    reach = max(1, round(min(alpha.shape) / 80))
    closed = ndimage.binary_closing(alpha | edges, iterations=reach)
    alpha = ndimage.binary_fill_holes(ndimage.binary_opening(closed))
    # the closing and the edges' own width take a rim of wall round the garment: worn, it is a white halo
    rim = alpha & ~ndimage.binary_erosion(alpha, iterations=reach)
    alpha &= ~(rim & plain)
    # judged on its inside: a pale rim of lit wall round a dark garment must not make it "wall-coloured"
    inside = ndimage.binary_erosion(alpha, iterations=2 * reach)
    if (inside & ~plain).sum() >= COLOURED * inside.sum():
        # a garment of its own colour: the closing also filled the wall between a sleeve and the body
        # (an armpit), deeper than the rim; worn, it is a white wedge. The wall reached from outside
        # through wall-coloured pixels goes (a white polo on white, found by its edges, keeps its own)
        alpha &= ~ndimage.binary_propagation(~alpha, mask=~alpha | plain)
    labels, count = ndimage.label(alpha)
    if count == 0 or alpha.mean() < 0.02:
        raise StyleInputError("found no garment on the garment photo's plain background; use a product photo "
                              "of one garment on a plain background", field="garment_photo")
    return labels == 1 + int(np.argmax(ndimage.sum(alpha, labels, range(1, count + 1))))


def _edges(grey: np.ndarray) -> np.ndarray:
    """bool (H, W): the garment's own edges, found on the photo brought to at most EDGE_SIDE pixels
    a side: an enlarged photo (a 60x80 catalogue shot at 512) spreads a seam's step over many pixels,
    so its gradient per pixel falls under EDGE and a white polo on white lost its side to the wall."""
    from PIL import Image

    height, width = grey.shape
    scale = min(1.0, EDGE_SIDE / max(height, width))
    small = grey
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = np.asarray(Image.fromarray(grey.astype(np.float32)).resize(size, Image.Resampling.BOX))
    found = np.hypot(ndimage.sobel(small, axis=0), ndimage.sobel(small, axis=1)) / 4 > EDGE
    if scale < 1.0:
        found = np.asarray(Image.fromarray(found.astype(np.uint8) * 255).resize((width, height),
                                                                                Image.Resampling.NEAREST)) > 127
    return found


def landmarks(alpha: np.ndarray) -> Product:
    """The landmarks of a garment laid flat, front up, from its outline."""
    rows = np.flatnonzero(alpha.any(axis=1))
    top, bottom = int(rows[0]), int(rows[-1])
    height = bottom - top + 1
    lefts = np.array([np.flatnonzero(alpha[r])[0] if alpha[r].any() else -1 for r in range(alpha.shape[0])])
    rights = np.array([np.flatnonzero(alpha[r])[-1] if alpha[r].any() else -1 for r in range(alpha.shape[0])])
    lower = range(top + height // 2, bottom - height // 20 + 1)
    body_left, body_right = np.median(lefts[lower]), np.median(rights[lower])
    width = body_right - body_left
    wide = [r for r in range(top, top + height // 2)
            if rights[r] - lefts[r] > SLEEVE_OUT * width and (lefts[r] < body_left - 2 or rights[r] > body_right + 2)]
    sleeves = len(wide) >= max(2, height // 25)
    armpit = max(wide) + 1 if sleeves else top + round(0.3 * height)

    def column_top(x: float) -> float:
        column = np.flatnonzero(alpha[:, int(round(np.clip(x, 0, alpha.shape[1] - 1)))])
        return float(column[0]) if column.size else float(top)

    # the hem: the lowest row at least half the body's width (a tilted hem's lowest corner is a few pixels)
    hem = max((r for r in range(top + height // 2, bottom + 1) if rights[r] - lefts[r] >= 0.5 * width), default=bottom)
    inset = 0.08 * width  # a body side's top is its shoulder seam, a little in from the edge
    marks = {"left_shoulder": np.array([body_left + inset, column_top(body_left + inset)]),
             "right_shoulder": np.array([body_right - inset, column_top(body_right - inset)]),
             "neck": np.array([(body_left + body_right) / 2, column_top((body_left + body_right) / 2)]),
             "left_armpit": np.array([float(lefts[armpit]), float(armpit)]),
             "right_armpit": np.array([float(rights[armpit]), float(armpit)]),
             "left_hem": np.array([float(lefts[hem]), float(hem)]),
             "right_hem": np.array([float(rights[hem]), float(hem)]),
             "hem": np.array([(lefts[hem] + rights[hem]) / 2, float(hem)])}
    if sleeves:
        ys, xs = np.nonzero(alpha[:armpit + 1])
        for side, outside in (("left", xs < body_left), ("right", xs > body_right)):
            if outside.sum() < 3:
                continue
            shoulder = marks[f"{side}_shoulder"]
            distance = np.hypot(xs[outside] - shoulder[0], ys[outside] - shoulder[1])
            far = distance >= np.quantile(distance, 0.9)
            marks[f"{side}_sleeve"] = np.array([xs[outside][far].mean(), ys[outside][far].mean()])
    return Product(alpha, marks, sleeves, (float(body_left), float(body_right), int(armpit)))


# ImageNet-1k classes an accessory or shoe photo is taken for (EfficientNet-Lite0's top guesses on
# the catalogue's watches, shoes, bags, eyewear, jewellery, hats and cosmetics), by kind, and the
# clothing ones
CLOTHING_CLASSES = (399, 400, 411, 445, 459, 465, 474, 501, 568, 578, 601, 608, 610, 614, 617, 638, 639, 655,
                    689, 697, 735, 775, 834, 841, 842, 869, 887)
OTHER_CLASSES = {"a watch or clock": (409, 530, 531, 635, 826, 892),
                 "a shoe": (502, 514, 630, 770, 774, 788),
                 "a bag": (414, 636, 728, 748, 790),
                 "eyewear": (836, 837), "jewellery": (584, 679), "a hat": (452, 515, 793, 808),
                 "an object": (473, 512, 521, 804, 902),
                 "a cosmetic": (551, 585, 629, 631, 711, 838)}
NOT_CLOTHING = 4.0  # refused when the other classes weigh this many times the clothing ones
FRAME = 0.1  # of the garment's longer side: the wall kept round it for the network (`_framed`)
# ImageNet-1k classes of clothing for the legs (stocking, diaper, jean, miniskirt, sarong, sock, swimming trunks)
# and of tops, dresses and coats; refused as for the legs when the first weigh LOWER_BODY times the second
LOWER_BODY_CLASSES = (496, 529, 608, 655, 775, 806, 842)
UPPER_BODY_CLASSES = (399, 400, 465, 474, 501, 568, 578, 601, 610, 614, 617, 652, 689, 735, 834, 841, 869, 887)
LOWER_BODY = 4.0
LEG_GAP = 0.03  # of a garment's width: the least gap between two legs laid flat


def unwearable(photo: np.ndarray, alpha: np.ndarray) -> tuple[str, str] | None:
    """Why try-on cannot put on the garment of a product photo, and what it looks like, or None
    for a top or a dress. alpha: bool (H, W), the garment's outline.
    - ("not clothing", "a shoe", ...): by the shipped ImageNet network, shown the outline cropped
      with a margin (`_framed`);
    - ("for the legs", "trousers or shorts") when the outline stands on two legs (`_two_legs`), or
      ("for the legs", "a garment for the legs") when the network takes it for jeans, trunks, a
      skirt or socks LOWER_BODY times as surely as for a top, a dress or a coat (try-on dresses the
      upper body).
    How often each is right on catalogue product photos: benchmarks/people_checks.py
    `garments_checked` (figures in BENCHMARKS.md); half the trousers and shorts, folded or with
    their legs together, and most skirts and briefs pass as tops."""
    if _two_legs(alpha):
        return "for the legs", "trousers or shorts"
    p = _imagenet(photo, alpha)
    kind = _not_clothing(p)
    if kind is not None:
        return "not clothing", kind
    if p[list(LOWER_BODY_CLASSES)].sum() > LOWER_BODY * p[list(UPPER_BODY_CLASSES)].sum():
        return "for the legs", "a garment for the legs"
    return None


def _not_clothing(p: np.ndarray) -> str | None:
    """The kind the other classes in `p` (ImageNet probabilities) name, when they outweigh clothing's."""
    kinds = {kind: float(p[list(indices)].sum()) for kind, indices in OTHER_CLASSES.items()}
    if sum(kinds.values()) > NOT_CLOTHING * float(p[list(CLOTHING_CLASSES)].sum()):
        return max(kinds, key=kinds.get)
    return None


def _imagenet(photo: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """(1000,): the ImageNet network's class probabilities for the photo (cropped to `alpha`, if
    given), on a square of the wall's colour."""
    import torch
    from PIL import Image

    from couturier.backbones import load_backbone, normalise

    photo = _framed(photo, alpha) if alpha is not None and alpha.any() else photo
    side = max(photo.shape[:2])
    square = Image.new("RGB", (side, side), tuple(int(v) for v in np.median(
        np.concatenate([photo[0], photo[-1], photo[:, 0], photo[:, -1]]), axis=0)))
    square.paste(Image.fromarray(photo), ((side - photo.shape[1]) // 2, (side - photo.shape[0]) // 2))
    pixels = np.asarray(square.resize((224, 224), Image.Resampling.BICUBIC), np.float32) / 127.5 - 1.0
    with torch.no_grad():
        return load_backbone()(normalise(torch.from_numpy(pixels).permute(2, 0, 1)[None])).softmax(1)[0].numpy()


def _two_legs(alpha: np.ndarray) -> bool:
    """Whether a garment laid flat stands on two legs: in most rows of its lowest quarter (less the
    hem's blur), exactly two runs of it, each at least a fifth of its width, apart by LEG_GAP of it
    about its middle. A top's long sleeves hang beside its body (three runs, or a gap off the
    middle); a dress or a skirt is one run."""
    rows, columns = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    height, width = rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1
    middle = (columns[0] + columns[-1]) / 2
    lowest = range(rows[-1] - height // 4, rows[-1] - height // 40 + 1)
    apart = 0
    for row in lowest:
        xs = np.flatnonzero(alpha[row])
        runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1) if xs.size else []
        if len(runs) != 2 or min(len(runs[0]), len(runs[1])) < 0.2 * width:
            continue
        gap = runs[1][0] - runs[0][-1] - 1
        apart += int(gap >= max(2, LEG_GAP * width) and abs((runs[0][-1] + runs[1][0]) / 2 - middle) <= 0.15 * width)
    return apart > 0.5 * len(lowest)


def _framed(photo: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The photo cropped to the outline's box, grown by FRAME of its longer side each way. A child's
    T-shirt can fill a tenth of a catalogue photo: shown the whole wall round it, the network took
    it for a whistle, a soap dispenser or a hair slide."""
    rows, columns = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    margin = round(FRAME * max(rows[-1] - rows[0], columns[-1] - columns[0]))
    return photo[max(rows[0] - margin, 0):rows[-1] + margin + 1, max(columns[0] - margin, 0):columns[-1] + margin + 1]
