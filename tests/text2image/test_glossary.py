"""Words of one English read through their definitions (breame's tables), and what the lexicon and
the reading make of them with the real WordNet."""
import pytest

from couturier.text2image.encoders import build_text_encoder
from couturier.text2image.glossary import definitions, naming_parts
from couturier.text2image.grounding import PromptGrounder, catalogue_looks
from couturier.text2image.lexicon import Lexicon, load_wordnet

wordnet = load_wordnet()
needs_wordnet = pytest.mark.skipif(wordnet is None, reason="WordNet absent: scripts/setup.sh installs wordnet-base")
VALUES = {"baseColour": ["White", "Black", "Navy Blue"],
          "articleType": ["Casual Shoes", "Sports Shoes", "Belts", "Trousers", "Handbags", "Tshirts"],
          "gender": ["Men", "Women"]}


def test_a_definition_is_cut_where_it_stops_naming_and_starts_describing():
    assert naming_parts("a bag worn on a strap around the waist (US: fanny pack)") == ["a bag", "fanny pack"]
    assert naming_parts("type of lightweight hooded waterproof clothing") == ["lightweight hooded waterproof clothing"]
    assert naming_parts("athletic shoes with studded soles; used for football") == ["athletic shoes"]


def test_the_glossary_holds_terms_of_one_english_only():
    glossary = definitions()
    assert any("shoe" in text for text in glossary["trainers"])  # British
    assert any("bag" in text for text in glossary["fanny pack"])  # American
    assert "shade" not in glossary  # an everyday word whose meanings merely differ: WordNet has it


@needs_wordnet
def test_a_word_wordnet_lacks_names_what_its_definition_names():
    lexicon = Lexicon(wordnet, VALUES)
    trainers = lexicon.named("white trainers")["articleType"]
    assert trainers["Casual Shoes"] == trainers["Sports Shoes"] > 0  # "training shoes, athletic shoes"
    assert "Belts" not in trainers and "Trousers" not in trainers
    # a colour word is no article: WordNet's "whites" are flannel trousers
    assert "Trousers" not in lexicon.named("white socks")["articleType"]
    assert lexicon.glossed("white trainers for her").startswith("white trainers (training shoes, athletic shoes")
    assert lexicon.glossed("a white shirt") == "a white shirt"  # WordNet's own words are left as they are


@needs_wordnet
def test_the_reading_hears_the_definition_where_the_encoder_knows_no_word():
    articles = ["Belts"] * 2 + ["Casual Shoes"] * 2 + ["Handbags"] * 2
    columns = {"baseColour": ["Black", "White"] * 3, "articleType": articles, "gender": ["Men"] * 6}
    names = [f"{colour} {article} for Men" for colour, article in zip(columns["baseColour"], [
        "Leather Belts", "Belts", "Athletic Shoes", "Athletic Shoes", "Handbags", "Handbags"])]
    encoder = build_text_encoder("tfidf").fit(names)  # knows "athletic shoes", never "trainers"
    looks = catalogue_looks(columns)
    [reading] = PromptGrounder(looks, encoder).read(["black trainers"])
    assert reading.text == "Black Casual Shoes for Men"
    [blind] = PromptGrounder(looks, encoder, use_wordnet=False).read(["black trainers"])
    assert blind.text != reading.text or blind.inferred != reading.inferred


def test_a_sentence_showing_the_word_in_use_is_no_part_of_its_definition():
    parts = naming_parts("(informal) man, fellow. e.g. Terry is a top bloke. Also common in Australia.")
    assert "man, fellow" in parts and not any("top" in part for part in parts)
    assert naming_parts("footwear, e.g. sandals") == ["footwear, sandals"]  # kinds listed inside a clause stay
