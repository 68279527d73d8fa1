"""people/edges.py: a garment's edge snapped onto the photo's edge between cloth and surroundings."""
import numpy as np

from couturier.people.edges import snap, with_edge_pixels
from couturier.style.masks import iou


def _shirt_on_wall(shirt=(200, 40, 40), wall=(235, 235, 235)) -> tuple[np.ndarray, np.ndarray]:
    """A 60x80 photo: a shirt (rectangle with a soft, mottled texture) on a wall; and the shirt's mask."""
    rng = np.random.default_rng(0)
    image = np.empty((80, 60, 3), np.float32)
    image[:] = wall
    truth = np.zeros((80, 60), bool)
    truth[20:70, 12:48] = True
    image[truth] = shirt
    image += rng.normal(0, 6, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8), truth


def test_an_edge_two_pixels_inside_the_cloth_moves_onto_it():
    image, truth = _shirt_on_wall()
    rules = np.zeros_like(truth)
    rules[22:68, 14:46] = True  # the rules' garment: two pixels short all round
    snapped = snap(image, rules, np.zeros_like(truth), band=3)
    assert iou(rules, truth) < 0.85 and iou(snapped, truth) > 0.97


def test_the_edge_moves_no_farther_than_the_band_and_never_into_the_face():
    image, truth = _shirt_on_wall()
    rules = np.zeros_like(truth)
    rules[30:60, 22:38] = True  # far inside: the cloth's edge lies beyond the band
    face = np.zeros_like(truth)
    face[28:32, 28:32] = True
    snapped = snap(image, rules, face, band=2)
    grown = rules.copy()
    grown[28:62, 20:40] = True
    sure = np.zeros_like(truth)
    sure[32:58, 24:36] = True  # the rules' garment less the band: kept whatever the colours say
    assert not (snapped & ~grown).any() and not (snapped & face).any() and (snapped | ~sure | face).all()


def test_white_on_white_keeps_the_rules_edge_and_the_same_photo_gives_the_same_edge():
    image, truth = _shirt_on_wall(shirt=(238, 238, 238))
    rules = np.zeros_like(truth)
    rules[21:69, 13:47] = True
    first = snap(image, rules, np.zeros_like(truth), band=3)
    assert iou(first, rules) > 0.8
    assert (snap(image, rules, np.zeros_like(truth), band=3) == first).all()


def test_the_pixels_the_edge_crosses_join_the_garment_but_never_a_forbidden_one():
    """A garment found a pixel inside its outline all round (the mixed pixels given away) gets
    that ring back, one pixel deep, except where it may not go (an arm's bare skin beside it)."""
    _, truth = _shirt_on_wall()
    inside = np.zeros_like(truth)
    inside[21:69, 13:47] = True
    skin = np.zeros_like(truth)
    skin[40:50, :13] = True  # an arm beside the shirt's left side
    grown = with_edge_pixels(inside, ~skin)
    assert iou(inside, truth) < 0.93 and iou(grown, truth) > 0.99
    assert not (grown & skin).any() and not (grown & ~truth).any()  # one pixel deep, no more
    assert (grown == with_edge_pixels(inside, np.ones_like(truth)) & ~skin).all()
