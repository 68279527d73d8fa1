"""The garment a person wears, for stylize and the drape: found by the pose network (couturier.people),
whatever its colour against the background. A photo without a person, or without the people extra,
says why, and the caller falls back to what it did before (the colour rules, or no mask)."""
from __future__ import annotations

import numpy as np
import torch
from scipy import ndimage

from couturier.errors import MissingExtra
from couturier.style.drape import covering_reach
from couturier.style.images import StyleInputError, to_pil

WORN = ("auto", "upper", "lower", "dress", "all")


def worn_garment_mask(x: torch.Tensor, garment: str = "auto",
                      feather: float = 1.0) -> tuple[torch.Tensor | None, str]:
    """(1, 3, H, W) in [0, 1] -> ((1, 1, H, W) soft mask, how it was found), or (None, why not).
    `garment`: auto (the photo's main garment: all the clothes when they look like one piece, else
    the upper garment), upper, lower, dress, all. A photo of several people is refused."""
    image = np.asarray(to_pil(x))
    try:
        from couturier.people import find_garments, find_person
        from couturier.people.pose import PhotoFaces, people_faces

        photo_faces = PhotoFaces(image)
        person = find_person(image, photo_faces)
    except MissingExtra:
        return None, "the people extra is not installed"
    if person is None:
        return None, "no person in the photo"
    count = len(people_faces(image, photo_faces))
    if count > 1:  # the pose network reads one person: the others' garments would be half painted
        raise StyleInputError(f"the photo shows {count} people; crop it to the one whose garment takes the "
                              "fabric, or draw a mask of the garment and pass it", field="mask")
    garments = find_garments(image, person)
    name = garments.main if garment == "auto" else garment
    region = garments.region(name)
    if region.mean() < 0.005:
        return None, f"no {name} garment on the person"
    soft = ndimage.gaussian_filter(region.astype(np.float32), feather) if feather > 0 else region.astype(np.float32)
    soft[soft < 0.01] = 0.0
    soft[garments.head | garments.skin] = 0.0  # the feathered edge never reaches face, hair or skin
    # the drape grows a mask (the colour rules' stops inside the outline); this one reaches the
    # outline already, so it is shrunk by as much first: grown back, it still stops short of the face
    reach = covering_reach(region.shape)
    soft = -ndimage.maximum_filter(-soft, size=2 * reach + 1, mode="nearest")
    kind = {"all": "clothes", "dress": "dress"}.get(name, f"{name} garment")
    return (torch.from_numpy(soft)[None, None],
            f"the {kind} on the person (pose network, confidence {garments.confidence:.2f})")


def garment_region(content: torch.Tensor, auto_mask: bool = False,
                   garment: str = "auto") -> tuple[torch.Tensor | None, str]:
    """The region of `content` that takes the fabric, and how it was chosen: the garment on the
    person when there is one; else, with `auto_mask`, the colour rules' garment on a plain
    background; else None (the whole picture). A garment asked for by name needs a person."""
    region, how = worn_garment_mask(content, garment)
    if region is not None:
        return region, how
    if garment != "auto":
        raise StyleInputError(f"the {garment} garment needs a person in the photo: {how}; draw a mask instead",
                              field="garment")
    if auto_mask:
        from couturier.style.masks import garment_mask

        return garment_mask(content), f"the colour rules ({how})"
    return None, f"the whole picture ({how}; the automatic mask finds a garment on a plain background)"


def fabric_note(style_image: torch.Tensor, as_picture: str = "--fabric-scale 0") -> str | None:
    """A word when STYLE, to be repeated as a fabric swatch, is a photo of a person: the whole photo
    (face and wall too) is tiled over the garment, which is seldom what was meant. `as_picture`: how
    the caller's user asks for the style used whole (the CLI's flag, the API's form field). None
    otherwise, or when the people extra is not installed (nothing to tell with)."""
    try:
        from couturier.people import find_person

        person = find_person(np.asarray(to_pil(style_image)))
    except MissingExtra:
        return None
    if person is None:
        return None
    return ("STYLE is a photo of a person, tiled whole as the fabric: crop a swatch of the fabric for a "
            f"fabric, or give {as_picture} to use it as a picture")
