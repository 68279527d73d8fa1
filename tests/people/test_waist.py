"""people/waist.py: where the upper garment ends, walking up the body's middle from the legs."""
import numpy as np
import pytest
from drawn_garments import CATALOGUE, drawn_mask, photo
from PIL import Image

from couturier.people import find_person
from couturier.people.garments import _Body, find_garments
from couturier.people.waist import THIGH_DISTANCE, _leaves_the_lower, find_waist

needs_catalogue = pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
HEIGHT, WIDTH = 80, 60
NECK, HIPS = 20, 50  # rows: a torso of 30 rows; the thighs' rows are 59 to 74, the knees at 80


def _body() -> _Body:
    rows, columns = np.indices((HEIGHT, WIDTH))
    left, right = np.array([15.0, NECK]), np.array([45.0, NECK])
    arms = [(left, left + [0, 15], left + [0, 30]), (right, right + [0, 15], right + [0, 30])]
    return _Body(np.array([30.0, 8.0]), np.array([30.0, NECK]), np.array([30.0, HIPS]), 16.0, (left, right), [],
                 arms, rows, columns)


def _dressed(*bands: tuple[int, int, tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(colour, clothed): the body clothed from the neck down, in bands of rows (first, last, RGB)."""
    colour = np.full((HEIGHT, WIDTH, 3), 255.0)
    clothed = np.zeros((HEIGHT, WIDTH), bool)
    clothed[NECK - 2:, 12:48] = True
    for first, last, rgb in bands:
        colour[first:last, 12:48] = rgb
    return colour, clothed


def _catalogue_garments(key: str, factor: int):
    """(garments, body, person) of a catalogue photo enlarged `factor` times, as stylize sees it."""
    from couturier.people.garments import _body as body_of

    small = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    image = np.asarray(Image.fromarray(small).resize((small.shape[1] * factor, small.shape[0] * factor),
                                                     Image.Resampling.BICUBIC))
    person = find_person(image)
    return find_garments(image, person), body_of(person, image.shape[:2]), person


def _middle_below_the_hips(body, person, first: float, last: float) -> np.ndarray:
    """The person's middle (between the shoulders, inset a quarter) from `first` to `last` torso
    lengths below the hip joints (negative: above them)."""
    left, right = body.shoulders
    inset = 0.25 * (right[0] - left[0])
    return (body.columns > left[0] + inset) & (body.columns < right[0] - inset) & (person.mask > 0.5) & \
        (body.rows > body.hips[1] + first * body.torso) & (body.rows < body.hips[1] + last * body.torso)


def test_a_tunics_dark_hem_band_reaching_into_the_thighs_rows_is_the_tunics():
    """A cream tunic whose dark olive hem band hangs to row 70, over black leggings: the band fills
    most of the thighs' rows, so their colour is the band's, and walking up from there the waist
    was the band's top. The leggings' own colour is that of the lowest rows: the waist is the hem."""
    colour, clothed = _dressed((NECK - 2, 58, (230, 220, 190)), (58, 70, (60, 50, 30)), (70, HEIGHT, (15, 15, 15)))
    waist, hem, one_piece = find_waist(colour, clothed, _body())
    assert waist == 70 and hem == HEIGHT and not one_piece


def test_a_skirts_shadow_between_bare_legs_is_not_a_lower_garment():
    """A white top over a red skirt to row 70, bare legs below with a dark shadow between them: the
    shadow's few pixels are too few of the middle to be leggings, and the waist stays the skirt's."""
    colour, clothed = _dressed((NECK - 2, 45, (240, 240, 240)), (45, 70, (180, 30, 40)), (70, HEIGHT, (40, 30, 30)))
    clothed[70:, :28] = clothed[70:, 32:] = False  # the legs are skin: only the shadow between them is left
    assert find_waist(colour, clothed, _body())[:2] == (45, HEIGHT)


def test_a_dress_has_no_waist_and_ends_at_its_hem():
    colour, clothed = _dressed((NECK - 2, 70, (90, 120, 200)))
    clothed[70:] = False  # bare legs
    assert find_waist(colour, clothed, _body()) == (HEIGHT, HEIGHT, True)


def test_below_a_dresss_hem_the_blurred_edge_between_bare_legs_is_no_lower_garment():
    """A blue dress to row 61 over bare legs: below its hem, the hem's blurred edge and the shadows
    between the legs leave a few pixels in each row that are not skin. They had outnumbered the
    dress's own rows in the thighs' band, their brown taken for a lower garment's and the dress cut
    at the band's top. Only rows the legs are clothed across tell the lower garment's colour."""
    colour, clothed = _dressed((NECK - 2, 61, (90, 120, 200)), (61, HEIGHT, (110, 80, 60)))
    clothed[61:] = False
    clothed[61:71, 25:31] = True  # a third of the body's middle: the hem's edge and the legs' shadow
    waist, hem, one_piece = find_waist(colour, clothed, _body())
    assert one_piece and waist == HEIGHT and hem >= 61


def test_shorts_below_a_long_top_are_a_lower_garment():
    """A black top to row 58 over grey shorts to row 66, bare legs below: the shorts fill only the
    thighs' top rows, and are the lower garment."""
    colour, clothed = _dressed((NECK - 2, 58, (20, 20, 20)), (58, 66, (110, 110, 115)))
    clothed[66:] = False
    assert find_waist(colour, clothed, _body())[::2] == (58, False)


def test_a_kurta_over_the_thighs_ends_at_its_hem_and_the_leggings_below_are_the_lower_garment():
    """A cream kurta to row 72 over black leggings: from the thighs' rows (the kurta's) up to the
    chest nothing changes, and it had been one piece, the leggings lost to it. Walking up from the
    lowest rows (the leggings') the kurta's hem is the waist."""
    colour, clothed = _dressed((NECK - 2, 72, (230, 220, 190)), (72, HEIGHT, (15, 15, 15)))
    assert find_waist(colour, clothed, _body()) == (72, HEIGHT, False)


def test_a_dark_kurta_over_black_leggings_is_not_cut_at_a_pocket():
    """A dark brown kurta over black leggings of nearly its colour, a lighter pocket band across it
    at row 50: walking up from the leggings, the walk passes the hem and stops at the band. A waist
    found that way above the thighs' rows is none: the kurta is one piece."""
    colour, clothed = _dressed((NECK - 2, 76, (45, 35, 35)), (50, 54, (70, 55, 50)), (76, HEIGHT, (20, 20, 20)))
    assert find_waist(colour, clothed, _body())[2]


def test_a_kurtis_gold_waistband_between_a_bodice_and_a_skirt_of_one_cloth_is_no_waist():
    """A black kurti to the photo's bottom with a gold band at the waist: walking up, the band left
    the skirt's colour and the kurti was cut there, its skirt taken for a lower garment. Above the
    band the cloth is the skirt's again: the kurti is one piece."""
    kurti = (60, 55, 50)
    colour, clothed = _dressed((NECK - 2, 40, kurti), (40, 44, (140, 115, 80)), (44, HEIGHT, kurti))
    assert find_waist(colour, clothed, _body())[2]


def test_hands_at_the_waist_between_a_black_top_and_dark_jeans_leave_the_waist_there():
    """A band unlike both (hands in front at the waist) with a black top above and dark jeans below:
    the top is not the jeans' cloth, so the band is where the top ends."""
    colour, clothed = _dressed((NECK - 2, 44, (31, 31, 31)), (44, 48, (200, 150, 120)), (48, HEIGHT, (54, 55, 59)))
    waist, _, one_piece = find_waist(colour, clothed, _body())
    assert not one_piece and 44 <= waist <= 48


def test_walking_up_the_legs_goes_on_through_shading_and_stops_at_the_top():
    """Faded jeans darken toward the waistband by more than THIGH_DISTANCE, a row at a time: still
    jeans. Dark jeans under a black top are nearly its colour, but the top is nearer its chest's."""
    faded, black_tee = np.array([130.0, 139.0, 142.0]), np.array([50.0, 41.0, 37.0])
    waistband = np.array([102.0, 112.0, 127.0])
    assert np.linalg.norm(waistband - faded) > THIGH_DISTANCE
    assert not _leaves_the_lower(waistband, faded, [np.array([110.0, 124.0, 140.0])], black_tee)
    assert _leaves_the_lower(np.array([48.0, 39.0, 33.0]), faded, [waistband], black_tee)
    dark_jeans, black_top = np.array([54.0, 55.0, 59.0]), np.array([31.0, 31.0, 31.0])
    shadowed = [np.array([53.0, 54.0, 60.0]), np.array([50.0, 52.0, 57.0]), np.array([39.0, 40.0, 44.0])]
    assert _leaves_the_lower(np.array([29.0, 30.0, 30.0]), dark_jeans, shadowed, black_top)


def test_a_black_t_shirts_plain_cloth_below_its_print_reaches_the_hips_over_black_jeans():
    """A black T-shirt printed across the chest, over jeans nearly as black: walking up, the rows
    stay the jeans' colour through the T-shirt's plain lower half and leave it only at the print.
    Below that waist the rows are of the chest's own colours: the T-shirt hangs to the hips."""
    colour, clothed = _dressed((NECK - 2, HIPS, (20, 20, 20)), (HIPS, HEIGHT, (35, 35, 42)))
    colour[NECK:36, 12:48:2] = (210, 190, 160)  # the print, every other column, from the collar down
    waist, _, one_piece = find_waist(colour, clothed, _body())
    assert not one_piece and waist == HIPS


def test_a_print_filling_the_chests_middle_leaves_the_tops_plain_cloth_to_its_sides():
    """The print covers the whole middle of the chest, so the chest's palette has none of the black
    T-shirt's plain cloth, which shows only at the chest's sides; below the print, down to the hips,
    the rows are of that cloth: the T-shirt hangs to the hips."""
    colour, clothed = _dressed((NECK - 2, HIPS, (20, 20, 20)), (HIPS, HEIGHT, (35, 35, 42)))
    colour[NECK:36, 20:40] = (60, 80, 110)  # a blue print, across the middle (columns 22-38) and past it
    colour[NECK:36:2, 20:40:3] = (90, 110, 140)
    waist, _, one_piece = find_waist(colour, clothed, _body())
    assert not one_piece and waist == HIPS


def test_a_plain_top_tucked_into_high_waisted_trousers_keeps_its_high_waist():
    """A white top into black trousers at row 36: the rows below its waist are not the top's colours."""
    colour, clothed = _dressed((NECK - 2, 36, (240, 240, 240)), (36, HEIGHT, (20, 20, 20)))
    waist, _, one_piece = find_waist(colour, clothed, _body())
    assert not one_piece and 36 <= waist <= 37


def test_a_black_top_over_black_trousers_with_the_legs_apart_ends_at_the_hips():
    """No row leaves the trousers' colour up to the chest: one piece, a dress, had it not been for
    the legs, apart below the crotch (a gap in the person between them). A dress's skirt has none."""
    colour, clothed = _dressed((NECK - 2, HIPS, (20, 20, 20)), (HIPS, HEIGHT, (26, 26, 30)))
    assert find_waist(colour, clothed, _body())[2]  # the colours alone: one piece
    legs = clothed.copy()
    legs[HIPS + 5:, 29:32] = False
    assert find_waist(colour, clothed, _body(), person=legs) == (HIPS, HEIGHT, False)
    assert find_waist(colour, clothed, _body(), person=clothed)[2]  # a skirt: no gap, one piece


@needs_catalogue
@pytest.mark.parametrize("factor", [1, 4])
# a dark grey polo over black trousers, dark green over denim: cut halfway up; a black and a navy
# T-shirt over jeans nearly their colour: one piece, the jeans painted too; a black T-shirt whose
# blue print fills the chest's middle over black jeans: cut at the print
@pytest.mark.parametrize("key", ["33942", "22803", "44846", "24028", "34410"])
def test_a_dark_tops_plain_lower_half_over_dark_trousers_is_the_tops(key, factor):
    """Walking up the trousers, the top's plain lower half was within THIGH_DISTANCE of them; the
    walk stopped where the light or the print changed, halfway up the chest, or never, and the
    photo was one piece. The rows just above the hip joints are the top's; those well below not."""
    garments, body, person = _catalogue_garments(key, factor)
    above, below = (_middle_below_the_hips(body, person, *rows) for rows in ((-0.2, -0.05), (0.15, 0.3)))
    assert garments.upper[above].mean() > 0.9 and garments.lower[below].mean() > 0.9


@needs_catalogue
@pytest.mark.parametrize("factor", [1, 4])
def test_a_printed_tunics_dark_hem_over_grey_leggings_is_the_tunics(factor):
    """The catalogue's tunic with a black and cream printed hem band over grey leggings: the band
    had gone to the leggings, and `stylize` left it unpainted."""
    image = photo("46287")
    size = (image.shape[1] * factor, image.shape[0] * factor)
    image = np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BICUBIC))
    person = find_person(image)
    garments = find_garments(image, person)
    drawn = np.asarray(Image.fromarray(drawn_mask("46287")).resize(size, Image.Resampling.NEAREST))
    hips = (person.point("left_hip")[1] + person.point("right_hip")[1]) / 2
    band = drawn & (np.indices(drawn.shape)[0] > hips + 0.3 * (hips - person.neck[1]))  # the tunic below the hips
    assert band.sum() > 30 * factor ** 2
    assert garments.upper[band].mean() > 0.85 and garments.lower[band].mean() < 0.1


@needs_catalogue
@pytest.mark.parametrize("factor", [1, 4])
def test_the_catalogues_kurti_with_a_gold_waistband_is_one_piece(factor):
    """14549 (no outline drawn): a black kurti with a gold band under the bust, over green leggings.
    `stylize` had painted its bodice alone."""
    assert _catalogue_garments("14549", factor)[0].main == "all"


def test_a_printed_dress_lit_brighter_above_its_belt_is_one_piece():
    """A two-colour print lit brighter on the bodice than on the skirt, a black belt above the hips
    between them: the two medians are further apart than one plain cloth's, but each part has the
    other's colours."""
    stripes = (np.arange(WIDTH) % 3 == 0)[None, :, None]  # one column in three
    print_ = np.where(stripes, [80.0, 70.0, 60.0], [170.0, 160.0, 150.0])[0, 12:48]
    colour, clothed = _dressed()
    colour[NECK - 2:35, 12:48] = print_ + 10
    colour[35:38, 12:48] = (20, 20, 20)
    colour[38:, 12:48] = print_
    waist, _, one_piece = find_waist(colour, clothed, _body())
    assert one_piece and waist == HEIGHT


def test_a_print_is_not_looked_for_across_a_band_below_the_hips():
    """Hands at a dark top's hem over dark jeans, below the hip joints: the two are near each other's
    palettes, as two prints of one cloth would be, but a belt is not worn there."""
    stripes = (np.arange(WIDTH) % 3 == 0)[None, :, None]
    top = np.where(stripes, [20.0, 20.0, 24.0], [40.0, 42.0, 44.0])[0, 12:48]
    jeans = np.where(stripes, [40.0, 42.0, 44.0], [60.0, 62.0, 61.0])[0, 12:48]
    colour, clothed = _dressed()
    colour[NECK - 2:54, 12:48] = top
    colour[54:57, 12:48] = (200, 150, 120)
    colour[57:, 12:48] = jeans
    waist, _, one_piece = find_waist(colour, clothed, _body())
    assert not one_piece and 54 <= waist <= 57


@needs_catalogue
@pytest.mark.parametrize("factor", [1, 4])
@pytest.mark.parametrize("key", ["58001", "43627"])  # a grey print dress with a black belt; a green one with a sash
def test_the_catalogues_printed_dresses_with_a_belt_are_one_piece(key, factor):
    """`stylize` had painted their bodices alone: the print is lit brighter above the belt."""
    assert _catalogue_garments(key, factor)[0].main == "all"


@needs_catalogue
def test_a_striped_shirt_over_jeans_keeps_its_jeans_apart():
    """46365 enlarged: walking up from the thighs inside the long shirt, a dark row of its print was
    taken for a belt and walked over; the jeans found from below overrule that guess."""
    garments = _catalogue_garments("46365", 4)[0]
    assert garments.main == "upper" and garments.lower.sum() > 0.1 * garments.upper.sum()


def test_a_kurta_over_slim_leggings_ends_at_its_hem_and_bare_legs_do_not_count():
    """A cream kurta to row 72 over black leggings on two slim legs: they fill a third of the body's
    middle in the lowest rows, less than COVERED_LEGS, and the photo was one piece, the leggings
    painted with the kurta. Nearly all the person's pixels there are clothed: leggings, whose top is
    the kurta's hem. Bare legs, a shadow or two clothed, stay no lower garment."""
    colour, clothed = _dressed((NECK - 2, 72, (230, 220, 190)))
    clothed[72:] = False
    for first, last in ((22, 25), (36, 39)):  # the legs
        clothed[72:, first:last] = True
        colour[72:, first:last] = (15, 15, 15)
    assert find_waist(colour, clothed, _body(), person=clothed) == (72, HEIGHT, False)
    bare = clothed.copy()
    bare[72:, 22:25] = bare[72:, 36:39] = False
    bare[72:, 23] = True  # a shadow down one leg
    person = clothed.copy()
    assert find_waist(colour, bare, _body(), person=person)[2]  # one piece, to its hem


@needs_catalogue
@pytest.mark.parametrize("key, factor", [("30879", 3), ("30879", 4), ("24369", 1), ("24369", 3)])
def test_a_kurta_shaded_below_the_hands_over_slim_leggings_is_whole(key, factor):
    """Lit at the chest and shaded below the hands, these kurtas were cut where the light changed,
    their lower halves left unpainted: the leggings below them were too slim to be walked up from."""
    garments, body, person = _catalogue_garments(key, factor)
    assert garments.region(garments.main)[_middle_below_the_hips(body, person, 0.0, 0.3)].mean() > 0.9


def test_a_coloured_cloth_lit_otherwise_is_one_cloth_and_greys_are_told_by_colour_alone():
    """A peach dress's bust, lit, and its skirt differ by more than 2 SAME_COLOUR but share a chroma;
    a black top and dark grey jeans share one too (none), and stay two cloths."""
    from couturier.people.waist import SAME_COLOUR, _chest_of_the_cloth

    bust, skirt = np.array([236.0, 173.0, 155.0]), np.array([225.0, 152.0, 133.0])
    assert np.linalg.norm(bust - skirt) > 2 * SAME_COLOUR and _chest_of_the_cloth(bust, skirt)
    assert not _chest_of_the_cloth(np.array([31.0, 31.0, 31.0]), np.array([54.0, 55.0, 59.0]))
    assert not _chest_of_the_cloth(np.array([60.0, 110.0, 80.0]), np.array([55.0, 75.0, 100.0]))  # green, denim


@needs_catalogue
def test_a_peach_dress_lit_brighter_above_its_belt_is_one_piece():
    """43668 enlarged: a peach dress with a dark sash; its bust, lit, was too far from its skirt's
    colour for the band to be walked over, and `stylize` painted the bodice alone."""
    assert _catalogue_garments("43668", 4)[0].main == "all"


def test_a_coloured_cloth_in_shade_below_the_hands_is_one_piece_and_another_shade_of_its_hue_is_not():
    """A magenta kurta lit at the chest, its lower half in shade (the same colour, with four fifths
    of the light): the walk up from the shaded half had left it where the light changed. A blue
    shirt over jeans, a darker blue of the same hue but not the same colour darkened, keeps its
    waist; so does a white top over grey trousers (greys are each other's colour in any light)."""
    from couturier.people.waist import _in_shade

    lit = (150, 50, 100)
    shaded = tuple(round(0.78 * c) for c in lit)
    colour, clothed = _dressed((NECK - 2, 45, lit), (45, HEIGHT, shaded))
    assert _in_shade(np.array(shaded, float), np.array(lit, float))
    assert find_waist(colour, clothed, _body())[2]  # one piece
    colour, clothed = _dressed((NECK - 2, HIPS, (150, 180, 220)), (HIPS, HEIGHT, (90, 110, 150)))
    assert find_waist(colour, clothed, _body())[:3] == (HIPS, HEIGHT, False)
    colour, clothed = _dressed((NECK - 2, HIPS, (235, 235, 235)), (HIPS, HEIGHT, (160, 160, 160)))
    assert find_waist(colour, clothed, _body())[:3] == (HIPS, HEIGHT, False)


@needs_catalogue
@pytest.mark.parametrize("key", ["45837", "32240"])
def test_the_catalogues_kurtas_shaded_below_the_hands_are_one_piece(key):
    """A magenta and a blue kurta at the catalogue's own 60x80, their leggings only a few rows at the
    bottom: cut at the hands, their lower halves had been taken for a lower garment."""
    garments, body, person = _catalogue_garments(key, 1)
    assert garments.main == "all"
    assert garments.region("all")[_middle_below_the_hips(body, person, 0.0, 0.3)].mean() > 0.9


def test_a_shadow_on_the_trousers_under_the_tops_hem_is_the_trousers():
    """A slate top over grey jeans, a band of the jeans' own colour in less light just under the
    top's hem: neither the jeans' colour nor the top's, the band had been painted with the top."""
    jeans, top = (110, 110, 105), (95, 107, 125)
    shadow = tuple(round(0.6 * c) for c in jeans)
    colour, clothed = _dressed((NECK - 2, HIPS + 1, top), (HIPS + 1, HIPS + 7, shadow), (HIPS + 7, HEIGHT, jeans))
    assert find_waist(colour, clothed, _body())[:3] == (HIPS + 1, HEIGHT, False)


def test_a_dark_tops_plain_lower_half_as_dark_as_jeans_in_shade_stays_the_tops():
    """A dark T-shirt whose plain lower half is the jeans' colour in less light, its print filling
    the chest above: the print begins well above the hip joints, so no shadow reaches up to it, and
    the T-shirt ends at its hem."""
    jeans = (100, 100, 110)
    dark = tuple(round(0.6 * c) for c in jeans)
    colour, clothed = _dressed((NECK - 2, HIPS - 8, (200, 180, 60)), (HIPS - 8, HIPS, dark), (HIPS, HEIGHT, jeans))
    assert find_waist(colour, clothed, _body())[:3] == (HIPS, HEIGHT, False)


@needs_catalogue
@pytest.mark.parametrize("factor", [1, 3, 4])
def test_the_shadow_under_a_kurtas_hem_is_the_jeans(factor):
    """56702: a slate kurta ending at the hip joints over grey jeans, darkened below its hem; the
    dark band went to the kurta, and `stylize` painted the top of the jeans with it."""
    garments, body, person = _catalogue_garments("56702", factor)
    below, above = (_middle_below_the_hips(body, person, *rows) for rows in ((0.05, 0.2), (-0.2, -0.05)))
    assert garments.lower[below].mean() > 0.95 and garments.upper[above].mean() > 0.95
