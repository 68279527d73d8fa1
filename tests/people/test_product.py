"""people/product.py: a garment's outline and landmarks on its product photo, and whether it is clothing."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from couturier.people.product import landmarks, outline, unwearable
from couturier.style.images import StyleInputError

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products" / "images"
pytestmark = pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")


def _photo(key: str) -> np.ndarray:
    return np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB").resize((180, 240), Image.Resampling.BICUBIC))


def test_a_t_shirt_laid_flat_has_shoulders_above_armpits_above_the_hem_and_sleeves_outside():
    product = landmarks(outline(_photo("1909")))  # a purple T-shirt
    m = product.marks
    assert product.sleeves and m["left_shoulder"][0] < m["neck"][0] < m["right_shoulder"][0]
    assert m["neck"][1] < m["left_armpit"][1] < m["hem"][1] and m["left_shoulder"][1] < m["left_armpit"][1]
    assert m["left_sleeve"][0] < m["left_armpit"][0] and m["right_sleeve"][0] > m["right_armpit"][0]
    torso, left, right = (product.part(name) for name in ("torso", "left", "right"))
    assert not (torso & left).any() and (torso | left | right).sum() == product.alpha.sum()
    assert left.sum() > 0.03 * product.alpha.sum() and right.sum() > 0.03 * product.alpha.sum()


@pytest.mark.parametrize("key", ["1163", "1909"])  # a blue jersey, a purple T-shirt
def test_the_wall_under_a_sleeve_is_not_the_garments(key):
    """Closing the outline fills the narrow wall between a sleeve and the body (an armpit) deeper
    than the rim cut reaches; worn, that wall was a white wedge between the sleeve and the torso."""
    from couturier.style.masks import background

    photo = _photo(key)
    wall = background(photo.astype(np.float32) / 255.0)
    alpha = outline(photo)
    assert (alpha & wall).sum() < 0.002 * alpha.sum()


def test_a_white_polo_on_white_is_found_whole_by_its_edges():
    """The colour rule alone takes the white body for background and keeps only the stripes."""
    from couturier.style.masks import background

    photo = _photo("2291")
    alpha = outline(photo)
    colour_rule = ~background(photo.astype(np.float32) / 255.0)
    rows, columns = np.nonzero(alpha)
    box = alpha[rows.min():rows.max() + 1, columns.min():columns.max() + 1]
    assert box.mean() > 0.55 and alpha.sum() > 2 * colour_rule.sum()  # a T-shirt fills about 0.6-0.7 of its box


@pytest.mark.parametrize("side", [384, 512])
def test_an_enlarged_photo_gives_the_same_outline(side):
    """The try-on's default enlarges a 60x80 product photo to 512: a seam's step spreads over many
    pixels there, and the white polo lost its side to the wall."""
    from couturier.style.masks import iou

    source = Image.open(CATALOGUE / "2291.jpg").convert("RGB")
    small = outline(np.asarray(source.resize((180, 240), Image.Resampling.BICUBIC)))
    large = outline(np.asarray(source.resize((side * 3 // 4, side), Image.Resampling.BICUBIC)))
    brought_down = np.asarray(Image.fromarray(large).resize((180, 240), Image.Resampling.NEAREST))
    assert iou(small, brought_down) > 0.9


@pytest.mark.parametrize("side", [384, 512])
def test_a_dark_t_shirt_on_a_vignetted_wall_keeps_no_rim_of_it(side):
    """3742, enlarged as `try-on` reads it: a black T-shirt on a grey wall lit brighter behind it than
    at the corners. The lit wall next to the shirt was further from the corners' grey than one colour
    allows: it was cloth, and the try-on wore it as a pale halo round the shirt."""
    from couturier import style

    photo = np.asarray(style.to_pil(style.read_rgb(CATALOGUE / "3742.jpg", side)))
    alpha = outline(photo)
    rim = alpha & ~ndimage.binary_erosion(alpha, iterations=side // 40)
    assert np.median(photo[rim].mean(axis=1)) < 120  # the rim is the shirt's own dark edge, not pale wall


def _unwearable(photo: np.ndarray):
    return unwearable(photo, outline(photo))


def test_what_is_not_clothing_is_named():
    assert _unwearable(_photo("4694")) == ("not clothing", "a watch or clock")
    assert _unwearable(_photo("43106")) == ("not clothing", "a cosmetic")  # a deodorant's can
    assert _unwearable(_photo("1909")) is None and _unwearable(_photo("2711")) is None  # a T-shirt, a dress


def test_a_garment_small_in_its_photo_is_still_a_garment():
    """A child's polo fills a third of its photo's height: shown the whole wall round it, the network
    takes it for a watch or an object; framed to its outline, it is a garment."""
    from couturier.people.product import _imagenet, _not_clothing

    polo = Image.fromarray(_photo("2291"))
    photo = Image.new("RGB", (180, 240), tuple(int(v) for v in np.asarray(polo)[0, 0]))
    small = polo.resize((60, 80), Image.Resampling.BICUBIC)
    photo.paste(small, (60, 80))
    photo = np.asarray(photo)
    assert _not_clothing(_imagenet(photo, None)) is not None  # a watch, a bag, an object: not clothing
    assert _unwearable(photo) is None


def test_clothing_for_the_legs_is_named():
    assert _unwearable(_photo("17946")) == ("for the legs", "trousers or shorts")  # track pants, legs apart
    assert _unwearable(_photo("27000")) == ("for the legs", "a garment for the legs")  # jeans folded: by the network
    assert _unwearable(_photo("17406")) == ("for the legs", "a garment for the legs")  # socks


def test_a_top_s_long_sleeves_are_not_legs():
    """Long sleeves hang beside the body as far down as trousers' legs, but as three runs, not two."""
    from couturier.people.product import _two_legs

    sleeves = np.zeros((100, 60), bool)
    sleeves[10:90, 15:45] = True  # the body
    sleeves[20:90, 5:12] = sleeves[20:90, 48:55] = True  # the sleeves hanging beside it
    legs = np.zeros((100, 60), bool)
    legs[10:50, 10:50] = True  # the seat
    legs[50:95, 10:28] = legs[50:95, 32:50] = True  # two legs apart
    assert not _two_legs(sleeves) and _two_legs(legs)


def test_a_photo_without_a_plain_background_is_refused_in_one_line():
    noise = np.random.default_rng(0).integers(0, 256, (240, 180, 3), dtype=np.uint8)
    with pytest.raises(StyleInputError, match="no plain background") as caught:
        outline(noise)
    assert caught.value.field == "garment_photo"
