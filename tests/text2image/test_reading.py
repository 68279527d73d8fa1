"""text2image/reading.py: what a reading says of itself."""
from couturier.text2image.reading import Reading


def test_a_reading_says_how_it_read_the_prompt_and_whether_it_is_unsure():
    sure = Reading("crimson frock for ladies", "Red Dresses for Women", {"baseColour": "Red", "articleType": "Dresses"},
                   {"baseColour": 0.91, "articleType": 0.97})
    assert not sure.unsure
    assert sure.describe() == "'crimson frock for ladies' read as 'Red Dresses for Women' (Red 0.91, Dresses 0.97)"
    assert Reading("x", "x", {}).describe() == "'x' as written"
    unsure = Reading("a kicks for him", "Black Heels for Men", {"articleType": "Heels"}, {"articleType": 0.3})
    assert unsure.unsure
    torn = Reading("a black white shirt", "Black Shirts for Men", {"baseColour": "Black"}, {"baseColour": 0.9},
                   contradicted=("baseColour",))
    assert torn.unsure and torn.describe().endswith("; it names two values of baseColour")
    pasted = Reading("dress " * 3000, "dress " * 3000 + "Red Dresses for Women", {"baseColour": "Red"})
    assert len(pasted.describe()) < 200 and "..." in pasted.describe()
