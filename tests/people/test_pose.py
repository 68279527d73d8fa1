"""people/pose.py: a person's keypoints and mask from MediaPipe's pose network (the people extra)."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from couturier.errors import MissingExtra
from couturier.people import find_person

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products" / "images"


def _check_body(person, width: int, height: int) -> None:
    nose, neck = person.point("nose"), person.neck
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    assert nose[1] < neck[1] < hips[1]  # head above shoulders above hips
    assert person.point("left_shoulder")[0] > person.point("right_shoulder")[0]  # the person's left is the picture's right
    torso = ((neck + hips) / 2).round().astype(int)
    assert person.mask.shape == (height, width) and person.mask[torso[1], torso[0]] > 0.9
    assert person.mask[:height // 10, :width // 10].max() < 0.1  # a corner of background


def test_a_photo_that_is_not_a_catalogue_shot():
    import skimage.data

    image = skimage.data.astronaut()
    person = find_person(image)
    assert person is not None and person.score > 0.5
    _check_body(person, 512, 512)
    assert 150 < person.point("nose")[0] < 300 and person.point("nose")[1] < 160  # her face, top centre


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key", ["1575", "1891"])  # men in white T-shirts on a white background
def test_a_white_garment_on_white_is_part_of_the_person(key):
    image = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    person = find_person(image)  # 60x80: enlarged for the network, mapped back
    _check_body(person, 60, 80)
    chest = person.neck + (person.point("left_hip") - person.neck) * 0.3
    assert image[int(chest[1]), int(chest[0])].min() > 150  # the chest is the white T-shirt...
    assert person.mask[int(chest[1]), int(chest[0])] > 0.9  # ...and the person's


def test_no_person_in_a_blank_photo():
    assert find_person(np.full((80, 60, 3), 255, np.uint8)) is None


def test_without_the_extra_one_line_says_how_to_install_it(monkeypatch):
    import importlib.util

    from couturier.people import models

    monkeypatch.setattr(models, "_CACHE", {})
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(MissingExtra, match=r"needs the 'people' extra: pip install 'couturier\[people\]' && "
                                           r"pip install --no-deps mediapipe==0.10.21") as caught:
        find_person(np.zeros((8, 8, 3), np.uint8))
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key", ["2711", "5007", "18176"])  # a halter dress, a red dress, a hoodie laid flat
def test_a_garment_laid_flat_is_no_person_though_its_outline_looks_like_a_torso(key):
    """The pose network alone is sure of a person in these garments laid flat (0.86-0.98); no face
    is found where it put the head. A worn photo's face is."""
    from couturier.people import pose

    flat = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    assert find_person(flat) is None
    unchecked = pose._best(flat)  # the pose network's own answer
    assert unchecked is not None and unchecked.score >= pose.PRESENT and not pose._has_face(flat, unchecked)
    worn = np.asarray(Image.open(CATALOGUE / "1529.jpg").convert("RGB"))
    assert pose._has_face(worn, find_person(worn))


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key", ["10787", "15103"])  # heads at the photo's top edge
def test_a_head_cut_by_the_top_edge_still_finds_the_person(key):
    image = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    person = find_person(image)
    assert person is not None
    _check_body(person, 60, 80)


def test_faces_are_counted_one_a_person():
    from couturier.people.pose import faces

    photos = [np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB").resize((180, 240)))
              for key in ("1575", "2095", "1529")]
    assert [len(faces(np.concatenate(photos[:n], axis=1))) for n in (1, 2, 3)] == [1, 2, 3]
    assert faces(np.asarray(Image.open(CATALOGUE / "1163.jpg").convert("RGB").resize((180, 240)))) == []


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key", ["3742", "38629"])  # black T-shirts laid flat, a face printed on each
def test_a_t_shirt_laid_flat_with_a_printed_face_is_no_person(key):
    """The network gives the T-shirt a body with the head where the face is printed, on the chest:
    below the shoulders, no one stands."""
    from couturier.people import pose

    flat = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    unchecked = pose._best(flat)
    assert unchecked is not None and not pose._upright(unchecked)
    assert find_person(flat) is None


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key", ["13326", "24937"])  # a shirt on an invisible mannequin; a polo laid flat
def test_a_garment_whose_collar_the_face_detector_half_believes_is_no_person(key):
    """The network gives the garment a standing body, and the face detector is as sure of a face at
    its collar as of a small real one; but there is no skin there."""
    from couturier.people import pose

    flat = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    unchecked = pose._best(flat)
    assert unchecked is not None and pose._upright(unchecked)
    assert not pose._skin_at(flat, unchecked.point("nose"), unchecked.neck)
    assert find_person(flat) is None


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_a_face_on_anothers_body_is_no_second_person():
    """38832: the detector is sure of a "face" in a print dress's bodice, three times the real face's
    size, below it; 14066: two men side by side are two people."""
    from couturier.people.pose import faces, people_faces

    dress, men = (np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB").resize((240, 320)))
                  for key in ("38832", "14066"))
    assert len(faces(dress)) == 2 and len(people_faces(dress)) == 1
    assert len(people_faces(men)) == 2


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key", ["41770"])  # a head near the top edge, a face a dozen pixels high
def test_a_person_the_first_margins_miss_is_found_with_a_wider_one(key):
    from couturier.people import pose

    image = np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    first = [pose._find(image, margin) for margin in pose.MARGINS[:2]]
    assert all(reading is None or not pose._has_face(image, reading) for reading in first)
    person = find_person(image)
    assert person is not None and person.point("nose")[1] < person.neck[1] < image.shape[0] / 2


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_the_face_search_is_made_once_for_the_person_and_the_people_count(monkeypatch):
    """22759: the nose alone does not tell the face, so finding the person searches the photo for
    faces; the several-people check that follows shares that search rather than sliding again."""
    from couturier.people import pose

    image = np.asarray(Image.open(CATALOGUE / "22759.jpg").convert("RGB"))
    searches, search = [], pose.faces
    monkeypatch.setattr(pose, "faces", lambda photo: searches.append(photo) or search(photo))
    shared = pose.PhotoFaces(image)
    assert pose.find_person(image, shared) is not None and len(searches) == 1
    counted = pose.people_faces(image, shared)
    assert len(searches) == 1
    assert pose.people_faces(image) == counted and len(searches) == 2  # unshared, it slides again


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_two_small_catalogue_people_side_by_side_are_two():
    """22063 and 20107 at the catalogue's own 60x80: long hair round faces a dozen pixels high, of
    which the detector is less sure than of a printed logo's "face" on a jersey (1163), which has no
    skin; side by side they are two people, and the jersey none."""
    from couturier.people.pose import people_faces

    women = [np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB")) for key in ("22063", "20107")]
    assert [len(people_faces(woman)) for woman in women] == [1, 1]
    assert len(people_faces(np.concatenate(women, axis=1))) == 2
    jersey = np.asarray(Image.open(CATALOGUE / "1163.jpg").convert("RGB").resize((240, 320)))
    assert people_faces(jersey) == []


def _small_in_a_room(key: str, scale: float) -> tuple[np.ndarray, tuple[slice, slice]]:
    """A catalogue person at 240x320 at the bottom middle of a white photo `scale` times as tall and
    1.6 times as much wider: a figure a half or a third of the photo's height; and where it lies."""
    from drawn_garments import photo

    picture = np.asarray(Image.fromarray(photo(key)).resize((240, 320), Image.Resampling.BICUBIC))
    height, width = int(320 * scale), int(240 * scale * 1.6)
    room = np.full((height, width, 3), 255, np.uint8)
    where = (slice(height - 320, height), slice((width - 240) // 2, (width - 240) // 2 + 240))
    room[where] = picture
    return room, where


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
@pytest.mark.parametrize("key, scale", [("31266", 2.0), ("12649", 2.0), ("2095", 3.0), ("2126", 3.0)])
def test_a_person_small_in_the_photo_is_read_from_a_crop_round_them(key, scale):
    """Half the photo's height, the network's 256 px square shows the person coarse (31266's garment
    IoU 0.71 so) or not at all (12649); a third of it, no one at all. Read again from a crop round
    the first reading, or round a small face the face search found, the garment is found as on the
    catalogue photo itself."""
    from drawn_garments import drawn_mask

    from couturier.people import find_garments
    from couturier.style.masks import iou

    room, where = _small_in_a_room(key, scale)
    person = find_person(room)
    assert person is not None
    garments = find_garments(room, person)
    want = np.asarray(Image.fromarray(drawn_mask(key)).resize((240, 320), Image.Resampling.NEAREST))
    assert iou(garments.region(garments.main)[where], want) > 0.85
