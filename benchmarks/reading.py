"""How prompts are read: the hand-written descriptions, before and after the learnt reader.

    python benchmarks/reading.py        # a few minutes the first time (encodings are cached); docs/t2i/reading.json

The descriptions are tests/text2image/descriptions.tsv: 311 written by hand as designers and
shoppers type them, with the (colour, article type, gender) each asks for, split once into a
tuning half (what the reading's few settings were chosen on) and a held-out half (only measured).
The looks are those of the catalogue's 9k photos (../shared/data/fashion-products/styles.csv), as a
run trained on them has; the run's own texts are worded as `couturier train` words them.

1. before: the reading of the landed runs: a logistic regression fitted on the run's texts, WordNet,
   the colour names and the run's looks (a look the catalogue never had cannot be read);
2. after, as trained with `--reader-names none`: the run's texts and paraphrases of its looks,
   calibrated; each column read on its own;
3. after, as `couturier train` fits it by default: also the product tables beside the catalogue
   (source_csv/'s 44k names);
4. after `couturier fit-reader` with the catalogue's 44k product names.
Per reading: the share of descriptions read fully right (all three values), per column, and how
the share right follows the reading's confidence (its least sure column's); how often the right
look is among the three readings `generate` shows when unsure, and how many wrong readings say so.
"""
from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from grounding import training_embeddings  # noqa: E402  (the run's texts, worded as training words them)

from couturier.config import DataConfig  # noqa: E402
from couturier.fileio import write_text  # noqa: E402
from couturier.text2image.encoders import build_text_encoder  # noqa: E402
from couturier.text2image.grounding import LOOK_COLUMNS, PromptGrounder, catalogue_looks  # noqa: E402
from couturier.text2image.data import reader_names  # noqa: E402
from couturier.text2image.reader import fit_catalogue_reader  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "fashion-products"
DESCRIPTIONS = ROOT / "tests" / "text2image" / "descriptions.tsv"


def descriptions() -> list[dict]:
    with DESCRIPTIONS.open(encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


def catalogue_names() -> list[dict]:
    """The whole catalogue's product names with their values (two tables joined by id)."""
    with (SHARED / "source_csv" / "aishwaryab27_FashionWebsite_styles.csv").open(encoding="utf-8") as fh:
        names = {row["id"]: row["productDisplayName"] for row in csv.DictReader(fh)}
    with (SHARED / "source_csv" / "animmala3942_styles.csv").open(encoding="utf-8") as fh:
        return [{**row, "productDisplayName": names[row["id"]]} for row in csv.DictReader(fh) if row["id"] in names]


def judge(grounder: PromptGrounder, wanted: list[dict]) -> dict:
    readings = grounder.read([d["text"] for d in wanted])
    looks = [tuple(d[c] for c in LOOK_COLUMNS) for d in wanted]
    shown = [[tuple(grounder.literal(text).get(c) for c in LOOK_COLUMNS) for text in (r.text, *r.alternatives)]
             for r in readings]
    got = [options[0] for options in shown]
    right = [look == g for look, g in zip(looks, got)]
    # `generate` shows an unsure reading's two runners-up: what a user can then pick
    offered = [look in options for look, options in zip(looks, shown)]
    wrong = [not ok for ok in right]
    out = {"all three": round(float(np.mean(right)), 3),
           "right among the three readings shown": round(float(np.mean(offered)), 3),
           "wrong readings flagged unsure": round(float(np.mean([r.unsure for r, w in zip(readings, wrong) if w])), 3)
           if any(wrong) else None,
           **{c: round(float(np.mean([d[c] == g[i] for d, g in zip(wanted, got)])), 3)
              for i, c in enumerate(LOOK_COLUMNS)}}
    sure = [min(r.confidence.values()) if r.confidence else 1.0 for r in readings]
    if any(r.confidence for r in readings):
        bins = {}
        for low, high in ((0.0, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 1.01)):
            chosen = [ok for s, ok in zip(sure, right) if low <= s < high]
            bins[f"{low:.2f}-{min(high, 1):.2f}"] = {"descriptions": len(chosen),
                                                     "right": round(float(np.mean(chosen)), 2) if chosen else None}
        out["by confidence"] = bins
    return out


def main() -> None:
    wanted = descriptions()
    halves = {split: [d for d in wanted if d["split"] == split] for split in ("tune", "held-out")}
    with (SHARED / "styles.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    columns = {c: [r[c] for r in rows] for c in LOOK_COLUMNS}
    encoder = build_text_encoder("sentence")
    own = training_embeddings(rows, encoder)
    looks = catalogue_looks(columns)
    start = time.perf_counter()
    readers = {"before (landed runs)": catalogue_looks(columns, own)["reader"],
               "after, as trained with --reader-names none": fit_catalogue_reader(own, columns, looks, encoder)}
    trained = time.perf_counter() - start
    # what `couturier train` fits by default: the tables beside the catalogue (source_csv/'s 44k names) too
    beside = reader_names(DataConfig(dataset=str(SHARED)), log=lambda line: None)
    readers["after, as trained (the names beside the catalogue)"] = fit_catalogue_reader(own, columns, looks, encoder,
                                                                                           beside)
    readers["after fit-reader (44k names)"] = fit_catalogue_reader(own[:0], {c: [] for c in LOOK_COLUMNS}, looks,
                                                                   encoder, catalogue_names())
    report = {"date": time.strftime("%Y-%m-%d"), "descriptions": {k: len(v) for k, v in halves.items()},
              "seconds to fit both readers of a run": round(trained, 1), "readings": {}}
    for name, reader in readers.items():
        grounder = PromptGrounder({**looks, "reader": reader}, encoder)
        report["readings"][name] = {split: judge(grounder, chosen) for split, chosen in halves.items()}
        print(name, json.dumps(report["readings"][name]), flush=True)
    write_text(ROOT / "docs" / "t2i" / "reading.json", json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
