"""text2image/wording.py: what a prompt's words say together (a detail's colour, an implied gender)."""
import math

from couturier.text2image.encoders import build_text_encoder
from couturier.text2image.grounding import PromptGrounder, catalogue_looks
from couturier.text2image.wording import (gender_given_article, implied_gender, is_age_word, names_the_garment, asides,
                                         wearer, without_detail_colours)

COLOURS = {"navy", "white", "gold", "green"}


def _colours(text: str) -> list[str]:
    return [w for w in text.lower().replace(",", " ").split() if w in COLOURS]


def test_a_details_colour_is_left_out_when_the_garment_names_its_own():
    assert without_detail_colours("a navy shirt with tiny white dots", _colours) == "a navy shirt with tiny dots"
    assert without_detail_colours("green kurta with gold embroidery", _colours) == "green kurta with embroidery"
    # no colour of its own: the detail's colour may be all the prompt says
    assert without_detail_colours("a shirt with white dots", _colours) == "a shirt with white dots"
    assert without_detail_colours("a white shirt for him", _colours) == "a white shirt for him"


def test_the_grounder_reads_the_garments_colour_not_its_dots():
    columns = {"baseColour": ["White", "White", "Navy Blue", "Navy Blue"],
               "articleType": ["Shirts"] * 4, "gender": ["Men"] * 4}
    grounder = PromptGrounder(catalogue_looks(columns), build_text_encoder("tfidf").fit(["white shirt", "navy shirt"]),
                              use_wordnet=False)
    [reading] = grounder.read(["a navy shirt with tiny white dots"])
    assert grounder.literal(reading.text)["baseColour"] == "Navy Blue"


def test_an_unsaid_gender_is_the_one_the_article_implies_and_a_said_one_stands():
    looks = [("Red", "Heels", "Women")] * 9 + [("Red", "Heels", "Men"), ("Red", "Shirts", "Men")]
    table = gender_given_article(looks, [1.0] * len(looks), 1, 2, ["Men", "Women"])
    assert math.isclose(math.exp(table["Heels"]["Women"]), 10 / 12)  # add-one smoothed
    unsure = {"articleType": {"Heels": math.log(0.9), "Shirts": math.log(0.1)},
              "gender": {"Men": math.log(0.55), "Women": math.log(0.45)}}
    weighed = implied_gender(unsure, {}, table, 0.5)
    assert weighed["gender"]["Women"] > weighed["gender"]["Men"]
    assert math.isclose(sum(math.exp(v) for v in weighed["gender"].values()), 1.0)
    assert implied_gender(unsure, {"gender": "Men"}, table, 0.5) is unsure
    assert implied_gender(unsure, {}, table, 0.5, said={"gender"}) is unsure  # "heels for my husband"
    sure = {**unsure, "gender": {"Men": math.log(0.95), "Women": math.log(0.05)}}  # "men's heels"
    assert max(implied_gender(sure, {}, table, 0.5)["gender"].items(), key=lambda kv: kv[1])[0] == "Men"


def test_age_words_are_numbers_and_units_of_age_and_runs_of_them():
    assert all(is_age_word(w) for w in ("seven", "years", "aged", "seven-year-old", "months"))
    assert not any(is_age_word(w) for w in ("old-fashioned", "seventies", "striped", "heritage"))


def test_an_article_is_the_garment_as_a_word_of_its_own_and_not_as_its_purpose():
    assert names_the_garment("black tops for a party", "Tops") and names_the_garment("Trousers, for men", "Trousers")
    assert not names_the_garment("red high-tops for a boy", "Tops")  # shoes
    assert not names_the_garment("a crimson-lipstick red clutch", "Lipstick")
    assert not names_the_garment("a plain black belt for my trousers", "Trousers")
    assert not names_the_garment("a kurta with no dupatta", "Dupatta")
    assert names_the_garment("trousers for work, and a belt for trousers", "Trousers")  # the first is worn


def test_what_a_garment_is_for_or_lacks_is_the_first_word_after_for_or_without_and_a_determiner():
    assert asides("a belt for my trousers".split()) == {4} and asides("shirts for men".split()) == {2}
    assert asides("loafers without a heel".split()) == {3} and asides("socks for".split()) == set()


def test_kin_and_a_childs_age_say_who_wears_it():
    genders = ["Men", "Women", "Boys", "Girls", "Unisex"]
    assert wearer("a cardigan for my nan", genders) == {"Women": 1.0}
    assert wearer("a kurta for grandad", genders) == {"Men": 1.0}
    assert wearer("a t-shirt for my nephew", genders) == {"Boys": 1.0}
    child = wearer("a red dress for a seven-year-old", genders)
    assert set(child) == {"Boys", "Girls"} and child["Boys"] == child["Girls"] < 1.0  # the garment tells which
    assert wearer("shoes aged 6", genders) == child == wearer("socks for a toddler", genders)
    assert wearer("a coat for a 40 year old", genders) == {} and wearer("a dress for two", genders) == {}
    assert wearer("a cardigan for my nan", ["Men", "Boys"]) == {}  # only the catalogue's own genders


def test_a_child_by_age_is_read_as_a_boy_or_a_girl_the_garment_telling_which():
    looks = {"baseColour": ["Red"] * 8, "articleType": ["Dresses"] * 4 + ["Shirts"] * 4,
             "gender": ["Women", "Women", "Women", "Girls", "Men", "Men", "Men", "Boys"]}
    encoder = build_text_encoder("tfidf").fit([f"Red {a} for {g}" for a, g in zip(looks["articleType"], looks["gender"])])
    grounder = PromptGrounder(catalogue_looks(looks), encoder)
    dress, shirt = grounder.read(["a red dress for a seven-year-old", "a red shirt for a seven-year-old"])
    assert dress.text == "Red Dresses for Girls" and shirt.text == "Red Shirts for Boys"
