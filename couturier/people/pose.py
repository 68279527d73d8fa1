"""A person in a photo: body keypoints and the person mask, from MediaPipe's full pose model.

The model sees a 256x256 square: the photo is padded to a square with its own border colour (a
catalogue's white, a studio's grey) and resized, so a 60x80 catalogue photo is enlarged and a
large one reduced; keypoints and mask are mapped back to the photo's pixels. It expects one
person, roughly centred and whole (MediaPipe's own pipeline crops to a detected person first; a
catalogue photo is already that crop).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from couturier.people.models import interpreter, lock

SIDE = 256
# MediaPipe's 33 pose landmarks, by index: those a garment is placed by
KEYPOINTS = {"nose": 0, "left_ear": 7, "right_ear": 8, "left_shoulder": 11, "right_shoulder": 12,
             "left_elbow": 13, "right_elbow": 14, "left_wrist": 15, "right_wrist": 16, "left_hip": 23,
             "right_hip": 24, "left_knee": 25, "right_knee": 26, "left_ankle": 27, "right_ankle": 28}
# The pose network's person score alone is not a person detector: a flat garment's outline can look
# like a torso to it (a laid-flat dress scored 0.8). Sure scores are taken as they are; others need
# the person segmentation network to agree on where the person is (IoU of the two masks).
SURE, PRESENT, AGREE = 0.9, 0.5, 0.7


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


def _square(image: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The photo padded to a square with its border's median colour: (square, top, left)."""
    height, width = image.shape[:2]
    side = max(height, width)
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    square = np.empty((side, side, 3), dtype=np.uint8)
    square[:] = np.median(border, axis=0).astype(np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    square[top:top + height, left:left + width] = image
    return square, top, left


def _agreement(pose_mask: np.ndarray, model_input: np.ndarray) -> float:
    """IoU of the pose network's person mask and the segmentation network's, on the same square."""
    runner = interpreter("selfie")
    with lock():
        runner.set_tensor(runner.get_input_details()[0]["index"], model_input)
        runner.invoke()
        selfie = runner.get_tensor(runner.get_output_details()[0]["index"])[0, :, :, 0]
    a, b = pose_mask > 0.5, selfie > 0.5
    return float((a & b).sum() / max((a | b).sum(), 1))


def find_person(image: np.ndarray) -> Person | None:
    """image: uint8 (H, W, 3) RGB -> the person in it, or None when the model finds none."""
    square, top, left = _square(image)
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
    if score < SURE and _agreement(_sigmoid(outputs["Identity_2"][0, :, :, 0]), model_input) < AGREE:
        return None
    landmarks = outputs["Identity"].reshape(39, 5)  # x, y (model pixels), z, visibility and presence logits
    scale = side / SIDE
    keypoints = {name: (float(landmarks[i, 0] * scale - left), float(landmarks[i, 1] * scale - top),
                        float(_sigmoid(landmarks[i, 3]))) for name, i in KEYPOINTS.items()}
    mask = _sigmoid(outputs["Identity_2"][0, :, :, 0])
    mask = np.asarray(Image.fromarray(mask.astype(np.float32)).resize((side, side), Image.Resampling.BILINEAR))
    height, width = image.shape[:2]
    return Person(keypoints, mask[top:top + height, left:left + width].copy(), score)
