"""Text to image on the fashion product catalogue: does the picture match the words?

    python benchmarks/text2image.py --minutes 10 --encoders tfidf,sentence --sizes 64 [--threads 2]
    python benchmarks/text2image.py --minutes 10 --encoders tfidf,sentence --sizes 64 --judge-only
    python benchmarks/text2image.py --minutes 10 --encoders sentence --sizes 64 --model projected-text2image

1. Splits ../shared/data/fashion-products 90/10 (seed 0) and writes the training split's table
   into runs/bench/t2i/ (the images are read from ../shared, never copied), and the whole
   catalogue's 44k product names less the held-out split's, for the prompt reader (as `couturier
   train` reads the names beside the catalogue).
2. Trains the attribute classifier (colour, article type, gender) on the training split.
3. Trains one text2image GAN per (encoder, size) for the same budget of training time.
4. Judges each: attribute match for descriptions seen in training, for held-out products'
   descriptions, and for paraphrases never seen ("crimson frock for ladies"; read in the
   catalogue's words by prompt grounding, and as written: "paraphrase (literal)"), for the
   descriptions written by hand (tests/text2image/descriptions.tsv, both halves), beside the real
   held-out images (the ceiling); FID in the classifier's feature space against the held-out
   images; images per second for generation. Each prompt is drawn once with its own noise, as
   G's raw draw and as D's favourite of 4 (`--best-of 1,4`; `couturier generate --best-of 4`).
   Grids of the same prompts go beside the runs (ROOT/grid-RUN.png).
"""
from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
import torch

from couturier.config import load_config_file, merge
from couturier.data.catalogue import Catalogue, load_catalogue, name_tables, product_names, vary_wording
from couturier.data.images import save_grid
from couturier.fileio import write_text
from couturier.metrics.attributes import AttributeJudge, match_rates, train_attribute_judge
from couturier.metrics.distances import frechet_distance, mean_and_covariance
from couturier.metrics.variety import capped_typical_pair_distance, within_group_spread
from couturier.presets import build_config
from couturier.sampling import generate, generate_each, load_generator
from couturier.text2image.grounding import PromptGrounder, catalogue_looks
from couturier.train import Trainer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-products"
JUDGED = ("baseColour", "articleType", "gender")
# Words the catalogue never uses for these values, so TF-IDF has never seen them.
COLOUR_WORDS = {"Black": "jet", "White": "snowy", "Blue": "cobalt", "Red": "crimson", "Green": "emerald",
                "Grey": "charcoal", "Pink": "rosy", "Navy Blue": "midnight", "Brown": "chocolate",
                "Yellow": "mustard", "Purple": "violet", "Silver": "metallic", "Beige": "sand", "Orange": "tangerine",
                "Maroon": "burgundy", "Gold": "golden", "Olive": "khaki"}
ARTICLE_WORDS = {"Tshirts": "tee", "Shirts": "button-down", "Casual Shoes": "everyday sneakers",
                 "Sports Shoes": "running trainers", "Watches": "wristwatch", "Handbags": "purse",
                 "Kurtas": "tunic", "Tops": "blouse", "Heels": "stilettos", "Sandals": "strappy summer footwear",
                 "Flip Flops": "beach slippers", "Jeans": "denim pants", "Backpacks": "rucksack",
                 "Sunglasses": "shades", "Belts": "waistband", "Wallets": "billfold", "Formal Shoes": "oxfords",
                 "Trousers": "slacks", "Shorts": "short pants", "Dresses": "frock", "Track Pants": "joggers",
                 "Sweatshirts": "jumper", "Jackets": "blazer", "Socks": "hosiery", "Briefs": "underpants"}
GENDER_WORDS = {"Men": "gentlemen", "Women": "ladies", "Boys": "lads", "Girls": "young ladies", "Unisex": "anyone"}
GRID_PROMPTS = ["Black Watches for Men", "White Sports Shoes for Men", "Blue Tshirts for Men", "Red Tops for Women",
                "Brown Handbags for Women", "black leather wristwatch for gentlemen",
                "crimson frock for ladies", "cobalt denim pants for anyone"]


def split(n: int, seed: int = 0, held_out: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    cut = int(n * held_out)
    return np.sort(order[cut:]), np.sort(order[:cut])


def write_training_table(keys: list[str], root: Path) -> Path:
    wanted = set(keys)
    with (SHARED / "styles.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [row for row in reader if row["id"] in wanted]
        columns = reader.fieldnames
    path = root / "train.csv"
    root.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_reader_names(held_out: list[str], root: Path) -> Path:
    """The whole catalogue's product names with their values (source_csv/, as `couturier train`
    finds them beside the catalogue), less the held-out split's: its descriptions are judged."""
    looks = ("baseColour", "articleType", "gender")
    excluded = set(held_out)
    rows = [row for row in product_names(name_tables(SHARED, looks), looks, skip_unreadable=True)
            if row["id"] not in excluded]
    path = root / "names.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "productDisplayName", *looks], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def short_prompt(values: dict[str, str]) -> str:
    return f"{values['baseColour']} {values['articleType']} for {values['gender']}"


def paraphrase(values: dict[str, str]) -> str | None:
    words = (COLOUR_WORDS.get(values["baseColour"]), ARTICLE_WORDS.get(values["articleType"]),
             GENDER_WORDS.get(values["gender"]))
    return None if None in words else f"{words[0]} {words[1]} for {words[2]}"


def text_influence(loaded) -> float:
    """How much the words move the picture: pixel spread across the grid prompts at fixed noise,
    over the spread across 16 noises at a fixed prompt. Below 1 the noise decides more than the text."""
    x = generate(loaded, GRID_PROMPTS, n=16, seed=0).astype(np.float32).reshape(len(GRID_PROMPTS), 16, -1)
    return float(x.std(0).mean() / x.std(1).mean())


def variety(loaded, judge: AttributeJudge, prompts: list[str], real_groups: tuple[np.ndarray, np.ndarray],
            descriptions: int = 100, seeds: int = 4, best_of: int = 1) -> dict:
    """Spread across seeds of one description (in the judge's features) against the spread of real
    photos that share colour, article type and gender: near 0 when G ignores its noise."""
    images = generate(loaded, prompts[:descriptions], n=seeds, seed=0, best_of=best_of)
    features, _ = judge.predict(images)
    spread = within_group_spread(features, np.repeat(np.arange(descriptions), seeds))
    real = within_group_spread(*real_groups)
    return {"variety": spread, "variety_real": real, "variety_ratio": spread / real}


def typical_variety(loaded, judge: AttributeJudge, prompts: list[str], real_groups: tuple[np.ndarray, np.ndarray],
                    descriptions: int = 100, seeds: int = 8) -> dict:
    """The median distance between two of eight seeds of a description against the same between two
    real photos of a look (at most 64 photos a look): a broken seed does not count as variety."""
    images = generate(loaded, prompts[:descriptions], n=seeds, seed=0)
    features, _ = judge.predict(images)
    typical = capped_typical_pair_distance(features, np.repeat(np.arange(descriptions), seeds))
    real = capped_typical_pair_distance(*real_groups)
    return {"variety_typical": typical, "variety_typical_real": real, "variety_typical_ratio": typical / real}


def training_looks(catalogue: Catalogue, train_ids: np.ndarray, encoder) -> dict:
    """The looks and reader a run on the training split would have saved, in its own encoder: the
    split's texts worded as training words them (`vary_wording`, train.csv keeps catalogue order)."""
    subset = Catalogue(catalogue.images[:0], [catalogue.texts[i] for i in train_ids],
                       {a: [catalogue.attributes[a][i] for i in train_ids] for a in catalogue.attributes},
                       [catalogue.keys[i] for i in train_ids])
    embeddings = encoder.encode(vary_wording(subset)).numpy()
    return catalogue_looks({a: [str(v) for v in subset.attributes[a]] for a in JUDGED}, embeddings)


def run_key(run: Path, code_spread: float | None, use_ema: bool) -> str:
    """The run's name in results.json and its grid's: RUN, RUN-spread-X, with -raw for G's raw weights."""
    key = run.name if code_spread is None else f"{run.name}-spread-{code_spread:g}"
    return key if use_ema else f"{key}-raw"


def judge_run(run: Path, judge: AttributeJudge, prompt_sets: dict, real_features: np.ndarray,
              real_groups: tuple[np.ndarray, np.ndarray], looks_for, best_of: list[int],
              code_spread: float | None = None, use_ema: bool = True) -> dict:
    """Each prompt is drawn once, with its own noise; best_of K > 1 adds the same figures for D's
    favourite of K draws (`couturier.best_of`), under keys ending in " (best of K)". `code_spread`
    replaces the run's own (model.options.code_spread) when sampling; `use_ema` False judges G's raw weights."""
    loaded = load_generator(run, options=None if code_spread is None else {"code_spread": code_spread},
                            use_ema=use_ema)
    model = loaded.model
    if not model.looks or model.grounder.reader is None:  # runs saved before looks or readers were
        model.grounder = PromptGrounder(looks_for(model.encoder), model.encoder)
    results = {"step": loaded.step, "text_influence": text_influence(loaded),
               "code_spread": loaded.config.model.options.code_spread}
    grid_name = run_key(run, code_spread, use_ema)
    for k in best_of:
        tag = "" if k == 1 else f" (best of {k})"
        for name, (prompts, wanted, *real_rates) in prompt_sets.items():
            images = generate_each(loaded, prompts, seed=0, literal=name.endswith("(literal)"), best_of=k)
            features, predicted = judge.predict(images)
            results[name + tag] = match_rates(predicted, wanted, judge.classes)
            if real_rates:
                results[name + ", against real photos of its looks" + tag] = against_real(predicted, wanted,
                                                                                          real_rates[0])
            if name == "held-out":
                # chance for this run: the same pictures against the descriptions of other products
                order = np.random.default_rng(0).permutation(len(prompts))
                results["held-out, shuffled (chance)" + tag] = match_rates(
                    predicted, {a: [v[i] for i in order] for a, v in wanted.items()}, judge.classes)
                results["fid" + tag] = frechet_distance(*mean_and_covariance(features),
                                                        *mean_and_covariance(real_features))
        results.update({key + tag: value for key, value in
                        variety(loaded, judge, prompt_sets["held-out"][0], real_groups, best_of=k).items()})
        if k == 1:
            results.update(typical_variety(loaded, judge, prompt_sets["held-out"][0], real_groups))
        start = time.perf_counter()
        generate(loaded, ["Blue Tshirts for Men"], n=1000, seed=0, best_of=k)
        results["images_per_s" + tag] = 1000 / (time.perf_counter() - start)
        images = generate(loaded, GRID_PROMPTS, n=8, seed=0, best_of=k)
        save_grid(images, run.parent / f"grid-{grid_name}{f'-best-of-{k}' if k > 1 else ''}.png", 8, scale=1)
    return results


RESULTS = Path("docs/t2i/results.json")
DESCRIPTIONS = Path(__file__).resolve().parents[1] / "tests" / "text2image" / "descriptions.tsv"


def real_look_rates(predicted: dict[str, list[str]], values: dict[str, np.ndarray], held_ids: np.ndarray
                    ) -> dict[str, float]:
    """Per look ("Black|Tshirts|Men"), the share of its real photos the classifier reads fully
    right: its held-out photos, or all of them when none was held out."""
    keys = np.array(["|".join(str(values[a][i]) for a in JUDGED) for i in range(len(values[JUDGED[0]]))])
    right = np.logical_and.reduce([np.asarray(predicted[a]) == values[a].astype(str) for a in JUDGED])
    held = np.isin(np.arange(len(keys)), held_ids)
    rates = {}
    for key in np.unique(keys):
        mine = keys == key
        rates[key] = float(right[mine & held].mean() if (mine & held).any() else right[mine].mean())
    return rates


def against_real(predicted: dict[str, list[str]], wanted: dict[str, list[str]], rates: dict[str, float]) -> dict:
    """All three right for the descriptions whose look has real photos, beside those photos' own
    rate (the ceiling of these looks), and how many looks have none."""
    keys = ["|".join(values) for values in zip(*(wanted[a] for a in JUDGED))]
    hits = np.logical_and.reduce([np.asarray(predicted[a]) == np.asarray(wanted[a]) for a in JUDGED])
    have = np.array([key in rates for key in keys])
    drawn, real = float(hits[have].mean()), float(np.mean([rates[key] for key in keys if key in rates]))
    return {"drawn": drawn, "real": real, "share": drawn / real, "looks without photos": int((~have).sum())}


def hand_written() -> dict[str, list[dict]]:
    """The descriptions written by hand (tests/text2image/descriptions.tsv), by half: tune, held-out."""
    with DESCRIPTIONS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    return {half: [r for r in rows if r["split"] == half] for half in ("tune", "held-out")}


def planned_runs(args, root: Path, table: Path, names: Path) -> list[tuple[Path, dict]]:
    """(run folder, config layer) for each run: one per config file given, else one per (size, encoder)."""
    data = {"dataset": str(table), "image_dir": str(SHARED / "images"), "reader_names": str(names)}
    train = {"steps": None, "threads": args.threads, "sample_every": 250, "checkpoint_every": 500}
    if args.configs:
        runs = []
        for path in args.configs.split(","):
            layer = merge(load_config_file(path), {"data": data, "train": train})
            if args.minutes_given:
                layer = merge(layer, {"train": {"minutes": args.minutes}})
            runs.append((root / Path(path).stem, layer))
        return runs
    runs = []
    for size in map(int, args.sizes.split(",")):
        for encoder in args.encoders.split(","):
            grow = args.grow_steps if size > 64 else 0
            kind = "" if args.model == "text2image" else f"{args.model}-"
            run = root / f"{kind}{encoder}-{size}-w{args.width}{f'-grow{grow}' if grow else ''}-{args.minutes:g}min"
            runs.append((run, {"model": {"name": args.model, "width": args.width,
                                         "options": {"text_encoder": encoder, "grow_steps": grow}},
                               "data": {**data, "resolution": size},
                               "train": {**train, "minutes": args.minutes}}))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=None, help="training budget (default 10, or the config's)")
    parser.add_argument("--configs", default="", help="comma-separated config files (configs/text2image/*.toml), "
                        "one run each, named after the file")
    parser.add_argument("--encoders", default="tfidf,sentence")
    parser.add_argument("--model", default="text2image", help="text2image or projected-text2image")
    parser.add_argument("--sizes", default="64")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--width", type=int, default=16, help="channel multiplier (preset 16)")
    parser.add_argument("--grow-steps", type=int, default=0,
                        help="for sizes above 64: steps at half size, then as many fading in (ProGAN)")
    parser.add_argument("--root", default="runs/bench/t2i")
    parser.add_argument("--judge-only", action="store_true", help="skip training; judge finished runs")
    parser.add_argument("--best-of", default="1,4", help="comma-separated: judge G's raw draws (1) and D's "
                        "favourite of K draws (couturier.best_of)")
    parser.add_argument("--code-spreads", default="", help="comma-separated: judge each run sampled with these "
                        "code spreads (model.options.code_spread) instead of its own, as RUN-spread-X")
    parser.add_argument("--variety-only", action="store_true", help="with --judge-only: add the typical-pair "
                        "variety to each run's existing entry in docs/t2i/results.json")
    parser.add_argument("--raw-g", action="store_true", help="judge G's raw weights instead of their EMA, as RUN-raw")
    parser.add_argument("--judge-epochs", type=int, default=8, help="epochs for the attribute classifier")
    args = parser.parse_args()
    if args.variety_only and not args.judge_only:
        parser.error("--variety-only adds to runs already judged; give --judge-only too")
    try:
        spreads = [float(x) for x in args.code_spreads.split(",")] if args.code_spreads else [None]
    except ValueError:
        parser.error(f"--code-spreads takes numbers between 0 and 1, comma-separated (got {args.code_spreads!r})")
    if any(s is not None and not 0 <= s <= 1 for s in spreads):
        parser.error(f"--code-spreads takes numbers between 0 and 1 (got {args.code_spreads!r})")
    args.minutes_given = args.minutes is not None
    args.minutes = 10.0 if args.minutes is None else args.minutes
    if args.threads:
        torch.set_num_threads(args.threads)
    root = Path(args.root)
    catalogue = load_catalogue(SHARED, 64)
    train_ids, held_ids = split(len(catalogue.texts))
    table = write_training_table([catalogue.keys[i] for i in train_ids], root)
    names = write_reader_names([catalogue.keys[i] for i in held_ids], root)
    attrs = {a: np.asarray(catalogue.attributes[a]) for a in JUDGED}

    judge_path = root / "attributes.safetensors"
    if judge_path.is_file():
        judge = AttributeJudge.load(judge_path)
    else:
        judge = train_attribute_judge(catalogue.images[train_ids], {a: list(attrs[a][train_ids]) for a in JUDGED},
                                      epochs=args.judge_epochs)
        judge.save(judge_path)
    real_features, real_predicted = judge.predict(catalogue.images[held_ids])
    held_values = [{a: str(attrs[a][i]) for a in JUDGED} for i in held_ids]
    # real photos grouped by (colour, article type, gender): the scale variety is judged against
    all_features, all_predicted = judge.predict(catalogue.images)
    triples = ["|".join(str(attrs[a][i]) for a in JUDGED) for i in range(len(catalogue.texts))]
    real_groups = (all_features, np.unique(triples, return_inverse=True)[1])
    look_rates = real_look_rates(all_predicted, attrs, held_ids)
    report = {"ceiling (real held-out images)": match_rates(real_predicted, {a: list(attrs[a][held_ids])
                                                                              for a in JUDGED}, judge.classes)}
    seen_rows = train_ids[np.random.default_rng(1).choice(len(train_ids), 500, replace=False)]
    para = [(paraphrase(v), v) for v in held_values if paraphrase(v)]
    prompt_sets = {
        "seen": ([catalogue.texts[i] for i in seen_rows], {a: list(attrs[a][seen_rows]) for a in JUDGED}),
        "held-out": ([catalogue.texts[i] for i in held_ids], {a: list(attrs[a][held_ids]) for a in JUDGED}),
        "short": ([short_prompt(v) for v in held_values], {a: [v[a] for v in held_values] for a in JUDGED}),
        "paraphrase": ([p for p, _ in para], {a: [v[a] for _, v in para] for a in JUDGED}),
        "paraphrase (literal)": ([p for p, _ in para], {a: [v[a] for _, v in para] for a in JUDGED}),
        **{f"hand-written ({half})": ([d["text"] for d in chosen], {a: [d[a] for d in chosen] for a in JUDGED},
                                      look_rates) for half, chosen in hand_written().items()},
    }
    def looks_for(encoder):
        return training_looks(catalogue, train_ids, encoder)

    print(f"prompts: {', '.join(f'{k} {len(v[0])}' for k, v in prompt_sets.items())}; e.g. {para[0][0]!r}")

    earlier = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    for run, layer in planned_runs(args, root, table, names):
        if not args.judge_only:
            Trainer(build_config(layer), run).fit()
        for spread in spreads:
            key = run_key(run, spread, not args.raw_g)
            if args.variety_only:
                loaded = load_generator(run, options={"code_spread": spread}, use_ema=not args.raw_g)
                report[key] = {**earlier.get(key, {}), **typical_variety(loaded, judge, prompt_sets["held-out"][0],
                                                                         real_groups)}
            else:
                report[key] = judge_run(run, judge, prompt_sets, real_features, real_groups, looks_for,
                                        [int(k) for k in args.best_of.split(",")], spread, not args.raw_g)
            print(json.dumps({key: report[key]}), flush=True)
    report["date"] = time.strftime("%Y-%m-%d")
    merged = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}  # merged: parallel runs all land there
    merged.update(report)
    write_text(RESULTS, json.dumps(merged, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
