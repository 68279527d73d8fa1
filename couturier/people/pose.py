"""A person in a photo: body keypoints and the person mask, from MediaPipe's full pose model; the
faces in a photo, from its short-range face detector (BlazeFace).

The pose model sees a 256x256 square: the photo centred on a square a quarter larger than its long
side, filled with its border colour (a catalogue's white, a studio's grey), and resized, so a
60x80 catalogue photo is enlarged and a large one reduced; keypoints and mask are mapped back to
the photo's pixels. It expects one person, roughly centred (MediaPipe's own pipeline crops to a
detected person first; a catalogue photo is already that crop), and sees only one: `faces` counts
them. A person needs a face where it put the head, and the head above the shoulders (standing).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from couturier.people.models import interpreter, lock

SIDE = 256
# The square is a quarter larger than the photo's long side, as MediaPipe's own pipeline enlarges a
# detected person's box by a quarter before the pose network sees it; as large when that finds no one
# (a head cut by the photo's top edge lost the whole person with the margin); half as large again
# when neither puts the head where a face is (a head near the top edge, a small face).
MARGINS = (1.25, 1.0, 1.5)
# MediaPipe's 33 pose landmarks, by index: those a garment is placed by
KEYPOINTS = {"nose": 0, "left_ear": 7, "right_ear": 8, "left_shoulder": 11, "right_shoulder": 12,
             "left_elbow": 13, "right_elbow": 14, "left_wrist": 15, "right_wrist": 16, "left_hip": 23,
             "right_hip": 24, "left_knee": 25, "right_knee": 26, "left_ankle": 27, "right_ankle": 28}
# The pose network's person score alone is not a person detector: a flat garment's outline can look
# like a torso to it (a red dress and a hoodie laid flat scored 0.98). A person also needs a face
# where the network put the head (the face detector's score, 0.5 as MediaPipe's own default): on 33
# catalogue photos of people and scikit-image's astronaut every face was found, on ten garments
# laid flat none.
PRESENT, FACE = 0.5, 0.5
# A face is skin, too: the face detector is half sure of a shirt's inner collar on an invisible
# mannequin, and a polo laid flat, as of a small real face; in a square of the face's height round
# the nose, a real face is largely skin and those collars have none.
FACE_SKIN = 0.1


@dataclass
class Person:
    keypoints: dict[str, tuple[float, float, float]]  # name -> (x, y) in the photo's pixels, and visibility 0-1
    mask: np.ndarray  # float32 (H, W): probability that a pixel belongs to the person
    score: float  # the model's confidence that a person is there

    def point(self, name: str) -> np.ndarray:
        return np.array(self.keypoints[name][:2])

    @property
    def neck(self) -> np.ndarray:
        return (self.point("left_shoulder") + self.point("right_shoulder")) / 2


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))


def _square(image: np.ndarray, margin: float) -> tuple[np.ndarray, int, int]:
    """The photo centred on a square `margin` times its long side, filled with its border's median
    colour: (square, top, left)."""
    height, width = image.shape[:2]
    side = int(max(height, width) * margin)
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    square = np.empty((side, side, 3), dtype=np.uint8)
    square[:] = np.median(border, axis=0).astype(np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    square[top:top + height, left:left + width] = image
    return square, top, left


def face_score(image: np.ndarray, nose: np.ndarray, neck: np.ndarray) -> float:
    """How sure the face detector is of a face in a square around `nose` (a head's height each
    way, the head's height taken as 1.6 times nose-to-neck): 0-1."""
    half = max(1.6 * abs(neck[1] - nose[1]), 4.0)
    box = (int(nose[0] - half), int(nose[1] - half), int(nose[0] + half), int(nose[1] + half))
    crop = Image.fromarray(image).crop(box).resize((128, 128), Image.Resampling.BILINEAR)
    runner = interpreter("face")
    with lock():
        runner.set_tensor(runner.get_input_details()[0]["index"], np.asarray(crop, np.float32)[None] / 127.5 - 1)
        runner.invoke()
        outputs = {d["name"]: runner.get_tensor(d["index"]) for d in runner.get_output_details()}
    return float(_sigmoid(outputs["classificators"][0, :, 0]).max())


# How far a photo cut off below (a catalogue shot ends at the thighs) is continued downwards, by
# repeating its last row, before the network sees it: shown half a body, the network squeezes a
# whole one into it and puts the hips at the chest; continued legs put them back at the hem.
CONTINUE_BELOW = 0.5
# A person whose box, grown by CROP_MARGIN of its long side each way, is under CROP_WHEN of the
# photo's height and width is read again from that crop (a catalogue photo's person fills its height)
CROP_MARGIN, CROP_WHEN = 0.15, 0.8
BODY_BOX = (9.0, 5.0)  # face sizes: the box below a face a standing body is looked for in, tall and wide
# A face larger than SMALL_FACE of the photo's height belongs to a person the whole photo shows large
# enough (or is a print, a dial); people found under small faces had shoulders 1.8-2.3 face sizes
# apart as a rule, the bodies the network made under a watch's dial or a crest about 1
SMALL_FACE, SHOULDERS = 0.1, 1.5


class PhotoFaces:
    """The sliding face search over one photo (`faces`), made at most once, and only when asked:
    `find_person` asks only when a nose alone does not tell, and the several-people check always
    does; given one of these, both share the search."""

    def __init__(self, image: np.ndarray):
        self.image = image
        self._found: list[tuple[float, float, float]] | None = None

    def __call__(self) -> list[tuple[float, float, float]]:
        if self._found is None:
            self._found = faces(self.image)
        return self._found


def find_person(image: np.ndarray, photo_faces: PhotoFaces | None = None) -> Person | None:
    """image: uint8 (H, W, 3) RGB -> the person in it, or None when the model finds none. A person
    cut off by the photo's bottom edge is looked for again in the photo continued downwards; a
    person needs a face where the network put the head. Each of MARGINS is tried in turn until one
    finds a person with a face: on a 60x80 photo a face is a dozen pixels high, and the face
    detector is sure of it only where the network put the nose well. A person small in the photo
    is read again from a crop round them (`_closer`), or, when the whole photo shows no one, looked
    for under each small face (`_below_a_face`). `photo_faces`: the photo's face search, if the
    caller shares it (`people_faces`)."""
    photo_faces = photo_faces if photo_faces is not None else PhotoFaces(image)
    person = _find_in(image, photo_faces)
    if person is None:  # a box under a face is a crop round the person already
        return _below_a_face(image, photo_faces)
    return _closer(image, person)


def _below_a_face(image: np.ndarray, photo_faces: PhotoFaces) -> Person | None:
    """A person too small in the photo for the network to find at all (a full figure a third of a
    room's height), looked for in a box round each small face (SMALL_FACE) the photo's face search
    found, largest first: a standing body is about BODY_BOX face sizes tall below the face and as
    wide. The body found must have shoulders SHOULDERS face sizes apart: in a box under a watch's
    dial or a jersey's crest the network finds a body as narrow as the "face"."""
    height, width = image.shape[:2]
    for x, y, size in sorted(photo_faces(), key=lambda face: -face[2])[:3]:
        if size > SMALL_FACE * height:
            continue
        tall, wide = BODY_BOX
        top, bottom = int(max(y - size, 0)), int(min(y + tall * size, height))
        left, right = int(max(x - wide * size / 2, 0)), int(min(x + wide * size / 2, width))
        if min(bottom - top, right - left) < 16 or (bottom - top >= height and right - left >= width):
            continue
        near = _in_crop(image, top, bottom, left, right)
        if near is not None and abs(near.point("left_shoulder")[0] - near.point("right_shoulder")[0]) >= SHOULDERS * size:
            return near
    return None


def _in_crop(image: np.ndarray, top: int, bottom: int, left: int, right: int) -> Person | None:
    """The person the crop image[top:bottom, left:right] shows, read as a photo of its own (its own
    face search), in the whole photo's pixels; None when it shows no one."""
    crop = np.ascontiguousarray(image[top:bottom, left:right])
    near = _find_in(crop, PhotoFaces(crop))
    if near is None:
        return None
    mask = np.zeros(image.shape[:2], np.float32)
    mask[top:bottom, left:right] = near.mask
    keypoints = {name: (x + left, y + top, v) for name, (x, y, v) in near.keypoints.items()}
    return Person(keypoints, mask, near.score)


def _closer(image: np.ndarray, person: Person) -> Person:
    """The person read again from a crop round them (their mask's and keypoints' box, CROP_MARGIN
    larger each way), placed back in the photo, when that crop is much smaller than the photo
    (CROP_WHEN): on the network's 256 px square a full figure in a room is a few dozen pixels, its
    outline and joints coarse. MediaPipe's own pipeline crops to a detected person likewise. The
    first reading stands when the crop finds no one."""
    height, width = image.shape[:2]
    rows, columns = np.nonzero(person.mask > 0.5)
    seen = [(x, y) for x, y, v in person.keypoints.values() if v >= 0.5]
    xs = np.concatenate([columns, [x for x, _ in seen]])
    ys = np.concatenate([rows, [y for _, y in seen]])
    if xs.size == 0:
        return person
    pad = CROP_MARGIN * max(xs.max() - xs.min(), ys.max() - ys.min())
    top, bottom = int(max(ys.min() - pad, 0)), int(min(ys.max() + pad, height))
    left, right = int(max(xs.min() - pad, 0)), int(min(xs.max() + pad, width))
    if bottom - top > CROP_WHEN * height or right - left > CROP_WHEN * width or min(bottom - top, right - left) < 16:
        return person
    near = _in_crop(image, top, bottom, left, right)
    return near if near is not None else person


def _find_in(image: np.ndarray, photo_faces: PhotoFaces) -> Person | None:
    """`find_person`'s reading of the photo as the network sees it whole."""
    for margin in MARGINS:
        person = _find(image, margin)
        if person is None:
            continue
        longer = _continued(image, person, margin)
        # the continued photo places the hips better, the photo itself the head at times
        if any(_upright(reading) and _has_face(image, reading, photo_faces) for reading in (longer, person)):
            return longer
    return None


def _upright(person: Person) -> bool:
    """The nose above the shoulders: a person standing, as a catalogue photo shows one. A T-shirt
    laid flat with a face printed on it gets a body from the network with the head on its chest."""
    return bool(person.point("nose")[1] < person.neck[1])


def _continued(image: np.ndarray, person: Person, margin: float) -> Person:
    """The person read again from the photo continued downwards, if the photo's bottom edge cuts it
    off (CONTINUE_BELOW): with the same margin, or the first of MARGINS that finds one."""
    height = image.shape[0]
    if person.mask[-max(2, height // 20):].max() < 0.5:
        return person
    continued = np.concatenate([image, np.repeat(image[-1:], int(CONTINUE_BELOW * height), axis=0)])
    for tried in (margin, *(other for other in MARGINS if other != margin)):
        longer = _find(continued, tried)
        if longer is not None:
            return Person(longer.keypoints, longer.mask[:height].copy(), longer.score)
    return person


def _best(image: np.ndarray) -> Person | None:
    """The network's reading with the first of MARGINS that finds a person, face or none."""
    for margin in MARGINS:
        person = _find(image, margin)
        if person is not None:
            return person
    return None


def _has_face(image: np.ndarray, person: Person,
              photo_faces: Callable[[], list[tuple[float, float, float]]] | None = None) -> bool:
    """A face where the network put the head: the face detector sure of one around the nose, or
    one of the photo's faces (found by sliding the detector; `photo_faces()` when given, which
    remembers them across readings of the same photo) within a head's height of it."""
    nose, neck = person.point("nose"), person.neck
    if not _skin_at(image, nose, neck):
        return False
    if face_score(image, nose, neck) >= FACE:
        return True
    head = 1.6 * abs(neck[1] - nose[1])
    found = photo_faces() if photo_faces is not None else faces(image)
    return any(np.hypot(x - nose[0], y - nose[1]) < head for x, y, _ in found)


def _skin_at(image: np.ndarray, nose: np.ndarray, neck: np.ndarray) -> bool:
    """Whether skin's chroma covers FACE_SKIN of the face's square round the nose (half a head's
    height each way); always on a grey photo, where no chroma tells skin."""
    return _skin_around(image, nose, max(0.8 * abs(neck[1] - nose[1]), 2.0))


def _skin_around(image: np.ndarray, centre: np.ndarray, half: float) -> bool:
    """Whether skin's chroma covers FACE_SKIN of the square `half` each way round `centre`; always on
    a grey photo."""
    from couturier.style.light import colourless
    from couturier.style.masks import skin

    height, width = image.shape[:2]
    top, left = int(np.clip(centre[1] - half, 0, height)), int(np.clip(centre[0] - half, 0, width))
    face = image[top:int(np.clip(centre[1] + half, 0, height)), left:int(np.clip(centre[0] + half, 0, width))]
    if face.size == 0:
        return False
    # the whole photo's chroma is read only when the face has too little skin
    return float(skin(face.astype(np.float32) / 255.0).mean()) >= FACE_SKIN or colourless(image)


def _find(image: np.ndarray, margin: float) -> Person | None:
    """The pose network's reading of the photo on a square `margin` times its long side."""
    square, top, left = _square(image, margin)
    side = square.shape[0]
    model_input = np.asarray(Image.fromarray(square).resize((SIDE, SIDE), Image.Resampling.BILINEAR),
                             dtype=np.float32)[None] / 255.0
    runner = interpreter("pose")
    with lock():
        runner.set_tensor(runner.get_input_details()[0]["index"], model_input)
        runner.invoke()
        outputs = {d["name"]: runner.get_tensor(d["index"]) for d in runner.get_output_details()}
    score = float(outputs["Identity_1"].reshape(()))  # the model's "a pose is present", a probability already
    if score < PRESENT:
        return None
    landmarks = outputs["Identity"].reshape(39, 5)  # x, y (model pixels), z, visibility and presence logits
    scale = side / SIDE
    keypoints = {name: (float(landmarks[i, 0] * scale - left), float(landmarks[i, 1] * scale - top),
                        float(_sigmoid(landmarks[i, 3]))) for name, i in KEYPOINTS.items()}
    mask = _sigmoid(outputs["Identity_2"][0, :, :, 0])
    mask = np.asarray(Image.fromarray(mask.astype(np.float32)).resize((side, side), Image.Resampling.BILINEAR))
    height, width = image.shape[:2]
    return Person(keypoints, mask[top:top + height, left:left + width].copy(), score)


def _face_anchors() -> np.ndarray:
    """(896, 2) centres of BlazeFace's anchors on its 128x128 input, in [0, 1]: a 16x16 grid of
    stride 8 with two anchors a cell, then an 8x8 grid of stride 16 with six (MediaPipe's
    SsdAnchorsCalculator options for the short-range model). Hand-written: the anchors are a fixed
    layout of the model, which no library computes outside mediapipe itself."""
    centres = []
    for stride, per_cell in ((8, 2), (16, 6)):
        cells = 128 // stride
        for y in range(cells):
            for x in range(cells):
                centres += [((x + 0.5) / cells, (y + 0.5) / cells)] * per_cell
    return np.array(centres)


# A face this sure, with skin in it, counts as a person. The detector is less sure of the small faces of
# a 60x80 catalogue photo (long-haired women's 0.6-0.75), and as sure of a printed logo's "face" on a
# jersey, which has no skin.
COUNTED = 0.6


def faces(image: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, size) of the faces in the photo: the face detector slid over squares of a third, a
    half and the whole of the photo's short side (it wants faces that fill a good part of what it
    sees), its sure finds with skin in them (COUNTED) merged where they overlap."""
    anchors = _face_anchors()
    height, width = image.shape[:2]
    found: list[tuple[float, float, float, float]] = []
    runner = interpreter("face")
    for fraction in (1 / 3, 1 / 2, 1):
        side = max(16, int(min(height, width) * fraction))
        step = max(1, side // 2)
        for top in range(0, max(height - side, 0) + 1, step):
            for left in range(0, max(width - side, 0) + 1, step):
                crop = Image.fromarray(image[top:top + side, left:left + side]).resize((128, 128), Image.Resampling.BILINEAR)
                with lock():
                    runner.set_tensor(runner.get_input_details()[0]["index"],
                                      np.asarray(crop, np.float32)[None] / 127.5 - 1)
                    runner.invoke()
                    outputs = {d["name"]: runner.get_tensor(d["index"]) for d in runner.get_output_details()}
                scores = _sigmoid(outputs["classificators"][0, :, 0])
                for i in np.flatnonzero(scores >= COUNTED):
                    box = outputs["regressors"][0, i, :4] / 128.0
                    x, y = (anchors[i] + box[:2]) * side + (left, top)
                    found.append((float(x), float(y), float(max(box[2], box[3]) * side), float(scores[i])))
    kept: list[tuple[float, float, float]] = []
    for x, y, size, _ in sorted(found, key=lambda f: -f[3]):
        if (all(np.hypot(x - kx, y - ky) > 0.6 * max(size, ksize) for kx, ky, ksize in kept)
                and _skin_around(image, np.array([x, y]), size / 2)):
            kept.append((x, y, size))
    return kept


def people_faces(image: np.ndarray, photo_faces: PhotoFaces | None = None) -> list[tuple[float, float, float]]:
    """The faces of the people in the photo: `faces`, less those on another face's body (below it by
    more than its height, within two of its widths either side): a face printed on a T-shirt, or the
    detector's guess at a print on a dress's bodice, is not a second person; two people side by
    side have their faces at about one height. `photo_faces`: the photo's face search, if shared
    with `find_person`."""
    found = photo_faces() if photo_faces is not None else faces(image)
    return [(x, y, size) for x, y, size in found
            if not any(y - oy > osize and abs(x - ox) < 2 * osize for ox, oy, osize in found)]
