"""Colour words read by the colour they name (couturier.text2image.colours), and grounding that uses them.
The words are development words (tests/text2image/synonyms.py), never the benchmark's paraphrases."""
from couturier.text2image.colours import ColourNames, colour_dictionary, colour_things
from couturier.text2image.encoders import build_text_encoder
from couturier.text2image.grounding import COLOUR_SPREAD, PromptGrounder, catalogue_looks

VALUES = ["Black", "White", "Blue", "Navy Blue", "Red", "Maroon", "Green", "Olive", "Orange", "Brown",
          "Purple", "Grey", "Coffee Brown", "Multi"]


def nearest(names: ColourNames, prompt: str) -> str:
    strengths = names.named(prompt)
    return max(strengths, key=strengths.get)


def test_colour_names_name_the_catalogue_value_nearest_in_colour():
    names = ColourNames(VALUES, COLOUR_SPREAD)
    assert nearest(names, "a pumpkin hoodie") == "Orange"
    assert nearest(names, "a wine dress") == "Maroon"
    assert nearest(names, "army green cargo pants") == "Olive"
    # the textile lightness weight: a dark green is nearer green than black
    forest = names.named("forest green jacket")
    assert forest["Green"] > forest["Black"]
    assert names.named("a wine dress")["Maroon"] > names.named("a wine dress")["Blue"]


def test_a_value_takes_its_colour_from_its_name_or_its_last_word_and_others_are_never_named():
    names = ColourNames(VALUES, COLOUR_SPREAD)
    assert "Coffee Brown" in names.values and "Multi" not in names.values
    assert "Multi" not in names.named("a mocha shirt")


def test_longer_names_win_shades_alone_are_not_colours_and_other_columns_words_are_ignored():
    names = ColourNames(VALUES, COLOUR_SPREAD, ignored={"lipstick"})
    assert names.names("a sky blue dress") == ["sky blue"]
    assert names.names("a dark shirt for men") == []
    assert names.names("a dark blue shirt") == ["dark blue"]
    assert names.names("a lipstick") == []  # "lipstick" is a colour to xkcd and an article to the catalogue
    assert names.named("a shirt for men") == {}
    assert {"crimson", "teal", "navy"} <= set(colour_dictionary())


def test_grounding_reads_a_colour_only_a_colour_dictionary_knows():
    columns = {"baseColour": ["Orange", "Brown", "Orange", "Brown"],
               "articleType": ["Tshirts", "Tshirts", "Shirts", "Shirts"], "gender": ["Men"] * 4}
    encoder = build_text_encoder("tfidf").fit(["Orange Tshirts for Men", "Brown Shirts for Men"])
    looks = catalogue_looks(columns)
    [reading] = PromptGrounder(looks, encoder, use_wordnet=False).read(["a pumpkin tshirt for men"])
    assert reading.inferred["baseColour"] == "Orange"
    blind_reader = PromptGrounder(looks, encoder, use_wordnet=False, use_colour_names=False)
    [blind], [other] = blind_reader.read(["a pumpkin shirt"]), blind_reader.read(["a walnut shirt"])
    assert blind.inferred == other.inferred  # without the dictionaries neither colour word is known...
    assert blind.text.startswith("pumpkin ") and other.text.startswith("walnut ")  # ...so both go to G as written


def test_a_thing_said_as_a_colour_names_its_colour():
    """Things the colour dictionaries lack (colour_things.tsv) are colours where the words say so."""
    names = ColourNames(VALUES, COLOUR_SPREAD)
    assert nearest(names, "a belt the colour of a conker") == "Brown"
    assert nearest(names, "a coat as dark as coal") == "Black"
    assert nearest(names, "ink-coloured jeans") == "Navy Blue"
    assert nearest(names, "a parka in a fatigues shade") == "Olive"
    assert names.named("a belt for the conker season") == {}  # a conker, not a colour


def test_every_thing_names_a_colour_the_dictionaries_hold():
    assert colour_things() and all(colour in colour_dictionary() for colour in colour_things().values())


def test_finishes_and_shorthand_are_colours_wherever_they_are_written():
    names = ColourNames(VALUES, COLOUR_SPREAD)
    assert nearest(names, "blk tee mens") == "Black" and nearest(names, "nvy polo") == "Navy Blue"
    assert nearest(names, "a pewter watch") == "Grey" and nearest(names, "an onyx ring") == "Black"
