"""Prompt grounding: prompts in words the catalogue never used are read as the look they name."""
import csv
from pathlib import Path

import numpy as np
import pytest
from synonyms import development_prompts

from couturier.text2image.encoders import build_text_encoder
from couturier.text2image.grounding import LOOK_COLUMNS, PromptGrounder, catalogue_looks

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products"
COLUMNS = {"baseColour": ["Red", "Red", "Navy Blue", "Blue", "Red", "NA"],
           "articleType": ["Dresses", "Dresses", "Shirts", "Shirts", "Tshirts", "Dresses"],
           "gender": ["Women", "Women", "Men", "Men", "Men", "Women"],
           "usage": ["Casual"] * 6}


def test_looks_are_counted_most_common_first_without_missing_values():
    looks = catalogue_looks(COLUMNS)
    assert looks["columns"] == list(LOOK_COLUMNS)
    assert looks["values"][0] == ["Red", "Dresses", "Women"] and looks["counts"][0] == 2
    assert sum(looks["counts"]) == 5  # the row with colour NA is no look
    assert catalogue_looks({"usage": ["Casual"]}) is None


def test_prompts_naming_every_value_go_as_written_and_the_longest_value_wins():
    grounder = PromptGrounder(catalogue_looks(COLUMNS), build_text_encoder("tfidf").fit(["red dress", "blue shirt"]))
    assert grounder.literal("navy blue shirts for men") == {"baseColour": "Navy Blue", "articleType": "Shirts",
                                                            "gender": "Men"}
    assert grounder.literal("bluebell dress") == {}  # whole words only
    assert "articleType" not in grounder.literal("a red garment bag for shirts")  # what it is for, not what it is
    [reading] = grounder.read(["Navy Blue Shirts for Men, with a pocket"])
    assert reading.text == "Navy Blue Shirts for Men, with a pocket" and reading.inferred == {}
    [reading] = grounder.read(["a red garment"])  # the literal colour is kept; the rest is the likeliest look
    assert reading.inferred == {"articleType": "Dresses", "gender": "Women"}
    assert reading.text == "Red Dresses for Women" and "read as 'Red Dresses for Women'" in reading.describe()


def test_two_values_of_one_length_are_read_the_same_in_every_process():
    """"a rose gold watch" names Rose and Gold: which one a reading keeps must not follow the hash
    seed that orders a Python set (it did: the same prompt read two ways in two processes)."""
    import os
    import subprocess
    import sys

    program = ("from couturier.text2image.grounding import PromptGrounder, catalogue_looks\n"
               "looks = catalogue_looks({'baseColour': ['Rose', 'Gold', 'Blue', 'Pink', 'Teal', 'Grey'],\n"
               "    'articleType': ['Watches'] * 6, 'gender': ['Women'] * 6})\n"
               "print(PromptGrounder(looks, None, use_wordnet=False).literal('a rose gold teal grey watch'))")
    said = {subprocess.run([sys.executable, "-c", program], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True).stdout for seed in range(5)}
    assert len(said) == 1, said


def test_a_columns_confidence_is_read_softer_and_keeps_its_choice():
    """The summed reader, WordNet and colour-name scores were surer than they were right: they are
    read at a temperature above 1, which keeps the likeliest value and lowers how sure it is."""
    from couturier.text2image.grounding import CONFIDENCE_TEMPERATURE, _tempered

    scores = {"Red": -0.05, "Maroon": -3.2, "Pink": -4.0}
    for column, temperature in CONFIDENCE_TEMPERATURE.items():
        softer = _tempered(scores, temperature)
        assert temperature > 1 and max(softer, key=softer.get) == "Red"
        assert 0.5 < np.exp(softer["Red"]) < np.exp(scores["Red"])
        assert abs(sum(np.exp(v) for v in softer.values()) - 1) < 1e-9


def test_a_literal_combination_the_catalogue_never_had_is_kept():
    grounder = PromptGrounder(catalogue_looks(COLUMNS), build_text_encoder("tfidf").fit(["red dress", "blue shirt"]))
    [reading] = grounder.read(["blue dresses"])
    assert reading.text.startswith("Blue Dresses for ")


def test_words_no_look_says_go_to_g_with_the_reading():
    """A pattern or a material names no colour, article or gender: the reading keeps it for G."""
    grounder = PromptGrounder(catalogue_looks(COLUMNS), build_text_encoder("tfidf").fit(["red dress", "blue shirt"]),
                              use_wordnet=False)
    assert grounder.details("a striped red dress, for a party") == ["striped", "party"]
    # an age says who wears it, not what G draws
    assert grounder.details("a striped dress for a seven year old, aged 7") == ["striped"]
    assert grounder.details("a pleated dress for a seventeen-year-old") == ["pleated"]
    [reading] = grounder.read(["a striped red dress"])
    assert reading.inferred["gender"] == "Women" and reading.text == "striped Red Dresses for Women"
    [reading] = grounder.read(["a red dress"])
    assert reading.text == "Red Dresses for Women"


@pytest.mark.skipif(not (SHARED / "styles.csv").is_file(), reason="../shared catalogue absent")
def test_synonyms_are_read_as_the_catalogue_look_they_name():
    with (SHARED / "styles.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    looks = catalogue_looks({c: [r[c] for r in rows] for c in LOOK_COLUMNS})
    grounder = PromptGrounder(looks, build_text_encoder("sentence"))
    prompts = development_prompts(looks, 120)
    readings = grounder.read([p for p, _ in prompts])
    right = [tuple(grounder.literal(r.text).get(c) for c in LOOK_COLUMNS) == want
             for r, (_, want) in zip(readings, prompts)]
    most_common = tuple(looks["values"][0])
    by_prior = [want == most_common for _, want in prompts]
    # the look is right for about a third; the commonest look alone for almost none
    assert sum(right) / len(right) > 0.25 > 4 * sum(by_prior) / len(by_prior)
    assert grounder.read(["Black Watches for Men"])[0].inferred == {}


def test_a_reader_fitted_on_product_names_learns_the_catalogues_other_words():
    """The columns say Tshirts and Handbags; the product names say "tee" and "tote". The reader,
    fitted on the names, reads "a tee" as Tshirts, which the look descriptions alone cannot."""
    names = ["Nike Men Red Tee", "Puma Women Red Tote", "Adidas Men Blue Tee", "Lavie Women Blue Tote"] * 5
    columns = {"baseColour": ["Red", "Red", "Blue", "Blue"] * 5,
               "articleType": ["Tshirts", "Handbags", "Tshirts", "Handbags"] * 5,
               "gender": ["Men", "Women", "Men", "Women"] * 5}
    encoder = build_text_encoder("tfidf").fit(names)
    looks = catalogue_looks(columns, encoder.encode(names).numpy())
    assert set(looks["reader"]) == set(LOOK_COLUMNS)
    assert looks["reader"]["gender"]["values"] == ["Men", "Women"]  # two values: two rows of weights
    assert len(looks["reader"]["gender"]["weight"]) == 2
    with_reader = PromptGrounder(looks, encoder).read(["a plain tee", "a roomy tote"])
    assert [r.inferred["articleType"] for r in with_reader] == ["Tshirts", "Handbags"]
    without = PromptGrounder({k: v for k, v in looks.items() if k != "reader"}, encoder)
    assert without.reader is None and len(without.read(["a plain tee"])[0].inferred) == 3
