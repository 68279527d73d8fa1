"""Read a prompt in the catalogue's own words before it conditions G.

A generator trained on a catalogue learns its wording: "Red Dresses for Women" moves the picture,
"crimson frock for ladies" lands between looks in the sentence embedding and draws none of them
(BENCHMARKS.md, "Text to image": paraphrases against the catalogue's words). Grounding
finds the catalogue look the prompt most likely means and gives G that look in the catalogue's
words ("Red Dresses for Women"). The user's other words are dropped: on the development synonyms
the 30-minute run followed the look alone more often than the look followed by the user's words
(`benchmarks/grounding.py`), and at 64 px G draws looks, not details.
A prompt that names every look value literally goes to G as written.

The look is the one (colour, article type, gender) seen in training that scores best on: a
reader's log-probabilities for its values, a per-column logistic regression from the prompt's
embedding, fitted at training time on the catalogue's own texts (its product names say "tee",
"jersey" and "handbag" where the columns say Tshirts and Handbags); the cosine of the prompt and
the look's composed description; and a prior for looks the catalogue has often (a "red dress" is
for women unless the prompt says otherwise); and, where WordNet is installed, the values the
prompt's words name there ("crimson" is a red, "frock" a dress; `couturier.text2image.lexicon`); and the
colour values nearest in colour to the colour names the prompt uses ("pumpkin" is an orange;
`couturier.text2image.colours`). Runs saved without a reader use the cosine, the prior, WordNet and the
colour names. On the development synonyms each of these read more looks right than the ones before
it, and the weights were chosen there (`benchmarks/grounding.py`; never on the benchmark's words). Values the prompt names literally are
kept. Whole sentences are embedded, not words: in an exploratory comparison on the
development synonyms, matching each word to the values read far fewer looks right, because a
lone word like "scarlet" embeds nearer "Pink" than "Red" and lands nearer "Red" in a sentence.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import cached_property
from typing import Sequence

import numpy as np

from couturier.data.catalogue import compose_description
from couturier.text2image.colours import ColourNames
from couturier.text2image.lexicon import Lexicon, load_wordnet
from couturier.text2image.reading import Reading
from couturier.text2image.wording import (gender_given_article, implied_gender, is_age_word, names_the_garment,
                                         wearer, without_detail_colours)

LOOK_COLUMNS = ("baseColour", "articleType", "gender")  # what a look is, in catalogue order
PRIOR_WEIGHT = 0.02  # cosine units per log-count; chosen on the development synonyms (tests/text)
# with a reader, in log-probability units; all three chosen on the development synonyms
READER_REGULARISATION = 1.0  # scikit-learn's C: weaker fits the catalogue's words and misses synonyms
READER_PRIOR = 0.5  # per log-count
READER_COSINE = 10.0  # per unit of cosine
READER_MAX_DIM = 1024  # the reader's weights travel in the checkpoint's meta.json
LEXICON_WEIGHT = 8.0  # log-probability units per value named through WordNet; chosen on the development synonyms
COLOUR_WEIGHT = 16.0  # log-probability units per colour value a colour name names; chosen on the development synonyms
COLOUR_SPREAD = 20.0  # CIEDE2000 units (kL = 2) over which a colour name's strength falls by 1/e; ditto
# With a calibrated reader (text2image/reader.py) each column is read on its own: restricted to the
# (colour, article, gender) looks the catalogue has, "a brown suede jacket for a man" became brown
# caps when no brown jacket was among the run's photos; on the tuning half of the hand-written
# descriptions, 0.55 of them read fully right that way and 0.69 column by column.
COLUMN_PRIOR = 0.2  # per log-count of a value in the catalogue; chosen on the tuning half
IMPLIED_GENDER = 0.5  # weight of log p(gender | article) in the catalogue; chosen on the tuning half
# the reader is calibrated on its paraphrases; WordNet's and the colour names' strengths added make
# a column surer than it is right: confidence is read at these temperatures (NLL on the tuning half)
CONFIDENCE_TEMPERATURE = {"baseColour": 1.6, "articleType": 2.0, "gender": 1.35}


def catalogue_looks(columns: dict[str, list[str]], embeddings: np.ndarray | None = None, encoder=None,
                    log=None, product_rows: Sequence[dict] = ()) -> dict | None:
    """The looks a catalogue has and how often, for checkpoint meta; None without look columns.
    With the embeddings of the catalogue's texts (one per row), also a reader: with the `encoder`
    that made them, the calibrated one of text2image/reader.py (its own texts, paraphrases of its
    looks and any `product_rows`: a larger table's product names with their values); without, a
    logistic regression on the texts alone (`fit_reader`)."""
    names = [c for c in LOOK_COLUMNS if c in columns]
    if not names:
        return None
    rows = zip(*(columns[c] for c in names))
    counts = Counter(row for row in rows if all(_known(v) for v in row))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    looks = {"columns": names, "values": [list(look) for look, _ in ordered], "counts": [n for _, n in ordered]}
    if embeddings is None:
        return looks
    if encoder is not None and len(names) == len(LOOK_COLUMNS):
        from couturier.text2image.reader import fit_catalogue_reader

        reader = fit_catalogue_reader(embeddings, columns, looks, encoder, product_rows, log=log)
    else:
        reader = fit_reader(embeddings, columns)
    return {**looks, "reader": reader} if reader else looks


def fit_reader(embeddings: np.ndarray, columns: dict[str, list[str]]) -> dict | None:
    """Per look column, a multinomial logistic regression from a text's embedding to the column's
    value, fitted on the catalogue's texts (one row each); None when the encoder is too wide."""
    from sklearn.linear_model import LogisticRegression

    if embeddings.shape[1] > READER_MAX_DIM:
        return None
    reader = {}
    for column in (c for c in LOOK_COLUMNS if c in columns):
        values = np.asarray(columns[column], dtype=object)
        keep = np.array([_known(v) for v in values])
        if len(set(values[keep])) < 2:
            continue
        model = LogisticRegression(C=READER_REGULARISATION, max_iter=500).fit(embeddings[keep], values[keep])
        weight, bias = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes: the first scores 0
            weight, bias = np.concatenate([np.zeros_like(weight), weight]), np.concatenate([[0.0], bias])
        reader[column] = {"values": [str(v) for v in model.classes_],
                          "weight": np.round(weight, 4).tolist(), "bias": np.round(bias, 4).tolist()}
    return reader or None


def _known(value) -> bool:
    """A catalogue cell that says something: not empty, not "NA"."""
    return bool(value) and str(value).upper() != "NA"


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _tempered(scores: dict[str, float], temperature: float) -> dict[str, float]:
    """A column's log-probabilities at a temperature (same order of values, softer or sharper)."""
    return dict(zip(scores, _log_softmax(np.array([list(scores.values())]) / temperature)[0].tolist()))


def _product(options: list[list[str]]) -> list[tuple[str, ...]]:
    from itertools import product

    return list(product(*options))


def _singular(word: str) -> str:
    """"Dresses" and "dress", "T-shirts" and "tshirt" alike: enough to tell a look's word in a prompt."""
    word = word.replace("-", "")
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _mentions(prompt: str, value: str, column: str = "") -> bool:
    if column == LOOK_COLUMNS[1]:  # an article type: as the garment, not inside "high-tops" (wording.py)
        return names_the_garment(prompt, value)
    return re.search(rf"(?<![a-z]){re.escape(value.lower())}(?![a-z])", prompt.lower()) is not None


class PromptGrounder:
    """Grounds prompts in a run's catalogue looks with the run's own text encoder."""

    def __init__(self, looks: dict, encoder, use_wordnet: bool = True, use_colour_names: bool = True):
        self.columns = tuple(looks["columns"])
        self.looks = [tuple(look) for look in looks["values"]]
        self._table = np.array(self.looks, dtype=object).reshape(len(self.looks), -1)
        self.log_counts = np.log(np.asarray(looks["counts"], dtype=np.float64))
        self.reader = looks.get("reader")
        self._read_columns = [self._reader_column(column, fitted) for column, fitted in (self.reader or {}).items()]
        self.encoder = encoder
        self._embeddings: np.ndarray | None = None
        # longest first ("Navy Blue" before "Blue"), then by name: a set's order changes with the
        # process's hash seed, and "rose gold" (Rose, Gold) was read one way or the other by run
        self.values = {c: sorted({look[i] for look in self.looks}, key=lambda v: (-len(v), v))
                       for i, c in enumerate(self.columns)}
        self.use_wordnet = use_wordnet
        self.use_colour_names = use_colour_names and LOOK_COLUMNS[0] in self.columns
        # each look's value in a column, as an index into that column's values
        self._value_at = {c: np.array([self.values[c].index(look[i]) for look in self.looks])
                          for i, c in enumerate(self.columns)}

    @cached_property
    def lexicon(self) -> Lexicon | None:
        """WordNet's reading of the look values, when WordNet is installed (`couturier.text2image.lexicon`);
        loaded on the first prompt read, not before."""
        wordnet = load_wordnet() if self.use_wordnet else None
        return Lexicon(wordnet, self.values) if wordnet is not None else None

    @cached_property
    def colour_names(self) -> ColourNames | None:
        """The colour dictionaries' reading of colour words (`couturier.text2image.colours`); the other
        columns' words are not read as colours ("lipstick" is an article)."""
        if not self.use_colour_names:
            return None
        others = {word for column, names in self.values.items() if column != LOOK_COLUMNS[0]
                  for name in names for word in name.lower().split()}
        return ColourNames(self.values[LOOK_COLUMNS[0]], COLOUR_SPREAD, ignored=others)

    def _reader_column(self, column: str, fitted: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The column's weights, bias, and each look's value index (-1: a value the reader never saw)."""
        index = {v: k for k, v in enumerate(fitted["values"])}
        at = self.columns.index(column)
        picked = np.array([index.get(look[at], -1) for look in self.looks])
        temperature = float(fitted.get("temperature", 1.0))  # a calibrated reader's (text2image/reader.py)
        return np.asarray(fitted["weight"]).T / temperature, np.asarray(fitted["bias"]) / temperature, picked

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
            hit = next((v for v in values if _mentions(prompt, v, column)), None)
            if hit is not None:
                found[column] = hit
        return found

    def conflicting(self, prompt: str) -> set[str]:
        """Columns the prompt names two values of ("a black white shirt"), neither inside the other."""
        out = set()
        for column, values in self.values.items():
            named = [v for v in values if _mentions(prompt, v, column)]
            if any(a.lower() not in b.lower() and b.lower() not in a.lower() for a in named for b in named):
                out.add(column)
        return out

    @property
    def calibrated(self) -> bool:
        """A reader that reads each column on its own (text2image/reader.py's, with temperatures)."""
        return bool(self.reader) and all("temperature" in fitted for fitted in self.reader.values())

    def read(self, prompts: Sequence[str]) -> list[Reading]:
        """One reading per prompt; a prompt repeated (an evaluation cycles its prompts) is read once."""
        unique = list(dict.fromkeys(prompts))
        plain = [without_detail_colours(prompt, self._colour_words) for prompt in unique]  # wording.py
        worded = plain
        if self.lexicon is not None:  # a word of one English that WordNet lacks, said with its definition
            worded = [self.lexicon.glossed(text) for text in plain]
        # what the user named word for word, not what a definition beside a word names
        known = [self.literal(text) for text in plain]
        conflicts = [self.conflicting(text) if self.calibrated else set() for text in plain]
        # two values named in a column: the reader weighs them, and says how sure it is
        known = [{c: v for c, v in found.items() if c not in torn} for found, torn in zip(known, conflicts)]
        readings = {prompt: Reading(prompt, prompt, {}) for prompt in unique}
        unresolved = [i for i, found in enumerate(known) if len(found) < len(self.columns)]
        if unresolved:
            texts = [worded[i] for i in unresolved]
            vectors = self.encoder.encode(texts).numpy()
            if self.calibrated:
                named = [self._summed(text) for text in texts]
                for i, columns, strengths in zip(unresolved, self.column_scores(vectors, texts, named), named):
                    # said: named at full strength, by a word's own sense ("black" is also a man, weakly)
                    said = {c for c, by in strengths.items() if max(by.values()) >= LEXICON_WEIGHT}
                    readings[unique[i]] = self._column_reading(unique[i], columns, known[i],
                                                               tuple(sorted(conflicts[i])), said)
            else:
                for i, row in zip(unresolved, self.scores(vectors, texts)):
                    look = self._best(row, known[i])
                    inferred = {c: v for c, v in zip(self.columns, look) if c not in known[i]}
                    readings[unique[i]] = Reading(unique[i], self._look_text(look), inferred)
        return [self._with_details(readings[prompt]) for prompt in prompts]

    def details(self, prompt: str) -> list[str]:
        """The prompt's words that name no column's value ("striped", "denim", "leather" in "striped
        denim shirt for men"): no look says them, so a reading in the catalogue's words would drop
        them; G learnt them from the catalogue's own names, so they go to it with the reading."""
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = re.findall(r"[a-z][a-z'-]*", prompt.lower())
        return [w for w in dict.fromkeys(words) if w not in ENGLISH_STOP_WORDS and len(w) > 2 and not is_age_word(w)
                and _singular(w) not in self._value_words and not any(s for _, s in self._named(w))]

    @cached_property
    def _value_words(self) -> set[str]:
        return {_singular(word) for values in self.values.values() for value in values
                for word in re.findall(r"[a-z][a-z'-]*", value.lower())}

    def _with_details(self, reading: Reading) -> Reading:
        details = self.details(reading.prompt) if reading.inferred else []
        if not details:
            return reading
        return replace(reading, text=f"{' '.join(details)} {reading.text}")

    def column_scores(self, vectors: np.ndarray, prompts: Sequence[str],
                      named: list[dict] | None = None) -> list[dict[str, dict[str, float]]]:
        """Per prompt and column, each of the catalogue's values' log-probability: the calibrated
        reader's, plus what WordNet and the colour names say (`named`: `_summed`'s, if taken
        already), plus a small prior for common values, normalised over the column."""
        out = [{} for _ in prompts]
        named = named if named is not None else [self._summed(prompt) for prompt in prompts]
        for column in self.columns:
            fitted = self.reader.get(column)
            candidates = self.values[column]
            total = np.zeros((len(prompts), len(candidates)))
            if fitted is not None:
                log_p = _log_softmax((vectors @ np.asarray(fitted["weight"]).T + np.asarray(fitted["bias"]))
                                     / float(fitted["temperature"]))
                index = {v: k for k, v in enumerate(fitted["values"])}
                total += np.stack([log_p[:, index[v]] if v in index else np.full(len(prompts), -30.0)
                                   for v in candidates], axis=1)
            total += COLUMN_PRIOR * np.log1p(np.array([self.value_counts[column].get(v, 0) for v in candidates]))
            for row, strengths in zip(total, named):
                row += np.array([strengths.get(column, {}).get(v, 0.0) for v in candidates])
            normalised = _log_softmax(total)
            for entry, row in zip(out, normalised):
                entry[column] = dict(zip(candidates, row.tolist()))
        return out

    def _summed(self, prompt: str) -> dict[str, dict[str, float]]:
        """Per column, what WordNet and the colour names say of each value, summed."""
        summed: dict[str, dict[str, float]] = {}
        for column, strengths in (self._named(prompt) if prompt else ()):
            for value, strength in strengths.items():
                summed.setdefault(column, {})[value] = summed.get(column, {}).get(value, 0.0) + strength
        return summed

    @cached_property
    def value_counts(self) -> dict[str, Counter]:
        counts = {column: Counter() for column in self.columns}
        for look, count in zip(self.looks, np.exp(self.log_counts)):
            for column, value in zip(self.columns, look):
                counts[column][value] += int(round(count))
        return counts

    @cached_property
    def _gender_given_article(self) -> dict[str, dict[str, float]]:
        if not set(LOOK_COLUMNS[1:]) <= set(self.columns):
            return {}
        article, gender = (self.columns.index(c) for c in LOOK_COLUMNS[1:])
        return gender_given_article(self.looks, np.exp(self.log_counts), article, gender, self.values[LOOK_COLUMNS[2]])

    def _colour_words(self, text: str) -> list[str]:
        """The colour words of a text: the catalogue's colour values and the colour dictionaries' names."""
        named = [v for v in self.values.get(LOOK_COLUMNS[0], ()) if _mentions(text, v)]
        return named + (self.colour_names.names(text) if self.colour_names is not None else [])

    def _column_reading(self, prompt: str, columns: dict[str, dict[str, float]], known: dict[str, str],
                        contradicted: tuple[str, ...] = (), said: set[str] = frozenset()) -> Reading:
        """`said`: the columns the words name in other words (WordNet, the colour names) outright."""
        columns = implied_gender(columns, known, self._gender_given_article, IMPLIED_GENDER, said)  # see wording.py
        columns = {c: _tempered(scores, CONFIDENCE_TEMPERATURE.get(c, 1.0)) for c, scores in columns.items()}
        chosen = {c: known.get(c) or max(columns[c], key=columns[c].get) for c in self.columns}
        confidence = {c: float(np.exp(columns[c][chosen[c]])) for c in self.columns if c not in known}
        # the next likeliest readings: the best combinations of each column's top three
        tops = [[known[c]] if c in known else sorted(columns[c], key=columns[c].get, reverse=True)[:3]
                for c in self.columns]
        combos = sorted(((sum(columns[c][v] for c, v in zip(self.columns, combo) if c not in known), combo)
                         for combo in _product(tops)), reverse=True)
        others = tuple(self._look_text(combo) for _, combo in combos if list(combo) != [chosen[c] for c in self.columns])
        look = tuple(chosen[c] for c in self.columns)
        return Reading(prompt, self._look_text(look), {c: chosen[c] for c in self.columns if c not in known},
                       confidence, others[:2], contradicted)

    def explain(self, prompt: str) -> dict[str, list[tuple[str, float]]]:
        """Per column read, the prompt's words that led to its value, most first: how much the
        value's log-probability falls when the word is left out (words that add nothing left out)."""
        reading = self.read([prompt])[0]
        words = prompt.split()
        if not reading.inferred or not self.calibrated or len(words) < 2:
            return {}
        variants = [" ".join(words[:k] + words[k + 1:]) for k in range(len(words))]
        scores = self.column_scores(self.encoder.encode([prompt, *variants]).numpy(), [prompt, *variants])
        out = {}
        for column, value in reading.inferred.items():
            base = scores[0][column][value]
            drops = [(word, base - scored[column][value]) for word, scored in zip(words, scores[1:])]
            out[column] = [(word, round(float(drop), 2)) for word, drop in sorted(drops, key=lambda d: -d[1])
                           if drop > 0.05][:3]
        return out

    def scores(self, vectors: np.ndarray, prompts: Sequence[str] = ()) -> np.ndarray:
        """(prompts, looks): how well each look reads each prompt embedding (and, given the
        prompts' words, the values WordNet says they name)."""
        cosine = vectors @ self.embeddings.T
        if not self.reader:
            total = cosine + PRIOR_WEIGHT * self.log_counts
            return total + self.named(prompts) / READER_COSINE
        total = READER_COSINE * cosine + READER_PRIOR * self.log_counts
        for weight, bias, picked in self._read_columns:
            log_p = _log_softmax(vectors @ weight + bias)
            # a look value the reader never saw scores as a very unlikely one
            total += np.where(picked >= 0, log_p[:, np.maximum(picked, 0)], -30.0)
        return total + self.named(prompts)

    def named(self, prompts: Sequence[str]) -> np.ndarray | float:
        """(prompts, looks): the summed strengths of each look's values that a prompt names in
        WordNet and, for colours, in the colour dictionaries, in log-probability units; 0 without
        either or without prompts."""
        if not prompts or (self.lexicon is None and self.colour_names is None):
            return 0.0
        out = np.zeros((len(prompts), len(self.looks)))
        for row, prompt in zip(out, prompts):
            for column, strengths in self._named(prompt):
                row += np.array([strengths.get(v, 0.0) for v in self.values[column]])[self._value_at[column]]
        return out

    def _named(self, prompt: str):
        """(column, {value: strength in log-probability units}) from each source that names any."""
        if self.lexicon is not None:
            for column, strengths in self.lexicon.named(prompt).items():
                yield column, {v: LEXICON_WEIGHT * s for v, s in strengths.items()}
        if self.colour_names is not None:
            yield LOOK_COLUMNS[0], {v: COLOUR_WEIGHT * s for v, s in self.colour_names.named(prompt).items()}
        if LOOK_COLUMNS[2] in self.values:  # kin and a child's age: who wears it (wording.py)
            worn_by = wearer(prompt, self.values[LOOK_COLUMNS[2]])
            yield LOOK_COLUMNS[2], {v: LEXICON_WEIGHT * s for v, s in worn_by.items()}

    def _best(self, scores: np.ndarray, known: dict[str, str]) -> tuple[str, ...]:
        allowed = np.ones(len(self.looks), dtype=bool)
        for column, value in known.items():
            allowed &= self._table[:, self.columns.index(column)] == value
        if not allowed.any():  # a combination the catalogue never had: keep the literal values anyway
            allowed[:] = True
        look = self.looks[int(np.where(allowed, scores, -np.inf).argmax())]
        return tuple(known.get(c, v) for c, v in zip(self.columns, look))
