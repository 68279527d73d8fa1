"""What a prompt's words say together, beyond each column's own reading of them.

- A colour named inside a detail ("a navy shirt with white dots", "a green kurta with gold
  embroidery") is the detail's, not the garment's, when the words before the detail name a colour:
  the detail's colour words are left out of the reading (the detail itself is kept).
- A gender the words do not say is the one the garment implies: the catalogue's own share of each
  gender among the looks of that article type (heels and cocktail dresses are women's), add-one
  smoothed so that a rare pairing stays possible.
Hand-written: these are facts about English phrases and the catalogue's counts; no library reads them.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Sequence

import numpy as np
from scipy.special import log_softmax

DETAIL = " with "  # what introduces a detail of the garment
COLUMNS = ("baseColour", "articleType", "gender")


def without_detail_colours(prompt: str, colours: Callable[[str], list[str]]) -> str:
    """The prompt less the colour words of its detail, when the garment's own words name a colour;
    `colours(text)` gives the colour words found in a text."""
    garment, joined, detail = prompt.partition(DETAIL)
    if not joined or not colours(garment):
        return prompt
    for name in sorted(set(colours(detail)), key=len, reverse=True):
        detail = re.sub(rf"\b{re.escape(name)}\b", "", detail, flags=re.IGNORECASE)
    return garment + joined + " ".join(detail.split())


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
                   table: dict[str, dict[str, float]], weight: float) -> dict[str, dict[str, float]]:
    """A reading's columns (value -> log-probability) with the gender column weighed by the gender
    the article read implies (`table`: `gender_given_article`), unless the words named the gender."""
    article, gender = COLUMNS[1:]
    if gender in known or not {article, gender} <= set(columns):
        return columns
    worn = known.get(article) or max(columns[article], key=columns[article].get)
    implied = table.get(worn, {})
    values = list(columns[gender])
    scores = log_softmax([columns[gender][g] + weight * implied.get(g, 0.0) for g in values])
    return {**columns, gender: dict(zip(values, scores.tolist()))}
