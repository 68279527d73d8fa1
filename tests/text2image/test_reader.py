"""text2image/reader.py: the prompt reader learnt from a catalogue's names and paraphrases of its looks."""
import numpy as np

from couturier.text2image import reader
from couturier.text2image.grounding import PromptGrounder, catalogue_looks

LOOKS = [("Red", "Dresses", "Women"), ("Blue", "Shirts", "Men"), ("Black", "Casual Shoes", "Boys")]


def test_paraphrases_say_each_look_in_other_words_and_keep_its_values():
    words = {"baseColour": {"Red": ["red", "tomato"], "Blue": ["blue"], "Black": ["black"]},
             "articleType": {"Dresses": ["dresses", "gown"], "Shirts": ["shirts"], "Casual Shoes": ["casual shoes"]},
             "gender": {"Women": ["women", "ladies"], "Men": ["men"], "Boys": ["boys"]}}
    texts, labels = reader.paraphrases(LOOKS, [100, 4, 1], words, seed=1)
    again, _ = reader.paraphrases(LOOKS, [100, 4, 1], words, seed=1)
    assert texts == again and len(texts) == len(labels)
    assert labels.count(LOOKS[0]) > labels.count(LOOKS[1]) >= labels.count(LOOKS[2]) >= 2  # commoner looks, more
    for text, (colour, article, gender) in zip(texts, labels):
        assert any(w in text for w in words["baseColour"][colour]) and any(w in text for w in words["articleType"][article])
    assert any("year" in t or "aged" in t or "age " in t for t, l in zip(texts, labels) if l[2] == "Boys") or \
        labels.count(LOOKS[2]) < 4  # children said by their age, some of the time


def test_colour_names_teach_the_catalogue_colour_nearest_in_measured_colour():
    found = reader._colour_words(["Red", "Blue", "Navy Blue", "Green", "Yellow"])
    assert found["tomato"] == "Red" and found["navy"] == "Navy Blue" and found["lemon"] == "Yellow"


def test_the_fitted_reader_is_calibrated_and_reads_columns_on_their_own():
    """A logistic regression per column on separable embeddings: each value read with high,
    calibrated confidence; and a combination the looks never had is still read as asked."""
    rng = np.random.default_rng(0)
    centres = {v: rng.normal(size=16) for look in LOOKS for v in look}

    def embed(look):
        return sum(centres[v] for v in look) + 0.3 * rng.normal(size=16)

    from itertools import product

    mixed = list(product(*zip(*LOOKS)))  # the names and paraphrases mix the values every way
    labels = [mixed[i % len(mixed)] for i in range(540)]
    fitted = reader.fit(np.stack([embed(l) for l in labels]), labels,
                        np.stack([embed(l) for l in labels[:60]]), labels[:60])
    assert set(fitted) == set(reader.COLUMNS) and all(0.05 <= f["temperature"] <= 20 for f in fitted.values())

    class Encoder:
        def encode(self, texts):
            import torch
            wanted = {"a red shirt for men": ("Red", "Shirts", "Men")}
            return torch.tensor(np.stack([embed(wanted.get(t, LOOKS[0])) for t in texts]), dtype=torch.float32)

    columns = {c: [look[i] for look in LOOKS] for i, c in enumerate(reader.COLUMNS)}
    looks = {**catalogue_looks(columns), "reader": fitted}
    grounder = PromptGrounder(looks, Encoder(), use_wordnet=False, use_colour_names=False)
    assert grounder.calibrated
    reading = grounder.read(["a red shirt for men"])[0]  # "Red Shirts for Men" is none of the three looks
    assert reading.text == "Red Shirts for Men", reading
    assert min(reading.confidence.values()) > 0.5 and not reading.unsure and len(reading.alternatives) == 2
    # a prompt that names two colours is read, and the reading says it is contradicted
    torn = grounder.read(["a red black dress for women"])[0]
    assert torn.contradicted == ("baseColour",) and torn.unsure and "names two values of baseColour" in torn.describe()
    assert torn.inferred["baseColour"] in ("Red", "Black")


def test_a_gender_said_in_other_words_is_not_outweighed_by_the_one_the_article_implies(monkeypatch):
    """"trainers for a boy": the boy is said (through WordNet), so the catalogue's men's trainers
    imply nothing; "black shoes" says no gender, and the article's is weighed in."""
    from couturier.text2image import grounding
    from couturier.text2image.lexicon import load_wordnet

    if load_wordnet() is None:
        import pytest
        pytest.skip("WordNet absent: scripts/setup.sh installs wordnet-base")
    said_per_reading = []
    weigh = grounding.implied_gender

    def spy(columns, known, table, weight, said=()):
        said_per_reading.append(set(said))
        return weigh(columns, known, table, weight, said)

    monkeypatch.setattr(grounding, "implied_gender", spy)
    columns = {c: [look[i] for look in LOOKS] for i, c in enumerate(reader.COLUMNS)}
    fitted = {c: {"values": sorted(set(columns[c])), "weight": np.zeros((len(set(columns[c])), 4)).tolist(),
                  "bias": [0.0] * len(set(columns[c])), "temperature": 1.0} for c in reader.COLUMNS}

    class Encoder:
        def encode(self, texts):
            import torch
            return torch.zeros(len(texts), 4)

    grounder = PromptGrounder({**catalogue_looks(columns), "reader": fitted}, Encoder(), use_colour_names=False)
    grounder.read(["black shoes for a boy", "black shoes"])
    assert "gender" in said_per_reading[0] and "gender" not in said_per_reading[1]
