"""WordNet as a lexicon: the WNDB reader on a small hand-made folder, then the real WordNet
(Debian's wordnet-base, which scripts/setup.sh installs) reading words no catalogue column uses."""
import pytest

from couturier.text2image.encoders import build_text_encoder
from couturier.text2image.grounding import PromptGrounder, catalogue_looks
from couturier.text2image.lexicon import Lexicon, WordNet, load_wordnet, squash

# wndb(5): offset lexfile type word-count (word lex-id)... pointer-count (symbol offset pos source/target)... | gloss
WNDB_FILES = {
    "index.noun": ["  1 licence lines start with a space", "dress n 1 1 @ 1 0 00000002",
                   "frock n 1 1 @ 1 0 00000002", "garment n 1 1 ~ 1 0 00000001"],
    "data.noun": ["  1 licence lines start with a space",
                  "00000001 06 n 01 garment 0 000 | an article of clothing",
                  "00000002 06 n 02 dress 0 frock 0 001 @ 00000001 n 0000 | a one-piece garment"],
    "noun.exc": [],
    "index.adj": ["red a 1 0 1 0 00000010", "crimson a 1 1 & 1 0 00000011"],
    "data.adj": ["00000010 00 a 01 red 0 001 & 00000011 s 0000 | of the colour of blood",
                 "00000011 00 s 01 crimson(a) 0 001 & 00000010 a 0000 | a deep red"],
    "adj.exc": ["redder red"],
}


@pytest.fixture
def tiny_wordnet(tmp_path):
    for name, lines in WNDB_FILES.items():
        (tmp_path / name).write_text("".join(f"{line}\n" for line in lines), encoding="latin-1")
    return WordNet(tmp_path)


def test_the_reader_finds_lemmas_synonyms_hypernyms_and_an_adjectives_head(tiny_wordnet):
    assert tiny_wordnet.lemmas("Dresses") == ["dress"]  # the plural rule
    assert tiny_wordnet.lemmas("redder") == ["red"]  # the exception list
    assert tiny_wordnet.related("frocks", frozenset({6})) == {"dress": 0, "frock": 0, "garment": 1}
    assert tiny_wordnet.related("frock", frozenset({7})) == {}  # not a sense in that lexicographer file
    assert tiny_wordnet.related("crimson", frozenset({0})) == {"crimson": 0, "red": 1}  # satellite -> head
    assert tiny_wordnet.related("red", frozenset({0})) == {"red": 0}  # a head does not spread to its satellites
    assert squash("T-shirt") == squash("tshirt") == "tshirt"


def test_the_lexicon_names_values_more_strongly_the_more_directly_they_are_named(tiny_wordnet):
    lexicon = Lexicon(tiny_wordnet, {"articleType": ["Dresses", "Garments"], "baseColour": ["Red"]})
    named = lexicon.named("a crimson frock")
    assert named["baseColour"] == {"Red": 0.5}  # one step: crimson -> red
    assert named["articleType"]["Dresses"] == 1.0  # a synonym
    assert 0 < named["articleType"]["Garments"] < 1.0  # a hypernym names it too, less strongly


# "cap" and "jacket" share a dental sense (a crown fitted over a tooth) besides their worn ones
WORN_FILES = {
    "index.noun": ["cap n 2 1 @ 2 0 00000003 00000005", "jacket n 2 1 @ 2 0 00000004 00000005",
                   "clothing n 1 0 1 0 00000001", "crown n 1 1 @ 1 0 00000005"],
    "data.noun": ["00000001 06 n 01 clothing 0 000 | worn things",
                  "00000002 06 n 01 dental_appliance 0 000 | fitted to teeth",
                  "00000003 06 n 01 cap 0 001 @ 00000001 n 0000 | a soft headdress",
                  "00000004 06 n 01 jacket 0 001 @ 00000001 n 0000 | a short coat",
                  "00000005 06 n 03 crown 0 jacket 0 cap 0 001 @ 00000002 n 0000 | a crown on a tooth"],
    "noun.exc": [], "index.adj": [], "data.adj": [], "adj.exc": [],
}


def test_articles_are_read_in_their_worn_senses_only(tmp_path):
    for name, lines in WORN_FILES.items():
        (tmp_path / name).write_text("".join(f"{line}\n" for line in lines), encoding="latin-1")
    lexicon = Lexicon(WordNet(tmp_path), {"articleType": ["Caps", "Jackets"]})
    assert "jacket" not in lexicon.value_words["articleType"]["Caps"]  # the dental crown sense is left out
    jacket, cap = lexicon.named("a denim jacket")["articleType"], lexicon.named("a cap")["articleType"]
    assert jacket["Jackets"] == 1.0 and jacket["Caps"] < 0.5  # only through their common hypernym, clothing
    assert cap["Caps"] == 1.0 and cap["Jackets"] < 0.5
    assert lexicon.wordnet.related("crown", frozenset({6}), domain=True) == {"crown": 0, "jacket": 0, "cap": 0,
                                                                          "dentalappliance": 1}  # no worn sense: kept


wordnet = load_wordnet()
needs_wordnet = pytest.mark.skipif(wordnet is None, reason="WordNet absent: scripts/setup.sh installs wordnet-base")
VALUES = {"baseColour": ["Red", "Blue", "Navy Blue", "Black", "White", "Green", "Brown", "Grey"],
          "articleType": ["Dresses", "Handbags", "Wallets", "Backpacks", "Casual Shoes", "Formal Shoes",
                          "Tshirts", "Shirts", "Trousers", "Watches"],
          "gender": ["Men", "Women", "Boys", "Girls"]}


def strongest(named: dict) -> dict:
    return {column: max(values, key=values.get) for column, values in named.items() if values}


@needs_wordnet
def test_wordnet_reads_words_no_column_uses():
    lexicon = Lexicon(wordnet, VALUES)
    assert strongest(lexicon.named("a scarlet gown for a gentleman")) == {
        "baseColour": "Red", "articleType": "Dresses", "gender": "Men"}
    assert strongest(lexicon.named("a knapsack")) == {"articleType": "Backpacks"}
    # a word pair WordNet knows is one name: "tee shirt" is a T-shirt, not a shirt
    assert strongest(lexicon.named("tee shirt"))["articleType"] == "Tshirts"
    # a column's senses only: "navy" is a colour to the colour column, and its fleet names nothing
    assert strongest(lexicon.named("navy")) == {"baseColour": "Navy Blue"}
    brogans = lexicon.named("brogans")["articleType"]  # a shoe: both shoe values, half as strongly
    assert brogans["Casual Shoes"] == brogans["Formal Shoes"] and "Shirts" not in brogans
    oxfords = lexicon.named("oxfords")["articleType"]  # the trade's oxfords are formal shoes (glossary.py)
    assert max(oxfords, key=oxfords.get) == "Formal Shoes" and "Shirts" not in oxfords


@needs_wordnet
def test_grounding_reads_a_prompt_through_wordnet_where_the_encoder_knows_none_of_its_words():
    columns = {"baseColour": ["Red", "Blue", "Red", "Blue"], "articleType": ["Dresses", "Dresses", "Shirts", "Shirts"],
               "gender": ["Women", "Women", "Men", "Men"]}
    encoder = build_text_encoder("tfidf").fit(["Red Dresses for Women", "Blue Shirts for Men"])
    looks = catalogue_looks(columns)
    [reading] = PromptGrounder(looks, encoder).read(["a crimson frock"])
    assert reading.text == "Red Dresses for Women"
    blind_reader = PromptGrounder(looks, encoder, use_wordnet=False, use_colour_names=False)
    [blind], [other] = blind_reader.read(["a crimson frock"]), blind_reader.read(["a cobalt shirt"])
    assert blind.inferred == other.inferred  # TF-IDF alone reads both alike: it knows none of their words


def test_a_damaged_wordnet_folder_is_a_one_line_error(tmp_path, monkeypatch):
    from couturier.errors import TextEncoderError

    (tmp_path / "data.noun").write_text("00000001 06 n zz garment\n", encoding="latin-1")
    monkeypatch.setenv("COUTURIER_WORDNET", str(tmp_path))
    with pytest.raises(TextEncoderError, match="damaged.*wordnet-base") as caught:
        load_wordnet()
    assert "\n" not in str(caught.value)


def test_a_chosen_wordnet_folder_without_wordnet_is_a_one_line_error(tmp_path, monkeypatch):
    from couturier.errors import TextEncoderError

    monkeypatch.setenv("COUTURIER_WORDNET", str(tmp_path / "nowhere"))
    with pytest.raises(TextEncoderError, match="holds no WordNet"):
        load_wordnet()


@needs_wordnet
def test_hyphenated_names_are_found_however_they_are_written():
    lexicon = Lexicon(wordnet, VALUES)  # WordNet files "t-shirt" with its hyphen
    for said in ("a black t-shirt", "a black t shirt", "a black T-Shirt"):
        assert strongest(lexicon.named(said))["articleType"] == "Tshirts", said


@needs_wordnet
def test_a_childs_age_does_not_make_the_child_a_grown_man():
    lexicon = Lexicon(wordnet, VALUES)  # WordNet's "old boy" is an alumnus
    assert strongest(lexicon.named("school shoes for a seven year old boy"))["gender"] == "Boys"
    assert strongest(lexicon.named("a party dress for a 5 yrs old girl"))["gender"] == "Girls"
    assert strongest(lexicon.named("a blazer for an old boy"))["gender"] == "Men"  # no age: the compound stands


@needs_wordnet
def test_what_a_garment_is_for_or_lacks_is_not_the_garment():
    lexicon = Lexicon(wordnet, VALUES)
    bag = lexicon.named("a brown bag")["articleType"]
    assert bag and lexicon.named("a brown bag for my shoes")["articleType"] == bag
    wallet = lexicon.named("a brown wallet")["articleType"]
    assert lexicon.named("a brown wallet without a watch")["articleType"] == wallet  # nor what it lacks
    assert strongest(lexicon.named("shoes for work"))["articleType"].endswith("Shoes")
    assert strongest(lexicon.named("something for shoes"))["articleType"].endswith("Shoes")  # nothing else worn
