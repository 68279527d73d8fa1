"""A prompt reader learnt from a catalogue's own language, widened by paraphrases made from it.

The run's texts are few (9k descriptions of one shop) and worded one way ("Navy Blue Shirts for
Men"); a designer writes "an inky oxford shirt for my husband". The reader is a multinomial
logistic regression per look column (colour, article type, gender) over the sentence encoder's
embedding, fitted on:

- the catalogue's product names with their values: every name a table has (a larger table than the
  photos, e.g. the 44k names of the whole catalogue, reads more ways of saying things: "tee",
  "flip flops", "kurti", brand and style words);
- paraphrases made programmatically from the catalogue's looks: each value said in other words
  (WordNet's synonyms and the names that lead to it, kept to clothing, footwear, bags, jewellery and
  the like, so that "ammunition" does not teach Belts; for colours, the colour dictionaries' names
  nearest in measured colour; for genders, WordNet's words for men, women, boys and girls and
  children given by age), in varied word orders and registers.

Each column's probabilities are calibrated by temperature (Guo et al. 2017) on paraphrases held
out of the fit, so a reading's confidence means what it says. Hand-written here: the paraphrase
making (no library makes catalogue paraphrases); the fitting is scikit-learn's.
"""
from __future__ import annotations

import random
from collections import defaultdict
from typing import Sequence

import numpy as np

from couturier.text2image.lexicon import DOMAIN_COLUMNS

COLUMNS = ("baseColour", "articleType", "gender")
CHILDREN = {"Boys": "boy", "Girls": "girl"}
TEMPLATES = ("{c} {a} for {g}", "a {c} {a} for {g}", "{g}'s {c} {a}", "{a} in {c} for {g}", "{c} {a}, {g}",
             "{g} {c} {a}", "looking for a {c} {a} for {g}", "{c} coloured {a} for {g}", "{a} for {g}, {c}",
             "a {a} for {g} in a {c} shade", "{c} {a}")
AGES = ("a {n} year old {w}", "a {n}-year-old {w}", "my {w}, aged {n}", "{w}s age {n}")
COLOUR_NAME_SPREAD = 20.0  # CIEDE2000 (kL = 2): a colour name teaches the value it is nearest to, if this near
PARAPHRASES_PER_LOOK = 12  # paraphrases made for a look seen once; more for commoner looks (square root)
CALIBRATION_SHARE = 0.1  # of the paraphrases, held out of the fit to set each column's temperature


def vocabulary(values: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    """Per column and value, the words that say it: the value's own name and, where WordNet is
    installed, the words it gives for it; colour names for colours."""
    words = {column: {value: [value.lower()] for value in names} for column, names in values.items()}
    from couturier.text2image.lexicon import Lexicon, load_wordnet

    wordnet = load_wordnet()
    if wordnet is not None:
        lexicon = Lexicon(wordnet, values)
        for column in ("articleType", "gender"):
            if column in values:
                for word, value in _wordnet_words(wordnet, lexicon, column).items():
                    words[column][value].append(word)
    if "baseColour" in values:
        for name, value in _colour_words(values["baseColour"]).items():
            words["baseColour"][value].append(name)
    return words


def _wordnet_words(wordnet, lexicon, column: str) -> dict[str, str]:
    """WordNet nouns that name exactly one of the column's values strongly (a synonym, or one step
    from it), garments and the like only for articles; word -> value."""
    found = {}
    keys = [k for k, s in wordnet.synsets.items() if k[0] == "n" and s.lexfile in lexicon.lexfiles[column]]
    for word in sorted({w for key in keys for w in wordnet.synsets[key].words}):
        senses = [key for key in wordnet.senses(word) if wordnet.synsets[key].lexfile in lexicon.lexfiles[column]]
        if column in DOMAIN_COLUMNS and not any(wordnet.worn(key) for key in senses):
            continue
        steps = wordnet.related(word, lexicon.lexfiles[column], domain=column in DOMAIN_COLUMNS)
        scored = sorted(((max(weight * 0.5 ** steps[w] for w, weight in named.items() if w in steps), value)
                         for value, named in lexicon.value_words[column].items() if steps.keys() & named.keys()),
                        reverse=True)
        if scored and scored[0][0] >= 0.5 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            found[word.replace("_", " ")] = scored[0][1]
    return found


def _colour_words(colours: list[str]) -> dict[str, str]:
    """The colour dictionaries' names, each to the catalogue colour nearest it in CIEDE2000."""
    from couturier.text2image.colours import ColourNames, colour_dictionary

    names = ColourNames(colours, COLOUR_NAME_SPREAD)
    found = {}
    for name in colour_dictionary():
        strengths = names.named(name)
        if strengths:
            value, strength = max(strengths.items(), key=lambda item: item[1])
            if strength >= np.exp(-1):
                found[name] = value
    return found


def paraphrases(looks: Sequence[tuple[str, str, str]], counts: Sequence[int], words: dict[str, dict[str, list[str]]],
                seed: int = 0) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Texts saying each look in other words (more for commoner looks), with the look they say."""
    rng = random.Random(seed)
    texts, labels = [], []
    for look, count in zip(looks, counts):
        colour, article, gender = look
        for _ in range(max(2, round(PARAPHRASES_PER_LOOK * count ** 0.5 / 4))):
            said = {"c": rng.choice(words["baseColour"][colour]), "a": rng.choice(words["articleType"][article]),
                    "g": _gender_words(gender, words, rng)}
            texts.append(rng.choice(TEMPLATES).format(**said))
            labels.append(look)
    return texts, labels


def _gender_words(gender: str, words: dict[str, dict[str, list[str]]], rng: random.Random) -> str:
    said = rng.choice(words["gender"][gender])
    if gender in CHILDREN and rng.random() < 0.3:  # children are often said by their age
        return rng.choice(AGES).format(n=rng.randint(1, 14), w=CHILDREN[gender])
    return said


def fit(embeddings: np.ndarray, labels: Sequence[tuple[str, ...]], calibration: np.ndarray,
        calibration_labels: Sequence[tuple[str, ...]], regularisation: float = 1.0) -> dict:
    """Per column, a multinomial logistic regression (scikit-learn) and its temperature, fitted on
    `embeddings` and calibrated on `calibration`: the reader's saved form (values, weight, bias,
    temperature), which `PromptGrounder` reads."""
    from scipy.optimize import minimize_scalar
    from sklearn.linear_model import LogisticRegression

    reader = {}
    for index, column in enumerate(COLUMNS):
        target = np.array([label[index] for label in labels], dtype=object)
        model = LogisticRegression(C=regularisation, max_iter=1000).fit(embeddings, target)
        weight, bias = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes: the first scores 0
            weight, bias = np.concatenate([np.zeros_like(weight), weight]), np.concatenate([[0.0], bias])
        logits = calibration @ weight.T + bias
        known = np.isin(np.array([label[index] for label in calibration_labels]), model.classes_)
        wanted = np.searchsorted(model.classes_, np.array([label[index] for label in calibration_labels])[known])

        def loss(temperature: float, logits=logits[known], wanted=wanted) -> float:
            scaled = logits / temperature
            scaled = scaled - scaled.max(axis=1, keepdims=True)
            return float(-(scaled[np.arange(len(wanted)), wanted] - np.log(np.exp(scaled).sum(axis=1))).mean())

        temperature = minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x if known.any() else 1.0
        reader[column] = {"values": [str(v) for v in model.classes_], "weight": np.round(weight, 4).tolist(),
                          "bias": np.round(bias, 4).tolist(), "temperature": round(float(temperature), 4)}
    return reader


def corpus(rows: Sequence[dict], looks: Sequence[tuple[str, str, str]], counts: Sequence[int],
           values: dict[str, list[str]], seed: int = 0) -> dict[str, tuple[list[str], list[tuple[str, ...]]]]:
    """{"fit": (texts, labels), "calibrate": (texts, labels)}: the table's product names (rows with a
    `productDisplayName` and the three values) and the looks' paraphrases, some held out."""
    names = [(row["productDisplayName"].strip(), tuple(row[c] for c in COLUMNS)) for row in rows
             if row.get("productDisplayName") and all(row.get(c) for c in COLUMNS)]
    texts, labels = paraphrases(looks, counts, vocabulary(values), seed)
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    held = set(order[:int(CALIBRATION_SHARE * len(order))])
    by_split = defaultdict(lambda: ([], []))
    for i, (text, label) in enumerate(zip(texts, labels)):
        split = by_split["calibrate" if i in held else "fit"]
        split[0].append(text)
        split[1].append(label)
    fit_texts, fit_labels = by_split["fit"]
    return {"fit": ([n for n, _ in names] + fit_texts, [label for _, label in names] + fit_labels),
            "calibrate": by_split["calibrate"]}


def fit_catalogue_reader(embeddings: np.ndarray, columns: dict[str, list[str]], looks: dict, encoder,
                         names: Sequence[dict] = (), seed: int = 0, log=None) -> dict | None:
    """The reader of a run: fitted on its own texts' `embeddings` (one row of `columns` each), the
    paraphrases of its catalogue `looks`, and any larger table of product `names` (rows with
    productDisplayName and the three values), all encoded by the run's `encoder`. None when the
    catalogue lacks one of the three columns or the encoder is too wide to keep a reader in meta."""
    from couturier.text2image.grounding import READER_MAX_DIM

    if any(c not in columns for c in COLUMNS) or embeddings.shape[1] > READER_MAX_DIM:
        return None
    values = {c: sorted({look[i] for look in looks["values"]}) for i, c in enumerate(COLUMNS)}
    made = corpus(names, [tuple(look) for look in looks["values"]], looks["counts"], values, seed)
    own = [tuple(row) for row in zip(*(columns[c] for c in COLUMNS))]
    keep = np.array([all(v and str(v).upper() != "NA" for v in row) for row in own], dtype=bool)
    fit_vectors = np.concatenate([embeddings[keep], encoder.encode(made["fit"][0]).numpy()])
    fit_labels = [row for row, kept in zip(own, keep) if kept] + list(made["fit"][1])
    if log is not None:
        log(f"prompt reader: {int(keep.sum())} own descriptions, {len(made['fit'][0])} names and paraphrases")
    if any(len({label[i] for label in fit_labels}) < 2 for i in range(len(COLUMNS))):
        return None
    return fit(fit_vectors, fit_labels, encoder.encode(made["calibrate"][0]).numpy(), made["calibrate"][1])
