"""Colour words read by the colour they name: "pumpkin" is an orange, "wine" a maroon, "mocha" a brown.

WordNet knows "crimson" is a red, but not that a pumpkin or a plum is a colour, and a sentence
encoder places "plum" among fruit. Colour names have their own dictionaries: matplotlib ships the
xkcd colour survey's 949 names (what 222,500 people called 3 million colours) and CSS's 148, each
with its sRGB value. A `ColourNames` finds the dictionary's names in a prompt and says how near
each of a catalogue's colour values is to them, by the CIEDE2000 difference with the textile
industry's lightness weight (kL = 2, CIE 116): a garment colour is named by its hue more than its
lightness, so "forest green" is a green, not a black. coloraide (kept, pure Python) does the colour
science. The catalogue's values get their colour from the same dictionaries ("Navy Blue" by its
name, "Coffee Brown" by its last word); values no dictionary holds ("Multi", "Skin") are never named.
Things the dictionaries lack ("conker", "ink", "army fatigues") have their colour's name in
colour_things.tsv and count where the words say they are a colour ("the colour of a conker").

`couturier.text2image.grounding` adds these strengths to its reading of the colour column.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

# The xkcd survey's one-word names that shade a colour rather than name one ("dark blue" is a
# name as a pair; "dark" alone is not a colour a garment is catalogued by).
SHADES = frozenset({"dark", "pale", "royal", "bland", "drab"})
LONGEST_NAME = 3  # words; "light sky blue" and the like
THINGS = Path(__file__).with_name("colour_things.tsv")
COLOUR_NOUNS = frozenset({"colour", "color", "coloured", "colored", "colours", "colors", "shade", "shades", "tone",
                          "tones", "hue", "hues", "tint"})
ARTICLES = frozenset({"a", "an", "the", "some"})


@lru_cache(maxsize=1)
def colour_dictionary() -> dict[str, str]:
    """Lower-case colour name -> "#rrggbb": CSS's names, then the xkcd survey's (which wins a tie:
    its values are what people call the name, CSS's are a web standard's)."""
    from matplotlib.colors import CSS4_COLORS, XKCD_COLORS

    names = {name.lower(): value.lower() for name, value in CSS4_COLORS.items()}
    names.update({name.removeprefix("xkcd:"): value for name, value in XKCD_COLORS.items()})
    return {name: value for name, value in names.items() if name not in SHADES}


@lru_cache(maxsize=1)
def colour_things() -> dict[str, str]:
    """Thing -> the name of its colour in the dictionary (colour_things.tsv): what the colour
    dictionaries lack, written by hand, as no packaged list says what colour a conker is."""
    return {thing: colour for thing, (colour, _) in _things().items()}


@lru_cache(maxsize=1)
def colour_finishes() -> frozenset[str]:
    """The things that are colours wherever they are written: metal and stone finishes, shorthand."""
    return frozenset(thing for thing, (_, anywhere) in _things().items() if anywhere)


@lru_cache(maxsize=1)
def _things() -> dict[str, tuple[str, bool]]:
    found = {}
    for line in THINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            thing, colour, *where = line.split("\t")
            found[thing.strip()] = (colour.strip(), where == ["anywhere"])
    return found


def said_as_colour(words: list[str], i: int, size: int) -> bool:
    """Whether words[i: i + size] are said as a colour: "ink coloured", "a conker shade", "the colour
    of (a) conker", "as dark as coal"; not "a coat for the snow"."""
    if i + size < len(words) and words[i + size] in COLOUR_NOUNS:
        return True
    j = i - 1
    while j >= 0 and words[j] in ARTICLES:
        j -= 1
    colour_of = j >= 1 and words[j] == "of" and words[j - 1] in COLOUR_NOUNS
    as_as = j >= 2 and words[j] == "as" and words[j - 2] == "as"  # "as dark as", "as white as"
    return colour_of or as_as


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


class ColourNames:
    """The colour names in a prompt, read as strengths (0..1] over a catalogue's colour values."""

    def __init__(self, values: list[str], spread: float, ignored: set[str] = frozenset()):
        from coloraide import (
            Color,  # here, not at the top: its import is slow, and most commands read no prompt
        )

        self._color = Color
        self.spread = spread  # CIEDE2000 units over which a value's strength falls by 1/e
        self.ignored = {word.lower() for word in ignored}  # other columns' words ("lipstick" is an article)
        self._known: dict[str, dict[str, float]] = {}  # name -> strengths (`_strengths`)
        dictionary = colour_dictionary()
        self.values = {}
        for value in values:
            words = value.lower().split()
            found = next((dictionary[n] for n in (" ".join(words), "".join(words), words[-1], words[0])
                          if n in dictionary), None)
            if found is not None:
                self.values[value] = Color(found)

    def names(self, prompt: str) -> list[str]:
        """The dictionary's colour names in the prompt, longest first at each word ("sky blue", not "sky");
        a thing said as a colour ("the colour of turmeric") gives its colour's name (`colour_things`)."""
        dictionary, words, found, i = colour_dictionary(), _words(prompt), [], 0
        things, anywhere = colour_things(), colour_finishes()
        while i < len(words):
            for size in range(min(LONGEST_NAME, len(words) - i), 0, -1):
                name = " ".join(words[i: i + size])
                if name in things and (name in anywhere or said_as_colour(words, i, size)):
                    found.append(things[name])
                    break
                if name in dictionary and name not in self.ignored:
                    found.append(name)
                    break
            else:
                size = 1
            i += size
        return found

    def named(self, prompt: str) -> dict[str, float]:
        """Per catalogue colour value, the strength with which the prompt's colour names name it:
        exp(-difference / spread) for the nearest name; empty when the prompt names no colour."""
        strengths: dict[str, float] = {}
        for name in self.names(prompt):
            for value, strength in self._strengths(name).items():
                strengths[value] = max(strengths.get(value, 0.0), strength)
        return strengths

    def _strengths(self, name: str) -> dict[str, float]:
        """One name's strength for each value, kept: an evaluation reads the same few colours often."""
        if name not in self._known:
            colour = self._color(colour_dictionary()[name])
            self._known[name] = {value: math.exp(-colour.delta_e(target, method="2000", kl=2) / self.spread)
                                 for value, target in self.values.items()}
        return self._known[name]
