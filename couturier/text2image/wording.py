"""What a prompt's words say together, beyond each column's own reading of them.

- A colour named inside a detail ("a navy shirt with white dots", "a green kurta with gold
  embroidery") is the detail's, not the garment's, when the words before the detail name a colour:
  the detail's colour words are left out of the reading (the detail itself is kept).
- An article type named is the garment only where it stands as a word of its own and not as what
  the garment is for or lacks: "high-tops" are shoes, a "crimson-lipstick red clutch" is a clutch,
  "a belt for trousers" is a belt, "loafers without a heel" are no heels.
- An age ("for a seven year old", "aged 6", "a 10-year-old") says who wears it, which the gender
  column reads; its words describe nothing G draws, so they are no detail of the garment.
- A gender the words do not say is the one the garment implies: the catalogue's own share of each
  gender among the looks of that article type (heels and cocktail dresses are women's), add-one
  smoothed so that a rare pairing stays possible.
Hand-written: these are facts about English phrases and the catalogue's counts; no library reads them.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Collection, Sequence

import numpy as np
from scipy.special import log_softmax

DETAIL = " with "  # what introduces a detail of the garment
NUMBER_WORDS = frozenset(("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                          "fifteen sixteen seventeen eighteen nineteen twenty").split())
AGE_UNITS = frozenset("year years yr yrs month months week weeks old aged age ages".split())
COLUMNS = ("baseColour", "articleType", "gender")


def without_detail_colours(prompt: str, colours: Callable[[str], list[str]]) -> str:
    """The prompt less the colour words of its detail, when the garment's own words name a colour;
    `colours(text)` gives the colour words found in a text."""
    garment, joined, detail = prompt.partition(DETAIL)
    if not joined or not colours(garment):
        return prompt
    for name in sorted(set(colours(detail)), key=lambda n: (-len(n), n)):
        detail = re.sub(rf"\b{re.escape(name)}\b", "", detail, flags=re.IGNORECASE)
    return garment + joined + " ".join(detail.split())


# the words before what a garment is for or lacks ("a belt for my trousers", "loafers without a heel")
ASIDES = ("for", "without", "no")
DETERMINERS = ("a", "an", "the", "my", "your", "his", "her", "their", "our", "some")
ASIDE = re.compile(rf"\b(?:{'|'.join(ASIDES)})\s+(?:(?:{'|'.join(DETERMINERS)})\s+)?$")


def names_the_garment(prompt: str, article: str) -> bool:
    """Whether the prompt names the article type as its garment (see the module's docstring)."""
    text = prompt.lower()
    for match in re.finditer(rf"(?<![a-z-]){re.escape(article.lower())}(?![a-z-])", text):
        if not ASIDE.search(text[:match.start()]):
            return True
    return False


def asides(words: Sequence[str]) -> set[int]:
    """The positions of the words that say what a garment is for or lacks: the first after "for",
    "without" or "no" and a determiner ("a belt for my trousers": "trousers")."""
    out = set()
    for i, word in enumerate(words):
        if word in ASIDES:
            j = i + 1 + (i + 1 < len(words) and words[i + 1] in DETERMINERS)
            if j < len(words):
                out.add(j)
    return out


def is_age_word(word: str) -> bool:
    """A word of an age: a number word, a unit of age, or a hyphenated run of them ("seven-year-old")."""
    return all(part in NUMBER_WORDS or part in AGE_UNITS for part in word.lower().split("-") if part)


def gender_given_article(looks: Sequence[tuple[str, ...]], counts: Sequence[float], article: int, gender: int,
                         genders: Sequence[str]) -> dict[str, dict[str, float]]:
    """log p(gender | article type) over the catalogue's looks (`article` and `gender` index a look)."""
    pairs, totals = Counter(), Counter()
    for look, count in zip(looks, counts):
        pairs[look[article], look[gender]] += count
        totals[look[article]] += count
    return {a: {g: float(np.log((pairs[a, g] + 1) / (n + len(genders)))) for g in genders}
            for a, n in totals.items()}


def implied_gender(columns: dict[str, dict[str, float]], known: dict[str, str],
                   table: dict[str, dict[str, float]], weight: float,
                   said: Collection[str] = ()) -> dict[str, dict[str, float]]:
    """A reading's columns (value -> log-probability) with the gender column weighed by the gender
    the article read implies (`table`: `gender_given_article`), unless the words named the gender:
    word for word (`known`) or in other words (`said`: "a boy", "my husband")."""
    article, gender = COLUMNS[1:]
    if gender in known or gender in said or not {article, gender} <= set(columns):
        return columns
    worn = known.get(article) or max(columns[article], key=columns[article].get)
    implied = table.get(worn, {})
    values = list(columns[gender])
    scores = log_softmax([columns[gender][g] + weight * implied.get(g, 0.0) for g in values])
    return {**columns, gender: dict(zip(values, scores.tolist()))}
