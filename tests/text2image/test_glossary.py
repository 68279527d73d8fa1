"""Words of one English read through their definitions (breame's tables), the fashion trade's own
words through their meaning in shop words (fashion_terms.tsv), and what the lexicon and the
reading make of them with the real WordNet."""
import pytest

from couturier.errors import TextEncoderError

from couturier.text2image.encoders import build_text_encoder
from couturier.text2image.glossary import definitions, naming_parts, trade_terms
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
    assert any("hat" in text for text in glossary["bowler"])  # British
    assert any("garment" in text for text in glossary["coveralls"])  # American
    assert "shade" not in glossary  # an everyday word whose meanings merely differ: WordNet has it


@needs_wordnet
def test_a_word_wordnet_lacks_names_what_its_definition_names():
    lexicon = Lexicon(wordnet, VALUES)
    kecks = lexicon.named("black kecks")["articleType"]
    assert kecks == {"Trousers": 0.5}  # "trousers or underpants": one step weaker than "trousers"
    # a colour word is no article: WordNet's "whites" are flannel trousers
    assert "Trousers" not in lexicon.named("white socks")["articleType"]
    assert lexicon.glossed("black kecks for him") == "black kecks (trousers or underpants) for him"
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


def test_the_trade_terms_are_said_in_shop_words():
    terms = trade_terms()
    assert terms["trackies"] == "track pants" and terms["hi-tops"].endswith("casual shoes")
    assert definitions()["trainers"] == (terms["trainers"],)  # the trade's meaning, not breame's, is read


@needs_wordnet
def test_a_trade_term_names_the_value_its_meaning_names_even_where_wordnet_has_an_older_sense():
    lexicon = Lexicon(wordnet, {**VALUES, "articleType": VALUES["articleType"] + ["Track Pants", "Briefs"]})
    trackies = lexicon.named("navy trackies")["articleType"]
    assert max(trackies, key=trackies.get) == "Track Pants" and trackies["Track Pants"] == 1.0
    knickers = lexicon.named("pink knickers")["articleType"]  # WordNet's first: knickerbockers, trousers
    assert max(knickers, key=knickers.get) == "Briefs"
    kicks = lexicon.named("white kicks")["articleType"]  # WordNet's: a blow with the foot
    assert kicks["Casual Shoes"] > kicks["Sports Shoes"]
    assert lexicon.glossed("navy trackies for him") == "navy trackies (track pants) for him"


@needs_wordnet
def test_a_trade_term_before_a_garment_word_describes_that_garment():
    lexicon = Lexicon(wordnet, VALUES)
    assert lexicon.glossed("a puffer jacket") == "a puffer jacket"  # a jacket, not "a puffer (jacket) jacket"
    assert lexicon.glossed("a black puffer") == "a black puffer (jacket)"
    assert lexicon.named("a polo shirt")["articleType"]["Tshirts"] == 1.0  # the trade's polo is a t-shirt
    assert lexicon.glossed("socks for my trainers") == "socks for my trainers"  # what the socks are for
    assert lexicon.glossed("trainers for my son").startswith("trainers (sports shoes")
    # a catalogue's own names: the garment comes last ("U.S. Polo Assn." is a brand, the shirt a shirt)
    shirts = Lexicon(wordnet, {**VALUES, "articleType": VALUES["articleType"] + ["Shirts"]})
    polo = shirts.named("U.S. Polo Assn. Men Navy Blue Shirt")["articleType"]
    assert polo["Shirts"] == 1.0 and polo.get("Tshirts", 0.0) < 1.0
    assert lexicon.glossed("U.S. Polo Assn. Men Navy Blue Shirt") == "U.S. Polo Assn. Men Navy Blue Shirt"
    assert lexicon.glossed("denim cut-offs").startswith("denim cut-offs (shorts")  # a material before it


@needs_wordnet
def test_a_definition_beside_a_word_is_not_read_as_the_users_own_words():
    """"kicks (sneakers, casual shoes)" holds a value word for word; the reading still weighs it, so it
    reads a look with a confidence rather than taking the definition as the user's literal words."""
    articles = ["Casual Shoes", "Sports Shoes", "Belts"] * 2
    columns = {"baseColour": ["White"] * 6, "articleType": articles, "gender": ["Men", "Women"] * 3}
    encoder = build_text_encoder("tfidf").fit([f"White {a} for Men" for a in articles])
    [reading] = PromptGrounder(catalogue_looks(columns), encoder).read(["white kicks for men"])
    assert reading.text == "White Casual Shoes for Men"


@needs_wordnet
def test_a_brand_adds_its_own_words(tmp_path, monkeypatch):
    own = tmp_path / "house.tsv"
    own.write_text("# our names\naria\twrap dress\n", encoding="utf-8")
    monkeypatch.setenv("COUTURIER_TRADE_TERMS", str(own))
    assert trade_terms()["aria"] == "wrap dress" and "trackies" in trade_terms()  # added to the built-in terms
    lexicon = Lexicon(wordnet, {**VALUES, "articleType": VALUES["articleType"] + ["Dresses"]})
    assert lexicon.glossed("a red aria") == "a red aria (wrap dress)"


def test_a_trade_table_that_is_not_term_tab_meaning_is_a_one_line_error(tmp_path, monkeypatch):
    bad = tmp_path / "bad.tsv"
    bad.write_text("aria wrap dress\n", encoding="utf-8")
    monkeypatch.setenv("COUTURIER_TRADE_TERMS", str(bad))
    with pytest.raises(TextEncoderError, match="line 1 is not term<TAB>meaning"):
        trade_terms()
    monkeypatch.setenv("COUTURIER_TRADE_TERMS", str(tmp_path / "missing.tsv"))
    with pytest.raises(TextEncoderError, match="cannot be read"):
        trade_terms()
