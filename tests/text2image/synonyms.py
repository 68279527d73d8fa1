"""Development synonyms for prompt grounding: words for catalogue values that a designer might
type. Chosen to share no word with the paraphrases benchmarks/text2image.py evaluates with, so
the grounding's one setting (PRIOR_WEIGHT) was never fitted to what it is judged on."""
import random

COLOURS = {"Black": ["ebony", "onyx", "pitch black"], "White": ["ivory", "pearl white"],
           "Blue": ["azure", "sky blue", "royal blue"], "Red": ["scarlet", "cherry red"], "Green": ["jade", "forest green"],
           "Grey": ["slate", "ash grey"], "Pink": ["blush", "fuchsia"], "Navy Blue": ["dark blue", "navy"],
           "Brown": ["walnut", "mocha"], "Yellow": ["lemon", "canary yellow"], "Purple": ["plum", "lilac"],
           "Silver": ["chrome"], "Beige": ["oatmeal", "camel"], "Orange": ["amber", "pumpkin"],
           "Maroon": ["wine", "oxblood"], "Gold": ["gilded"], "Olive": ["army green"]}
ARTICLES = {"Tshirts": ["t-shirt", "graphic tee shirt"], "Shirts": ["dress shirt", "collared shirt"],
            "Casual Shoes": ["sneakers", "loafers"], "Sports Shoes": ["athletic shoes", "gym shoes"],
            "Watches": ["timepiece", "wrist watch"], "Handbags": ["tote", "shoulder bag"], "Kurtas": ["kameez"],
            "Tops": ["crop top", "tank top"], "Heels": ["pumps", "high heels"], "Sandals": ["slides"],
            "Flip Flops": ["thongs", "pool sliders"], "Jeans": ["denims"], "Backpacks": ["knapsack", "school bag"],
            "Sunglasses": ["sunnies", "eyewear"], "Belts": ["leather strap"], "Wallets": ["card holder"],
            "Formal Shoes": ["brogues", "dress shoes"], "Trousers": ["chinos", "pants"], "Shorts": ["bermudas"],
            "Dresses": ["gown", "sundress"], "Track Pants": ["sweatpants"], "Sweatshirts": ["hoodie"],
            "Jackets": ["coat", "windbreaker"], "Briefs": ["underwear"]}
GENDERS = {"Men": ["guys", "him", "male"], "Women": ["her", "female", "a woman"], "Boys": ["a boy", "little boys"],
           "Girls": ["a girl", "little girls"], "Unisex": ["everyone", "all genders"]}
TEMPLATES = ["{c} {a} for {g}", "a {c} {a} for {g}", "{g}'s {c} {a}", "{c} {a}, made for {g}",
             "I want a {c} {a} for {g}"]


def development_prompts(looks: dict, n: int, seed: int = 5) -> list[tuple[str, tuple]]:
    """n (prompt, (colour, article, gender)) for looks (`catalogue_looks`) that have synonyms for
    all three values, drawn as often as the catalogue has them, as products are."""
    rng = random.Random(seed)
    usable = [(tuple(look), count) for look, count in zip(looks["values"], looks["counts"])
              if look[0] in COLOURS and look[1] in ARTICLES and look[2] in GENDERS]
    out = []
    for colour, article, gender in rng.choices([u[0] for u in usable], [u[1] for u in usable], k=n):
        words = {"c": rng.choice(COLOURS[colour]), "a": rng.choice(ARTICLES[article]), "g": rng.choice(GENDERS[gender])}
        out.append((rng.choice(TEMPLATES).format(**words), (colour, article, gender)))
    return out
