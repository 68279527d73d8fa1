"""Read a prompt in the catalogue's own words before it conditions G.

A generator trained on a catalogue learns its wording: "Red Dresses for Women" moves the picture,
"crimson frock for ladies" lands between looks in the sentence embedding and draws none of them
(all three attributes matched in 4% of the real ceiling at 30 minutes, BENCHMARKS.md). Grounding
finds the catalogue look the prompt most likely means and gives G that look in the catalogue's
words ("Red Dresses for Women"). The user's other words are dropped: on the development synonyms
the 30-minute run followed the look alone more often than the look followed by the user's words
(all three attributes 0.18 against 0.12; real photos 0.42; `benchmarks/grounding.py`), and at
64 px G draws looks, not details.
A prompt that names every look value literally goes to G as written.

The look is the one (colour, article type, gender) seen in training whose composed description
is nearest the prompt in the run's text encoder, plus a small prior for looks the catalogue has
often (a "red dress" is for women unless the prompt says otherwise). Values the prompt names
literally are kept. Whole sentences are matched, not words: in an exploratory comparison on the
development synonyms, matching each word to the values read far fewer looks right, because a
lone word like "scarlet" embeds nearer "Pink" than "Red" and lands nearer "Red" in a sentence.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from couturier.data.catalogue import compose_description

LOOK_COLUMNS = ("baseColour", "articleType", "gender")  # what a look is, in catalogue order
PRIOR_WEIGHT = 0.02  # cosine units per log-count; chosen on the development synonyms (tests/text)


@dataclass(frozen=True)
class Reading:
    """How a prompt was read: the text G is given, and the look values that were inferred."""

    prompt: str
    text: str
    inferred: dict[str, str]

    def describe(self) -> str:
        if not self.inferred:
            return f"{self.prompt!r} as written"
        return f"{self.prompt!r} read as {self.text!r}"


def catalogue_looks(columns: dict[str, list[str]]) -> dict | None:
    """The looks a catalogue has and how often, for checkpoint meta; None without look columns."""
    names = [c for c in LOOK_COLUMNS if c in columns]
    if not names:
        return None
    rows = zip(*(columns[c] for c in names))
    counts = Counter(row for row in rows if all(v and v.upper() != "NA" for v in row))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {"columns": names, "values": [list(look) for look, _ in ordered], "counts": [n for _, n in ordered]}


def _mentions(prompt: str, value: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(value.lower())}(?![a-z])", prompt.lower()) is not None


class PromptGrounder:
    """Grounds prompts in a run's catalogue looks with the run's own text encoder."""

    def __init__(self, looks: dict, encoder):
        self.columns = tuple(looks["columns"])
        self.looks = [tuple(look) for look in looks["values"]]
        self._table = np.array(self.looks, dtype=object).reshape(len(self.looks), -1)
        self.prior = PRIOR_WEIGHT * np.log(np.asarray(looks["counts"], dtype=np.float64))
        self.encoder = encoder
        self._embeddings: np.ndarray | None = None
        self.values = {c: sorted({look[i] for look in self.looks}, key=len, reverse=True)
                       for i, c in enumerate(self.columns)}

    def _look_text(self, look: tuple[str, ...]) -> str:
        return compose_description(dict(zip(self.columns, look)), self.columns)

    @property
    def embeddings(self) -> np.ndarray:
        if self._embeddings is None:  # a catalogue's looks encode in seconds and are cached on disk
            self._embeddings = self.encoder.encode([self._look_text(look) for look in self.looks]).numpy()
        return self._embeddings

    def literal(self, prompt: str) -> dict[str, str]:
        """Values the prompt names word for word; the longest wins ("Navy Blue" over "Blue")."""
        found = {}
        for column, values in self.values.items():
            hit = next((v for v in values if _mentions(prompt, v)), None)
            if hit is not None:
                found[column] = hit
        return found

    def read(self, prompts: Sequence[str]) -> list[Reading]:
        """One reading per prompt; a prompt repeated (an evaluation cycles its prompts) is read once."""
        unique = list(dict.fromkeys(prompts))
        known = [self.literal(prompt) for prompt in unique]
        readings = {prompt: Reading(prompt, prompt, {}) for prompt in unique}
        unresolved = [i for i, found in enumerate(known) if len(found) < len(self.columns)]
        if unresolved:
            vectors = self.encoder.encode([unique[i] for i in unresolved]).numpy()
            for i, row in zip(unresolved, vectors @ self.embeddings.T + self.prior):
                look = self._best(row, known[i])
                inferred = {c: v for c, v in zip(self.columns, look) if c not in known[i]}
                readings[unique[i]] = Reading(unique[i], self._look_text(look), inferred)
        return [readings[prompt] for prompt in prompts]

    def _best(self, scores: np.ndarray, known: dict[str, str]) -> tuple[str, ...]:
        allowed = np.ones(len(self.looks), dtype=bool)
        for column, value in known.items():
            allowed &= self._table[:, self.columns.index(column)] == value
        if not allowed.any():  # a combination the catalogue never had: keep the literal values anyway
            allowed[:] = True
        look = self.looks[int(np.where(allowed, scores, -np.inf).argmax())]
        return tuple(known.get(c, v) for c, v in zip(self.columns, look))
