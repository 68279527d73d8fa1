"""Colour words read by the colour they name: "azure", "mocha", "army green".

WordNet knows many colour words as colours ("crimson" is a red) but files others under what they
are first: a gem, a food, a plant. Colour surveys name the colour itself: the xkcd survey's 949
names and CSS's 148, each with its sRGB, ship with matplotlib (`matplotlib.colors`). A word the
catalogue's colour column does not use names the catalogue colour nearest to its own in CIELAB,
where distance follows what people see, when one is near enough; `couturier.text.lexicon` adds
that to what WordNet says.

A survey name that is also a material or a garment ("denim", "leather", "velvet") describes the
fabric, not its colour, and is skipped: the Lexicon passes the words WordNet files as artifacts.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

MAX_DISTANCE = 25.0  # CIELAB units: farther from every catalogue colour, a name names none of them
# sRGB (D65) to XYZ, IEC 61966-2-1; written out here because the one library with the conversion
# (scikit-image) is only in the bench extra, and it is the standard's three lines
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])


def squash(words: str) -> str:
    """One spelling per name: "Navy Blue", "navy-blue", "navyblue" -> "navyblue"."""
    return re.sub(r"[^a-z]", "", words.lower())


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in 0..1 to CIELAB (D65 white)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ SRGB_TO_XYZ.T / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


@lru_cache(maxsize=1)
def colour_table() -> dict[str, np.ndarray]:
    """Squashed colour name -> CIELAB: the xkcd survey's names, then CSS's where xkcd has none."""
    from matplotlib.colors import CSS4_COLORS, XKCD_COLORS, to_rgb

    names = {squash(name.removeprefix("xkcd:")): hex_ for name, hex_ in XKCD_COLORS.items()}
    for name, hex_ in CSS4_COLORS.items():
        names.setdefault(squash(name), hex_)
    return {name: srgb_to_lab(np.array(to_rgb(hex_))) for name, hex_ in names.items()}


class ColourNames:
    """Which of a catalogue's colour values a colour word names, by the colour itself."""

    def __init__(self, values: list[str]):
        table = colour_table()
        self.values = [v for v in values if squash(v) in table]  # "Multi", "Grey Melange": no one colour
        self.known = {squash(v) for v in values}
        self._lab = np.stack([table[squash(v)] for v in self.values]) if self.values else np.zeros((0, 3))

    def nearest(self, name: str) -> str | None:
        """The catalogue colour nearest to a survey name, or None if the name is unknown, is one
        of the catalogue's own values (read literally elsewhere) or is far from all of them."""
        key = squash(name)
        lab = colour_table().get(key)
        if lab is None or key in self.known or not self.values:
            return None
        distance = np.linalg.norm(self._lab - lab, axis=1)
        best = int(distance.argmin())
        return self.values[best] if distance[best] <= MAX_DISTANCE else None

    def named(self, words: list[str], skip=lambda word: False) -> set[str]:
        """Values named by the words: a pair the survey knows as one name first ("army green"),
        then single words; words for which `skip` is true name nothing."""
        named, i = set(), 0
        while i < len(words):
            pair = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
            if pair and squash(pair) in colour_table():
                found, i = self.nearest(pair), i + 2
            else:
                found, i = (None if skip(words[i]) else self.nearest(words[i])), i + 1
            if found is not None:
                named.add(found)
        return named
