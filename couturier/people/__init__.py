"""People in photos: who is where, with pretrained person networks (the `people` extra).

`find_person(rgb)` gives a person's body keypoints and mask (pose.py); the networks are
MediaPipe's, from its wheel, run by LiteRT (models.py says why). What a designer's photo needs
next, the garment regions and try-on, builds on these.
"""
from couturier.people.pose import KEYPOINTS, Person, find_person

__all__ = ["KEYPOINTS", "Person", "find_person"]
