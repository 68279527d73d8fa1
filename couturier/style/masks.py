"""Find the garment in a product photo: not the background, not the model wearing it.

Catalogue photos are small (60x80) and most apparel is worn by a person on a plain background,
so "everything that is not background" also takes the face, hair, arms and hands. Three steps:

1. Background: pixels near the border's colour (the photo must have a plain background).
2. The person: skin by its chroma (the YCrCb box of Chai & Ngan 1999, which holds across skin
   tones because it ignores brightness) and the head, the skin blob at the top with the dark hair
   around it.
3. OpenCV's GrabCut (Rother et al. 2004) decides the pixels in between from colour models: seeded
   with the background, the skin and the head as background and the rest of the figure as
   probably garment, it also takes back garment pixels the background rule missed (a white shirt
   on white) and drops what only touched the figure.

Hand-written here because no library segments "the garment on a person" without a trained model;
GrabCut, the part a library does well, comes from OpenCV (the `style` extra).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from couturier.errors import MissingExtra
from couturier.style.images import StyleInputError

BACKGROUND_THRESHOLD = 0.12  # max channel distance from the border's colour, 0..1
FRAME = 0.12  # the band along the photo's border (share of its short side) the wall's light is read from
LIT = 0.5  # a lit wall is fitted by its light where that halves the frame's distance from one colour
SKIN_CR, SKIN_CB = (135, 180), (85, 135)  # YCrCb box (0..255)


def background(image: np.ndarray, threshold: float = BACKGROUND_THRESHOLD) -> np.ndarray:
    """True where the pixel has the plain background's colour; an error if there is none."""
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    colour = np.median(border, axis=0)
    # a worn garment's model is often cut by the bottom edge: most of the border, not all, is plain
    if (np.abs(border - colour).max(axis=1) <= threshold).mean() < 0.6:
        raise StyleInputError("the photo has no plain background to find the garment against; draw a mask "
                              "(white = garment, black = the rest) and pass it as the mask", field="mask")
    plain = _farthest(image - colour) <= threshold
    # fitted to the frame only: inside it, a white shirt on white would be taken for lit wall
    frame = np.ones_like(plain)
    margin = max(1, round(FRAME * min(plain.shape)))
    frame[margin:-margin, margin:-margin] = False
    ys, xs = _some(plain & frame)
    wall = _lit_wall(image, ys, xs)
    seen = image[ys, xs]
    if np.abs(seen - wall(ys, xs)).max(axis=1).mean() > LIT * np.abs(seen - colour).max(axis=1).mean():
        return plain  # an evenly lit wall: one colour says it best
    ys, xs = _some(frame, 5 * len(ys))  # refit on what the first fit calls wall
    kept = _farthest(image[ys, xs] - wall(ys, xs)) <= threshold
    wall = _lit_wall(image, ys[kept], xs[kept])
    return _farthest(image - wall(np.arange(plain.shape[0])[:, None], np.arange(plain.shape[1])[None, :])) <= threshold


def _farthest(difference: np.ndarray) -> np.ndarray:
    """(H, W): the largest absolute channel of (H, W, 3); numpy's max over a last axis of three is
    several times slower than two maxima of planes."""
    return np.maximum(np.maximum(np.abs(difference[..., 0]), np.abs(difference[..., 1])), np.abs(difference[..., 2]))


def _some(where: np.ndarray, count: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """About `count` of the pixels where `where` is true, evenly spread: (rows, columns)."""
    ys, xs = np.nonzero(where)
    step = max(1, len(ys) // count)
    return ys[::step], xs[::step]


def _lit_wall(image: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The wall's colour as a function of pixel rows and columns (which broadcast): a quadratic in x
    and y fitted to the pixels (ys, xs) of `image`.

    A studio wall is lit brighter behind the garment than at the photo's corners (a vignette): one
    colour for all of it takes the light wall next to the garment for cloth, a pale rim that a
    try-on wears as a halo. A quadratic follows a vignette or a gradient and cannot bend round a
    garment (lstsq by numpy: a fit of six terms needs no library)."""
    height, width = image.shape[:2]

    def terms(rows: np.ndarray, columns: np.ndarray) -> list[np.ndarray]:
        y, x = np.float32(rows / height - 0.5), np.float32(columns / width - 0.5)
        return [np.ones_like(x), x, y, x * x, x * y, y * y]

    coefficients, *_ = np.linalg.lstsq(np.stack(terms(ys, xs), axis=-1), image[ys, xs], rcond=None)
    c = coefficients.astype(np.float32)

    def wall(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        _, x, y, xx, xy, yy = (term[..., None] for term in terms(rows, columns))
        # by rows, by columns, then the one term of both: on a whole photo, three full-size sums
        return (c[0] + c[2] * y + c[5] * yy) + (c[1] * x + c[3] * xx) + c[4] * xy
    return wall


def skin(image: np.ndarray) -> np.ndarray:
    """True where the chroma is skin's (image: H, W, 3 floats in 0..1)."""
    rgb = image * 255.0
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    cr = (rgb[..., 0] - y) * 0.713 + 128
    cb = (rgb[..., 2] - y) * 0.564 + 128
    return (cr >= SKIN_CR[0]) & (cr <= SKIN_CR[1]) & (cb >= SKIN_CB[0]) & (cb <= SKIN_CB[1]) & (y > 40)


def head(figure: np.ndarray, skin_mask: np.ndarray) -> np.ndarray:
    """The head: the top skin blob's face (its top part: the neck and a neckline's skin hang below
    it) grown to take the hair around it."""
    labels, count = ndimage.label(skin_mask)
    out = np.zeros_like(figure)
    if count == 0:
        return out
    sizes = ndimage.sum(skin_mask, labels, range(1, count + 1))
    big = [i + 1 for i, s in enumerate(sizes) if s >= max(6, 0.004 * figure.size)]
    if not big:
        return out
    tops = {i: np.argwhere(labels == i)[:, 0].min() for i in big}
    blob = labels == min(tops, key=tops.get)
    rows, cols = np.nonzero(blob)
    top = rows.min()
    # no face near the top, or a "face" that is most of the figure (a skin-coloured garment): nobody wears it
    if top > figure.shape[0] * 0.4 or blob.sum() > 0.25 * figure.sum():
        return out
    upper = blob[top:top + max(3, (rows.max() - top) // 3)]  # the forehead and cheeks, not the neck
    face_cols = np.nonzero(upper.any(axis=0))[0]
    width = face_cols.max() - face_cols.min() + 1
    centre, height = (face_cols.max() + face_cols.min()) / 2, 1.4 * width
    box = np.zeros_like(figure)
    box[max(int(top - 0.5 * height), 0):int(top + height), max(int(centre - width), 0):int(centre + width) + 1] = True
    return box & figure


MASK_SIDE = 160  # the mask is found at most this large and scaled up: catalogue photos are 60x80


def garment_mask(x: torch.Tensor, feather: float = 1.0, iterations: int = 5) -> torch.Tensor:
    """(1, 3, H, W) in [0, 1] -> (1, 1, H, W) soft mask of the garment (1 inside)."""
    try:
        import cv2
    except ModuleNotFoundError as exc:
        raise MissingExtra("style", "the automatic garment mask (OpenCV GrabCut)") from exc
    height, width = x.shape[-2:]
    scale = min(MASK_SIDE / max(height, width), 1.0)
    small = F.interpolate(x, scale_factor=scale, mode="area") if scale < 1 else x
    mask = _garment(cv2, small[0].permute(1, 2, 0).numpy().astype(np.float32), feather, iterations)
    return F.interpolate(mask, size=(height, width), mode="bilinear", align_corners=False) if scale < 1 else mask


def _garment(cv2, image: np.ndarray, feather: float, iterations: int) -> torch.Tensor:
    figure = ndimage.binary_fill_holes(ndimage.binary_opening(~background(image), iterations=1))
    if figure.mean() < 0.01:
        raise StyleInputError("found no garment against the background; draw a mask of the garment and pass it", field="mask")
    skin_mask = ndimage.binary_opening(skin(image) & figure)
    hair_and_face = head(figure, skin_mask)
    if not hair_and_face.any():  # nobody wears it: skin-coloured pixels are the garment's (a peach dress)
        skin_mask[:] = False
    person = skin_mask | hair_and_face
    seeds = np.full(figure.shape, cv2.GC_PR_BGD, np.uint8)
    seeds[figure] = cv2.GC_PR_FGD
    core = ndimage.binary_erosion(figure & ~ndimage.binary_dilation(person, iterations=2), iterations=2)
    seeds[core] = cv2.GC_FGD
    seeds[hair_and_face] = cv2.GC_PR_BGD  # hair may fall over the garment: GrabCut decides by colour
    seeds[skin_mask] = cv2.GC_BGD
    seeds[~ndimage.binary_dilation(figure, iterations=3)] = cv2.GC_BGD
    pixels = np.ascontiguousarray((image * 255).astype(np.uint8)[..., ::-1])  # OpenCV wants BGR
    models = (np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64))
    if (seeds == cv2.GC_FGD).any() and ((seeds == cv2.GC_BGD) | (seeds == cv2.GC_PR_BGD)).any():
        cv2.setRNGSeed(0)  # GrabCut's colour models start from k-means: make it repeatable
        cv2.grabCut(pixels, seeds, None, *models, iterations, cv2.GC_INIT_WITH_MASK)
    garment = (seeds == cv2.GC_FGD) | (seeds == cv2.GC_PR_FGD)
    # closing joins a striped garment's bands that white stripes cut apart before GrabCut saw them
    garment = ndimage.binary_closing(ndimage.binary_opening(garment), iterations=2) & figure
    garment = _main_parts(ndimage.binary_fill_holes(garment))
    if garment.mean() < 0.005:
        raise StyleInputError("found no garment apart from the person; draw a mask of the garment and pass it", field="mask")
    soft = ndimage.gaussian_filter(garment.astype(np.float32), feather) if feather > 0 else garment.astype(np.float32)
    soft[soft < 0.01] = 0.0
    return torch.from_numpy(soft)[None, None]


def _main_parts(mask: np.ndarray, share: float = 0.2) -> np.ndarray:
    """The largest part and those at least `share` of its size (specks and strays go)."""
    labels, count = ndimage.label(mask)
    if count <= 1:
        return mask
    sizes = ndimage.sum(mask, labels, range(1, count + 1))
    return np.isin(labels, 1 + np.flatnonzero(sizes >= share * sizes.max()))


def polygon_mask(polygon: list[tuple[float, float]], width: int, height: int) -> np.ndarray:
    """A hand-drawn outline as a boolean (height, width) mask."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (width, height), 0)
    ImageDraw.Draw(canvas).polygon([tuple(p) for p in polygon], fill=255)
    return np.asarray(canvas) > 127


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def cut_swatch(photo: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """The largest square of fabric inside the garment (a swatch cut from a product photo):
    centred where the garment is thickest, so no background, skin or edge gets in."""
    inside = (garment_mask(photo) if mask is None else mask)[0, 0].numpy() > 0.99
    depth = ndimage.distance_transform_cdt(np.pad(inside, 1), metric="chessboard")[1:-1, 1:-1]
    if depth.max() < 4:
        raise StyleInputError("the garment has no patch of fabric of 8x8 pixels or more to cut a swatch from",
                              field="photo")
    y, x = np.unravel_index(int(np.argmax(depth)), depth.shape)
    half = int(depth[y, x]) - 1
    return photo[..., y - half:y + half + 1, x - half:x + half + 1]
