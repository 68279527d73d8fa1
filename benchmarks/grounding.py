"""Prompt grounding on development synonyms: how often the look is read right, and what G draws.

    python benchmarks/grounding.py --run runs/bench/t2i-cmp/projected-sentence-64px-w16-30min [--threads 2]

The prompts are built from tests/text2image/synonyms.py (words for catalogue values that share no word
with benchmarks/text2image.py's paraphrases), for looks drawn as often as the catalogue has them.
1. Reading: the share of prompts whose (colour, article type, gender) is read right, per value,
   with the reader a run fits on its catalogue's texts, WordNet and the colour dictionaries
   (`--no-reader`, `--no-lexicon`, `--no-colour-names`: without them).
2. Drawing (with --run, a text-to-image run trained on benchmarks/text2image.py's split): all-three
   attribute match of the run's pictures, judged by that benchmark's attribute classifier, for the
   prompt as written, the look followed by the prompt, and the look alone (what grounding gives G).
Prints JSON; BENCHMARKS.md quotes it.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "text2image"))
from synonyms import COLOURS, development_prompts  # noqa: E402

from couturier.data.catalogue import (  # noqa: E402
    CATALOGUE_ATTRIBUTES,
    Catalogue,
    compose_description,
    vary_wording,
)
from couturier.metrics.attributes import AttributeJudge, match_rates  # noqa: E402
from couturier.sampling import generate, load_generator  # noqa: E402
from couturier.text2image.encoders import build_text_encoder  # noqa: E402
from couturier.text2image.grounding import LOOK_COLUMNS, PromptGrounder, catalogue_looks  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "fashion-products"


def training_embeddings(rows: list[dict], encoder):
    """The table's texts as a text-to-image run words them for training (`vary_wording`)."""
    texts = [". ".join(t for t in (compose_description(r, CATALOGUE_ATTRIBUTES), r["productDisplayName"].strip()) if t)
             for r in rows]
    catalogue = Catalogue(np.zeros((0,), np.uint8), texts, {a: [r[a] for r in rows] for a in CATALOGUE_ATTRIBUTES},
                          [r["id"] for r in rows])
    return encoder.encode(vary_wording(catalogue)).numpy()


# four garments and wearers to put each development colour word on (the words are tests/text2image/synonyms.py's)
COLOUR_WORD_PROMPTS = ("a {} t-shirt for guys", "a {} gown for her", "{} sneakers for a male", "a {} tote for a female")


def colour_words(grounder: PromptGrounder) -> dict:
    """Per development colour word, how many of its four prompts read the wanted colour; and the share."""
    counts = {}
    for wanted, words in COLOURS.items():
        for word in words:
            readings = grounder.read([p.format(word) for p in COLOUR_WORD_PROMPTS])
            counts[word] = sum(grounder.literal(r.text).get("baseColour") == wanted for r in readings)
    return {"share": sum(counts.values()) / (len(COLOUR_WORD_PROMPTS) * len(counts)), "per word (of 4)": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help="a text-to-image run to draw the prompts with")
    parser.add_argument("--bench", default="runs/bench/t2i-cmp", help="benchmarks/text2image.py's --root")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--no-reader", action="store_true", help="read without the catalogue-fitted reader")
    parser.add_argument("--no-lexicon", action="store_true", help="read without WordNet")
    parser.add_argument("--no-colour-names", action="store_true", help="read without the colour dictionaries")
    parser.add_argument("--colour-words", action="store_true", help="also: each development colour word in four "
                        "prompts, and the share read right")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    table = Path(args.bench) / "train.csv" if args.run else SHARED / "styles.csv"
    with table.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    looks = catalogue_looks({c: [r[c] for r in rows] for c in LOOK_COLUMNS})
    prompts = development_prompts(looks, args.n)
    loaded = load_generator(args.run) if args.run else None
    encoder = loaded.model.encoder if loaded else build_text_encoder("sentence")
    if not args.no_reader:
        looks = catalogue_looks({c: [r[c] for r in rows] for c in LOOK_COLUMNS}, training_embeddings(rows, encoder))
    grounder = PromptGrounder(looks, encoder, use_wordnet=not args.no_lexicon,
                              use_colour_names=not args.no_colour_names)
    readings = grounder.read([p for p, _ in prompts])
    read = [tuple(grounder.literal(r.text).get(c) for c in LOOK_COLUMNS) for r in readings]
    report = {"prompts": len(prompts), "looks from": str(table),
              "read right": {c: sum(got[i] == want[i] for got, (_, want) in zip(read, prompts)) / len(prompts)
                             for i, c in enumerate(LOOK_COLUMNS)}}
    report["read right"]["all"] = sum(got == want for got, (_, want) in zip(read, prompts)) / len(prompts)
    if args.colour_words:
        report["colour words read right"] = colour_words(grounder)
    if loaded is not None:
        judge = AttributeJudge.load(Path(args.bench) / "attributes.safetensors")
        wanted = {c: [want[i] for _, want in prompts] for i, c in enumerate(LOOK_COLUMNS)}
        variants = {"as written": [p for p, _ in prompts],
                    "look, then the prompt": [f"{r.text}. {p}" if r.inferred else p
                                              for r, (p, _) in zip(readings, prompts)],
                    "look alone (grounding)": [r.text for r in readings]}
        report["drawn: all three match"] = {}
        for name, texts in variants.items():
            _, predicted = judge.predict(generate(loaded, texts, n=1, seed=0, literal=True))
            report["drawn: all three match"][name] = match_rates(predicted, wanted, judge.classes)["all"]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
