"""People in photos: who is where, with pretrained person networks (the `people` extra).

`find_person(rgb)` gives a person's body keypoints and mask (pose.py); `find_garments(rgb, person)`
the garments on them, less head and skin (garments.py). The networks are MediaPipe's, from its
wheel, run by LiteRT (models.py says why).
"""
from couturier.people.garments import GARMENTS, Garments, find_garments
from couturier.people.pose import KEYPOINTS, Person, find_person

__all__ = ["GARMENTS", "KEYPOINTS", "Garments", "Person", "find_garments", "find_person"]
