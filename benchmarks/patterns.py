"""Does a text-to-image run draw the pattern it is asked for? Stripes, checks, prints, plain.

    python benchmarks/patterns.py --run runs/bench/t2i-cmp/projected-preset-sentence-64px-w16-30min   # a few minutes

The catalogue's product names carry pattern words ("Striped", "Checked", "Printed", "Solid"); a
small classifier (couturier.metrics.attributes' network, one head) learns the pattern from the
photos whose names carry exactly one of them, on the training split text2image.py trains its runs
on; its accuracy on the held-out split's photos is the ceiling. The run then draws each pattern on
each of a few garments (8 seeds each), with its prompts read in the catalogue's words (the default:
the reading keeps colour, article type and gender) and as written (`--literal`), and the classifier
says which pattern each draw shows. Writes docs/t2i/patterns.json and docs/t2i/patterns.png (rows:
pattern x garment, as written; columns: seeds).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from text2image import SHARED, split  # noqa: E402  (the same catalogue split as the runs)

from couturier.data.catalogue import load_catalogue  # noqa: E402
from couturier.data.images import save_grid  # noqa: E402
from couturier.fileio import write_text  # noqa: E402
from couturier.metrics.attributes import train_attribute_judge  # noqa: E402
from couturier.sampling import generate, load_generator  # noqa: E402

PATTERNS = {"striped": r"\bstripe[sd]?\b", "checked": r"\bcheck(s|ed|ered)?\b(?! point)", "printed": r"\bprint(ed)?\b",
            "solid": r"\bsolid\b"}
GARMENTS = ("shirt for men", "t-shirt for men", "top for women", "kurta for women")
SEEDS = 8


def pattern_of(name: str) -> str:
    """The one pattern word a product name carries, or "" (none, or several)."""
    found = [p for p, rx in PATTERNS.items() if re.search(rx, name.lower())]
    return found[0] if len(found) == 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    catalogue = load_catalogue(SHARED, 64)
    labels = np.array([pattern_of(text) for text in catalogue.texts])
    train_ids, held_ids = split(len(labels))
    train_ids, held_ids = train_ids[labels[train_ids] != ""], held_ids[labels[held_ids] != ""]
    judge = train_attribute_judge(catalogue.images[train_ids], {"pattern": list(labels[train_ids])}, args.epochs)
    _, read = judge.predict(catalogue.images[held_ids])
    report = {"classes": judge.classes["pattern"], "train_photos": len(train_ids), "held_out_photos": len(held_ids),
              "ceiling": round(float(np.mean(np.array(read["pattern"]) == labels[held_ids])), 3),
              "held_out_shares": {p: round(float(np.mean(labels[held_ids] == p)), 3) for p in PATTERNS}}
    loaded = load_generator(args.run)
    prompts = [f"{pattern} {garment}" for pattern in PATTERNS for garment in GARMENTS]
    asked = np.repeat([p for p in PATTERNS for _ in GARMENTS], SEEDS)
    for literal in (False, True):
        drawn = generate(loaded, prompts, SEEDS, seed=0, literal=literal)
        shown = np.array(judge.predict(drawn)[1]["pattern"])
        key = "as written" if literal else "read"
        report[key] = {"followed": round(float(np.mean(shown == asked)), 3),
                       "per_pattern": {p: round(float(np.mean(shown[asked == p] == p)), 3) for p in PATTERNS},
                       "drawn_shares": {p: round(float(np.mean(shown == p)), 3) for p in PATTERNS}}
        if literal:
            save_grid(drawn, ROOT / "docs" / "t2i" / "patterns.png", SEEDS, scale=1)
            # 256 colours are plenty to look at and keep the picture small in the repository
            picture = Image.open(ROOT / "docs" / "t2i" / "patterns.png").convert("RGB")
            picture.quantize(256, dither=Image.Dither.NONE).save(ROOT / "docs" / "t2i" / "patterns.png", optimize=True)
    write_text(ROOT / "docs" / "t2i" / "patterns.json", json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
