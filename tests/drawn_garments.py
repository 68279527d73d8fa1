"""The garment outlines drawn by hand (tests/style/garment_masks.json) with the photos they were
drawn on: catalogue photos from ../shared, and pictures shipped inside packages (scikit-image's)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

CATALOGUE = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-products" / "images"
MASKS: dict[str, dict] = json.loads((Path(__file__).parent / "style" / "garment_masks.json").read_text())["masks"]


# The first seven outlines: garments whose colours stand apart from the background and from skin,
# the photos the colour rules (couturier/style/masks.py) were built for. The rest were drawn for the
# pose network's garments: white on white, skin-coloured, a dark top under dark hair, a non-catalogue photo.
COLOUR_RULES_SET = ("1529", "2095", "2126", "2555", "7410", "1163", "2711")


# The worn garments the pose network's garment rules (couturier/people/garments.py) were tuned on,
# looking at where they failed; the other worn outlines were only measured, never looked at.
TUNED_ON = ("1529", "2095", "2126", "2555", "7410", "2033", "57160", "8492", "5187", "18746", "24375", "41786",
            "32566",  # 32566 drawn fresh, looked at on 2026-12-05: its shorts were the top's
            "59895",  # looked at on 2026-12-05: a lock of her hair in front of the neckline was the dress
            "46287", "54574")  # looked at on 2026-12-05 and 06: tunics whose dark hem bands went to the leggings

# Drawn on 2026-12-05, after the edge snap (people/edges.py) was chosen looking at the misses of all
# the earlier outlines: photos nobody had looked at the garment rules' output on, measured, not tuned on.
FRESH = ("10359", "12627", "19697", "32595", "30864", "47675")  # and 46287, since looked at and tuned on


def worn() -> list[str]:
    """The keys of the garments a person wears (the others are laid flat or product-only)."""
    return [key for key, drawn in MASKS.items() if "worn" in drawn["garment"]]


def photo(key: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB: the photo the outline `key` was drawn on."""
    source = MASKS[key].get("source")
    if source is None:
        return np.asarray(Image.open(CATALOGUE / f"{key}.jpg").convert("RGB"))
    module, name = source.rsplit(".", 1)
    if module != "skimage.data":
        raise ValueError(f"unknown source {source}")
    import skimage.data

    return np.asarray(Image.fromarray(getattr(skimage.data, name)()).convert("RGB"))


def drawn_mask(key: str) -> np.ndarray:
    """(H, W) bool: the outline filled, on its photo's grid."""
    from couturier.style.masks import polygon_mask

    height, width = photo(key).shape[:2]
    return polygon_mask(MASKS[key]["polygon"], width, height)
