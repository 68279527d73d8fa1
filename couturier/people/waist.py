"""Where the upper garment ends: the waist, found by walking up the body's middle from the thighs
until the rows leave the lower garment's colour, and whether there is no waist at all (one piece: a
dress, a long kurta), when the walk reaches the chest.

Each row's colour is the median over the clothed middle of the body (between the shoulders, inset),
so a hand or a sleeve at the side does not move it. The lower garment's colour is learnt where it
surely is: the rows below the hips; walking up from there, a print on the chest, of any colour, is
never reached. A tunic or a kurta can hang below those rows, so the walk is made again from the
lowest clothed rows (the leggings under the kurta), and the lower waist of the two is kept; where the
first walk found none (the kurta's colour from the thighs to the chest), the second one's counts only
at the thighs or below: the kurta's hem, and the leggings below it are the lower garment. A band
unlike the cloth above and below it, which is one cloth (a kurti's gold waistband) or one print (a
dress's belt, the print lit brighter above it), is walked over; a waist the second walk finds
overrules a walk that went over a band. A waist found well above the hips with nothing but the
chest's own colours below it is where a print or the light changed, not where the top ends: a dark
top over trousers nearly its colour hangs to the hips. Nor is the light's edge a waist when the
colour below is the chest's in shade (a coloured kurta below the hands): there is no first walk.
And a band of the lower garment's own colour in less light, under the top's hem, is a shadow on
it: the waist is where the top's cloth begins above it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.cluster.vq import kmeans2

from couturier.style.light import chroma_of

if TYPE_CHECKING:
    from couturier.people.garments import _Body

THIGH_DISTANCE = 40.0  # RGB distance (0-255) from the thighs' colour within which a row is still below the waist
CLOTHED_SHARE = 0.1  # of the body's middle in a band of rows: less, and the legs there are bare
WALKED_ROWS = 3  # rows just walked whose colour a row may shade on from (a waistband in shadow), in edge widths
EDGE_ROWS = 0.05  # of the torso's length: how many rows a garment's edge is blurred over (2 at 60x80, 12 at 512)
LOWEST_ROWS = 0.2  # of the torso's length: the lowest clothed rows, whose colour the second walk starts from
KNEES = 1.0  # of the torso's length below the hips: a thigh is about as long as the torso
COVERED_LEGS = 0.5  # of the body's middle there: less, and the lowest rows are bare legs in a garment's shadow
LEGGINGS_SHARE = 0.25  # of the body's middle: as little as two slim legs in leggings fill
LEGGINGS_CLOTHED = 0.8  # of the person's own pixels in the lowest rows: clothed legs, not bare ones
BELT = 0.25  # of the torso's length: the most a belt or a waist seam's band is high, its blurred edges with it
BLOCK = 0.1  # of the torso's length: how many rows of cloth above and below a band are compared
SAME_COLOUR = 10.0  # RGB distance (0-255) of two blocks' median colours within which they are one plain cloth
SAME_PRINT = 22.0  # mean RGB distance (0-255) from the other block's palette within which two blocks are one print
CHROMATIC = 15.0  # chroma (Cr, Cb from grey; 0-255) above which a cloth is coloured, its chroma telling it apart
SAME_CHROMA = 8.0  # chroma distance (0-255) within which two blocks of a coloured cloth are one cloth in other light
PALETTE = 4  # main colours a block of cloth is summed up by (a print)
HIGHEST_WAIST = 0.4  # of the torso's length below the neck: the walk up goes no higher
HIGH_WAIST = 0.2  # of the torso's length above the hips: a waist found higher is checked against the chest's colours
CROTCH = 0.3  # of the torso's length below the hip joints: where trousers' legs part and a skirt's do not
LEG_GAP = 0.02  # of the torso's length: the least gap between two legs there
SHADE = (0.55, 0.95)  # the least and most share of the chest's light a cloth's shaded lower half has
SHADE_RESIDUAL = 6.0  # RGB distance (0-255) from the chest's colour so scaled within which a cloth is the chest's in shade
SHADOW = (0.5, 0.95)  # the least and most share of the lower garment's light in a shadow on it (under a top's hem)
SHADOW_RESIDUAL = 10.0  # RGB distance (0-255) from the lower garment's colour so scaled within which a band is its shadow
CHEST_COLOURS = 30.0  # RGB distance (0-255) from the chest's nearest main colour within which a row is the top's cloth


def find_waist(colour: np.ndarray, clothed: np.ndarray, body: _Body,
               person: np.ndarray | None = None) -> tuple[float, float, bool]:
    """(waist, hem, one piece): the row where the upper garment ends, the row where the clothes end
    (the photo's bottom, or a dress's hem above bare legs), and whether there is no waist. colour:
    float (H, W, 3) RGB; clothed: bool (H, W), the person less head, hair and skin; person: bool
    (H, W), the whole person, if known (whether the legs stand apart, `_legs_apart`)."""
    height = clothed.shape[0]
    left, right = body.shoulders
    inset = 0.2 * (right[0] - left[0])
    between = (body.columns > left[0] + inset) & (body.columns < right[0] - inset)
    middle = clothed & between

    # rows across which the legs are clothed: below a dress's hem the few pixels between bare legs
    # that are not skin (the hem's blurred edge, a shadow) are no lower garment's colour
    covered = middle.sum(axis=1) >= COVERED_LEGS * np.maximum(between.sum(axis=1), 1)

    def clothed_rows(first: float, last: float, share: float = CLOTHED_SHARE,
                     rows_covered: bool = False) -> np.ndarray | None:
        """The middle's clothed pixels between two rows (in rows the legs are clothed across, if
        asked), if they are a fair share of it (a share, not a count: a photo enlarged 4x has 16
        times the pixels)."""
        band = (body.rows >= first) & (body.rows < last)
        found = middle & band & (covered[:, None] if rows_covered else True)
        return found if found.sum() >= max(4, share * (between & band).sum()) else None

    top = min(body.hips[1] + 0.3 * body.torso, height - 3)
    end = min(body.hips[1] + 0.8 * body.torso, height)
    thigh_band = clothed_rows(top, end, rows_covered=True)
    if thigh_band is None:  # bare legs below shorts or a short skirt: the lower garment is at the hips
        top = body.hips[1]
        thigh_band = clothed_rows(top, body.hips[1] + 0.3 * body.torso)
    if thigh_band is None:  # no clothes below the hips to compare with: the upper garment runs on
        return float(height), float(height), False
    thighs = np.median(colour[thigh_band], axis=0)
    chest_band = (body.rows > body.neck[1] + 0.2 * body.torso) & (body.rows < body.neck[1] + 0.6 * body.torso)
    chest_rows = middle & chest_band
    chest = np.median(colour[chest_rows], axis=0) if chest_rows.sum() >= 4 else thighs
    stop = int(body.neck[1] + HIGHEST_WAIST * body.torso)
    # a coloured cloth's lower half in shade (a kurta below the hands) is no lower garment, whatever
    # row the walk would leave it at: no first walk; the second finds the kurta's hem, if any
    first, band = (None, None) if _in_shade(thighs, chest) else _walk_up(colour, middle, thighs, int(top) - 1, stop, chest, body)
    waists = [first]
    # a kurta or a tunic over leggings reaches into the thighs' rows and shades their colour: the
    # leggings' own colour is that of the lowest rows, if the legs there are clothed (a dress's hem
    # above bare legs in its shadow is not a lower garment). Two slim legs in leggings fill less of
    # the body's middle than COVERED_LEGS asks: the person's own pixels there, nearly all clothed,
    # tell them from bare legs
    knees = min(body.hips[1] + KNEES * body.torso, height)
    lowest = clothed_rows(knees - LOWEST_ROWS * body.torso, knees, COVERED_LEGS) if knees > top else None
    if lowest is None and knees > top and person is not None:
        knee_rows = (body.rows >= knees - LOWEST_ROWS * body.torso) & (body.rows < knees) & between
        legs = person & knee_rows
        if legs.sum() and (middle & knee_rows).sum() >= LEGGINGS_CLOTHED * legs.sum():
            lowest = clothed_rows(knees - LOWEST_ROWS * body.torso, knees, LEGGINGS_SHARE)
    if lowest is not None:
        waists.append(_walk_up(colour, middle, np.median(colour[lowest], axis=0),
                               int(knees - LOWEST_ROWS * body.torso) - 1, stop, chest, body, bands=False)[0])
    # where the first walk found no waist, from the thighs' rows to the chest, the garment runs over
    # the thighs: the second walk finds its hem there or below (a kurta's over leggings), or nothing.
    # Unless the first walked over a band: that was a guess, and a waist the second finds below the
    # band overrules it (the jeans under a long shirt, the first walk having started inside the shirt)
    below_band = band + max(2, round(BLOCK * body.torso)) if band is not None else float(height)
    found = [waist for waist in waists if waist is not None and (first is not None or waist >= min(top, below_band))]
    if not found and person is not None and _legs_apart(person, body):  # trousers of the top's colour
        return float(body.hips[1]), float(height), False
    if not found:  # one garment
        return float(height), _hem(colour, middle, thighs, int(top)), True
    chest_sides = clothed & ~between & chest_band
    return _down_to_the_hips(colour, middle, max(found), chest_rows, chest_sides, body), float(height), False


def _down_to_the_hips(colour: np.ndarray, middle: np.ndarray, waist: float, chest_rows: np.ndarray,
                      chest_sides: np.ndarray, body: _Body) -> float:
    """The waist, or the hips' row when a waist found well above the hips (HIGH_WAIST) has below it,
    down to the hips, rows of the chest's own colours (CHEST_COLOURS from a palette of the chest's
    middle above the waist, or the median colour of the chest's sides, nearly every row): the walk
    up stopped at a print's lower edge, or where the light on the cloth changes, and the top's plain
    cloth below is as near the trousers' colour as a walk can tell (a black T-shirt over black
    jeans, dark green over dark denim). A print can fill the chest's middle: the plain cloth then
    shows at its sides. A T-shirt's hem hangs at the hip joints; a top tucked into high-waisted
    trousers has the trousers' colour below its waist, not its own. (Not the whole top's palette:
    a dark collar, the neck's shadow or the folds at a shirt's sides make a tucked shirt's belt and
    trousers its own; the sides' median is the cloth's, not its shadows'.)"""
    top = chest_rows & (body.rows < waist)
    if waist > body.hips[1] - HIGH_WAIST * body.torso or top.sum() < 4 * PALETTE:
        return waist
    rows = [_row(colour, middle, r) for r in range(int(waist), int(body.hips[1]))]
    rows = [row for row in rows if row is not None]
    if not rows:
        return waist
    colours = palette(colour[top])
    sides = chest_sides & (body.rows < waist)
    if sides.sum() >= 4:
        colours = np.vstack([colours, np.median(colour[sides], axis=0)])
    own = off_palette(colours, np.array(rows)) < CHEST_COLOURS
    return float(body.hips[1]) if own.mean() > 0.9 else waist


def _in_shade(lower: np.ndarray, chest: np.ndarray) -> bool:
    """Whether the lower garment's colour is the chest's in less light: a coloured cloth (CHROMATIC)
    whose colour below is the chest's scaled by SHADE (its channels in one proportion, within
    SHADE_RESIDUAL of it). A kurta lit at the chest and shaded below the hands has lost light, not
    changed colour; a top over trousers of another colour, or another shade of its hue (a blue
    shirt over jeans), is not the same colour darkened. Greys, blacks and whites are every one
    another's colour in some light: not these."""
    return _coloured(chest) and _darkened(lower, chest, SHADE, SHADE_RESIDUAL)


def _above_a_shadow(colour: np.ndarray, middle: np.ndarray, r: int, here: np.ndarray, thighs: np.ndarray,
                    chest: np.ndarray, body: _Body) -> int | None:
    """The first row above a shadow on the lower garment that row `r` (of colour `here`) starts,
    where the top's own cloth begins (within THIGH_DISTANCE / 2 of the chest's colour), within BELT
    of the torso above and through at most two edge widths of rows that are neither (the blurred
    edge). None when the band has the chest's colour (a dark top's hem, not a shadow), when the top
    would begin above the hip joints by more than an edge (a black T-shirt's plain lower half is as
    dark as jeans in shade, and the print above it is no hem), or no such row comes."""
    if np.linalg.norm(here - chest) <= THIGH_DISTANCE / 2:
        return None
    gap = max(1, round(EDGE_ROWS * body.torso))
    edge = 0
    for above in range(r - 1, int(r - BELT * body.torso) - 1, -1):
        row = _row(colour, middle, above)
        if row is None:
            continue
        if np.linalg.norm(row - chest) <= THIGH_DISTANCE / 2:
            return above if above >= body.hips[1] - EDGE_ROWS * body.torso else None
        if not _darkened(row, thighs, SHADOW, SHADOW_RESIDUAL) and np.linalg.norm(row - thighs) > THIGH_DISTANCE:
            edge += 1
            if edge > 2 * gap:
                return None
    return None


def _darkened(colour: np.ndarray, lit: np.ndarray, light: tuple[float, float], residual: float) -> bool:
    """Whether `colour` is `lit` in less light: `lit` scaled by a share of its light within `light`
    (its channels in one proportion), within `residual` (RGB distance) of it."""
    scale = float(colour @ lit) / max(float(lit @ lit), 1e-6)
    return bool(light[0] < scale < light[1] and np.linalg.norm(colour - scale * lit) < residual)


def _legs_apart(person: np.ndarray, body: _Body) -> bool:
    """Whether the legs stand apart below the crotch (CROTCH rows, between the hips' columns): a
    gap in the person between two legs, in most of those rows. Trousers, then, not a skirt's one
    piece, even when no row leaves their colour up to the chest (a black T-shirt over black jeans);
    a dress or a kurta covers the thighs as one there."""
    first, last = (int(body.hips[1] + (CROTCH + side) * body.torso) for side in (-0.05, 0.05))
    rows = range(max(first, 0), min(last + 1, len(person)))
    left = int(max(body.hips[0] - 0.6 * body.hip_width, 0))
    right = int(body.hips[0] + 0.6 * body.hip_width) + 1
    apart = 0
    for r in rows:
        legs = np.flatnonzero(person[r, left:right])
        between = ~person[r, left:right][legs[0]:legs[-1] + 1] if legs.size >= 2 else np.zeros(0, bool)
        apart += int(between.sum() >= max(1.0, LEG_GAP * body.torso))
    return len(rows) > 0 and apart > 0.5 * len(rows)


def _hem(colour: np.ndarray, middle: np.ndarray, thighs: np.ndarray, start: int) -> float:
    """A one-piece garment's hem: walking down from row `start`, the first row that leaves its
    colour there (`thighs`), or the photo's bottom."""
    for r in range(start, len(middle)):
        here = _row(colour, middle, r)
        if here is not None and np.linalg.norm(here - thighs) > THIGH_DISTANCE:
            return float(r)
    return float(len(middle))


def _walk_up(colour: np.ndarray, middle: np.ndarray, thighs: np.ndarray, start: int, stop: int,
             chest: np.ndarray, body: _Body, bands: bool = True) -> tuple[float | None, int | None]:
    """(the waist, the row of the first band walked over, if any): walking up from row `start` to
    `stop`, the row below the first that leaves the lower garment (`_leaves_the_lower`); None when
    no row does.
    Without `bands`, no band is walked over (from the leggings up, the first band is a kurta's hem)."""
    walked: list[np.ndarray] = []
    gap = max(1, round(EDGE_ROWS * body.torso))
    r, band = start, None
    while r > stop:
        here = _row(colour, middle, r)
        if here is not None:
            if _leaves_the_lower(here, thighs, _below(walked, gap), chest):
                # a band of the lower garment's own colour in less light (the top's hem casts it, a
                # waistband folds in it) is the lower garment's, up to where the top's cloth begins
                top = _above_a_shadow(colour, middle, r, here, thighs, chest, body) \
                    if _darkened(here, thighs, SHADOW, SHADOW_RESIDUAL) else None
                if top is not None:
                    return float(top + 1), band
                beyond = _above_a_band(colour, middle, r, here, chest, body) if bands else None
                if beyond is None:
                    return float(r + 1), band
                r, band = beyond, r if band is None else band
                continue
            walked.append(here)
        r -= 1
    return None, band


def _above_a_band(colour: np.ndarray, middle: np.ndarray, r: int, here: np.ndarray, chest: np.ndarray,
                  body: _Body) -> int | None:
    """The first row above a contrast band (a kurti's waistband, a dress's belt) that row `r` (of
    colour `here`) starts, when the cloth above the band is the cloth below it: the band is unlike
    the chest, the chest is of the cloth below (`_chest_of_the_cloth`), and within BELT of the torso
    above the band a block of rows has the colours of the block below it (`_one_cloth`). None
    otherwise: the waist is there."""
    if np.linalg.norm(here - chest) <= THIGH_DISTANCE / 2:
        return None
    gap = max(1, round(EDGE_ROWS * body.torso))
    depth = max(2, round(BLOCK * body.torso))
    below = _pixels(colour, middle, r + gap, r + gap + depth)
    # the chest is of the cloth below too (a black top over dark jeans, hands at the waist between them, is not)
    if len(below) < 2 * PALETTE or not _chest_of_the_cloth(chest, np.median(below, axis=0)):
        return None
    below_palette = palette(below) if r <= body.hips[1] else None  # prints only above the hips: `_one_cloth`
    for above in range(r - 1, int(r - BELT * body.torso) - 1, -1):
        block = _pixels(colour, middle, above - gap - depth, above - gap)
        if len(block) >= 2 * PALETTE and _one_cloth(block, below, below_palette):
            return above - gap - depth
    return None


def _chest_of_the_cloth(chest: np.ndarray, below: np.ndarray) -> bool:
    """Whether the chest's colour is that of the cloth below a band: within 2 SAME_COLOUR, or, for
    a coloured cloth (CHROMATIC), of its chroma (SAME_CHROMA): a peach dress is lit brighter at the
    bust than on its skirt. Greys, blacks and whites have next to no chroma to tell them by (a black
    top over dark grey jeans, hands at the waist between them)."""
    if np.linalg.norm(chest - below) <= 2 * SAME_COLOUR:
        return True
    return _coloured(chest) and bool(np.linalg.norm(chroma_of(chest) - chroma_of(below)) < SAME_CHROMA)


def _coloured(cloth: np.ndarray) -> bool:
    """Whether an RGB colour is a coloured cloth's (chroma above CHROMATIC), not a grey's, a black's
    or a white's: those have next to no chroma to be told by."""
    return bool(np.linalg.norm(chroma_of(cloth) - 128.0) > CHROMATIC)


def _pixels(colour: np.ndarray, middle: np.ndarray, first: int, last: int) -> np.ndarray:
    """(N, 3): the clothed middle's colours in rows first..last-1."""
    first, last = max(first, 0), max(min(last, len(middle)), 0)
    return colour[first:last][middle[first:last]]


def _one_cloth(a: np.ndarray, b: np.ndarray, b_palette: np.ndarray | None) -> bool:
    """Whether two blocks of pixels are of one cloth: of one colour (their medians within
    SAME_COLOUR, a plain cloth's embroidery aside), or, given b's palette, each with the other's
    colours in whatever proportions (a print lit brighter on the bodice than on the skirt): every
    pixel near the other block's palette, SAME_PRINT on average. Dark cloths are all near each
    other's palette (a black top, dark jeans): prints are looked for only across a band above the
    hip joints, where a belt is worn, not below them, where hands rest and a top's hem ends."""
    if np.linalg.norm(np.median(a, axis=0) - np.median(b, axis=0)) <= SAME_COLOUR:
        return True
    return b_palette is not None and _off(palette(a), b) <= SAME_PRINT and _off(b_palette, a) <= SAME_PRINT


def palette(pixels: np.ndarray, most: int = 1000) -> np.ndarray:
    """(PALETTE or fewer, 3): the main colours of (N, 3) pixels, by k-means on about `most` of them
    (a palette needs no more); k-means++ cannot seed more clusters than there are colours (a flat,
    untextured cloth), so then the colours themselves."""
    pixels = pixels[:: max(1, len(pixels) // most)].astype(np.float64)
    distinct = np.unique(pixels, axis=0)
    return distinct if len(distinct) <= PALETTE else kmeans2(pixels, PALETTE, seed=0, minit="++")[0]


def off_palette(colours: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """(N,): each pixel's RGB distance from the nearest of the palette's colours."""
    return np.linalg.norm(pixels[:, None] - colours[None], axis=-1).min(axis=1)


def _off(colours: np.ndarray, pixels: np.ndarray) -> float:
    """The mean RGB distance of the pixels from the nearest of the palette's colours."""
    return float(off_palette(colours, pixels).mean())


def _row(colour: np.ndarray, middle: np.ndarray, r: int) -> np.ndarray | None:
    """The median colour of the body's middle along row r, if at least two of its pixels are clothed."""
    return np.median(colour[r][middle[r]], axis=0) if 0 <= r < len(middle) and middle[r].sum() >= 2 else None


def _below(walked: list[np.ndarray], gap: int) -> list[np.ndarray]:
    """The rows a row is compared with, walking up: WALKED_ROWS edge widths of them, an edge width
    below it. Compared with the rows just below, a row in a blurred edge (12 rows of an enlarged
    photo) shades on from them, and the walk crept through the edge into a black top."""
    if len(walked) <= gap:
        return walked[:1]
    return walked[max(0, len(walked) - gap - WALKED_ROWS * gap): len(walked) - gap]


def _leaves_the_lower(here: np.ndarray, thighs: np.ndarray, walked: list[np.ndarray], chest: np.ndarray) -> bool:
    """Whether a row's colour, walking up, is no longer the lower garment's: far from the thighs'
    colour and either far from the rows walked below it too (`_below`) or nearer the chest's colour.
    Jeans darken from the thigh to the waistband by more than THIGH_DISTANCE, but gradually; a black
    top over dark jeans is nearer the jeans' colour than that, but nearer its own chest's."""
    if np.linalg.norm(here - thighs) <= THIGH_DISTANCE:
        return False
    if not walked:
        return True
    shading = np.linalg.norm(here - np.median(walked, axis=0)) <= THIGH_DISTANCE
    return not shading or np.linalg.norm(here - chest) < np.linalg.norm(here - thighs)
