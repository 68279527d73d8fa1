"""People in photos: who is where, with pretrained person networks (the `people` extra).

`find_person(rgb)` gives a person's body keypoints and mask (pose.py); `find_garments(rgb, person)`
the garments on them, less head and skin, their edges snapped to the photo's (garments.py,
edges.py); `try_on(person_rgb, garment_rgb)` a garment's product photo put on them (tryon.py). The
networks are MediaPipe's, from its wheel, run by LiteRT (models.py says why).
"""
from couturier.people.garments import GARMENTS, Garments, find_garments
from couturier.people.pose import KEYPOINTS, Person, find_person
from couturier.people.tryon import TryOn, try_on

__all__ = ["GARMENTS", "KEYPOINTS", "Garments", "Person", "TryOn", "find_garments", "find_person", "try_on"]
