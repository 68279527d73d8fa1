"""What a prompt's words say together, beyond each column's own reading of them.

- A colour named inside a detail ("a navy shirt with white dots", "a green kurta with gold
  embroidery") is the detail's, not the garment's, when the words before the detail name a colour:
  the detail's colour words are left out of the reading (the detail itself is kept).
- An article type named is the garment only where it stands as a word of its own and not as what
  the garment is for or lacks: "high-tops" are shoes, a "crimson-lipstick red clutch" is a clutch,
  "a belt for trousers" is a belt, "loafers without a heel" are no heels.
- An age ("for a seven year old", "aged 6", "a 10-year-old") says who wears it, which the gender
  column reads; its words describe nothing G draws, so they are no detail of the garment.
- Who wears it, said by kin ("my nan", "grandad", "my nephew") or by a child's age or stage ("a
  seven-year-old", "a toddler"), names the gender column (`wearer`): kin by their sex and age; a
  child as a boy or a girl alike, the garment then telling which (a dress: a girl's).
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
NUMBERS = {word: n for n, word in enumerate(("one two three four five six seven eight nine ten eleven twelve "
                                             "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                                             "twenty").split(), 1)}
NUMBER_WORDS = frozenset(NUMBERS)
AGE_UNITS = frozenset("year years yr yrs month months week weeks old aged age ages".split())
COLUMNS = ("baseColour", "articleType", "gender")
# kin by the catalogue's genders; WordNet files them under kinship, never under man or woman
KIN = {"Men": "dad daddy father grandad granddad grandpa grandfather grandpops husband hubby uncle boyfriend "
              "fiance stepdad stepfather godfather brother bro",
       "Women": "mum mom mam mummy mommy mother nan nana nanna gran granny grandma grandmother wife wifey missus "
                "aunt auntie aunty girlfriend fiancee stepmum stepmom stepmother godmother sister sis",
       "Boys": "nephew godson grandson stepson schoolboy",
       "Girls": "niece goddaughter granddaughter stepdaughter schoolgirl"}
WEARER_WORDS = {word: gender for gender, words in KIN.items() for word in words.split()}
CHILD_WORDS = frozenset("toddler toddlers tot tots tween tweens kid kids kiddie kiddies child children infant "
                        "infants preschooler youngster youngsters".split())
CHILD_AGE = 14  # years: up to this age a wearer is a boy or a girl
# a child names a boy and a girl each this strongly: below a word's own naming of one (1), so the
# garment's implied gender (a dress: a girl's) still weighs in
CHILD_STRENGTH = 0.75


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


def wearer(prompt: str, genders: Collection[str]) -> dict[str, float]:
    """The catalogue's genders (of `genders`) that the words for who wears it name, with a strength
    (at most 1): kin at full strength, a child (a child's word or an age up to CHILD_AGE) as a boy
    and as a girl at CHILD_STRENGTH, so that the garment tells which."""
    words = re.findall(r"[a-z0-9]+", prompt.lower())
    found = {WEARER_WORDS[w]: 1.0 for w in words if w in WEARER_WORDS and WEARER_WORDS[w] in genders}
    if any(w in CHILD_WORDS for w in words) or _child_age(words):
        found.update({g: max(found.get(g, 0.0), CHILD_STRENGTH) for g in ("Boys", "Girls") if g in genders})
    return found


def _child_age(words: list[str]) -> bool:
    """Whether the words give an age in years (or months) up to CHILD_AGE: "seven year old", "aged 6"."""
    for i, word in enumerate(words):
        years = int(word) if word.isdigit() else NUMBERS.get(word)
        near = words[max(0, i - 1): i] + words[i + 1: i + 3]
        if years is not None and any(w in AGE_UNITS for w in near):
            return years <= CHILD_AGE or any(w.startswith("month") or w.startswith("week") for w in near)
    return False


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
