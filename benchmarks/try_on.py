"""Virtual try-on judged: 20 people x 5 garments laid flat (`couturier try-on`).

    python benchmarks/try_on.py          # 7 minutes; docs/people/try-on.png and try-on.json
    python benchmarks/try_on.py --classifier judge.safetensors   # also the attribute classifier's reading

People: 20 catalogue photos of people (men and women; T-shirts, shirts, tank tops, kurtas, a dress;
white on white among them), enlarged from 60x80 to 240x320. Garments: a blue jersey, a purple
T-shirt, a white striped polo (white on white), a red T-shirt and a blue shirt, product photos laid
flat. Per pair: how much the face and hair and the background around the person changed (mean
absolute difference, 0-255; at most 2 wanted), the share of the old upper garment the new one left
uncovered (then inpainted), the share of the placed garment that fell outside the person (a misfit),
the alignment error (the placed hem centre's distance from the hips' middle and the person's own
hem, in torso lengths; shoulders and sleeves are placed on seams and arms by construction),
the new garment's colour kept (CIEDE2000 between the product's median colour and the result's over
where the garment was laid; under 10 reads as the same colour under the person's light), and the
seconds. With `--classifier` (an attribute classifier of the catalogue, `couturier train-classifier`):
the share of results whose predicted colour and article type are the garment's own (as the
catalogue lists them), against the same for the people before (how often they already wore it)
and for the product photos themselves (what the classifier reads of the garment at all). Then five pairs at 512 px for the time the issue sets (at most 2 s). Last, the garment check on catalogue product photos: tops and dresses taken, clothing for the legs and accessories refused (`garments_checked`). The panel shows ten of
the people (every other one) with the five garments.
"""
from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

from couturier.fileio import write_text
from couturier.people import find_garments, find_person, try_on
from couturier.people.product import outline
from couturier.viz import new_figure, save_figure
from people_checks import garments_checked

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "fashion-products" / "images"
DOCS = ROOT / "docs" / "people"
PEOPLE = ("1575", "2095", "1529", "2555", "7410", "2033", "31266", "21117", "12649", "57160", "25891", "8492",
          "39732", "5187", "44644", "18746", "54574", "24375", "12139", "41786")
GARMENTS = ("1163", "1909", "2291", "2617", "12364")  # jersey, purple T-shirt, white polo, red T-shirt, blue shirt
SIDE = 320


def photo(key: str, side: int = SIDE) -> np.ndarray:
    image = Image.open(SHARED / f"{key}.jpg").convert("RGB")
    return np.asarray(image.resize((side * 3 // 4, side), Image.Resampling.BICUBIC))


def median_lab(pixels: np.ndarray) -> np.ndarray:
    from skimage.color import rgb2lab  # the bench extra

    return np.median(rgb2lab(pixels.reshape(-1, 1, 3).astype(np.float32) / 255.0).reshape(-1, 3), axis=0)


def colour_kept(garment: np.ndarray, result) -> float:
    """CIEDE2000 between the product's median colour and the result's where the garment was laid."""
    from skimage.color import deltaE_ciede2000

    inside = ndimage.binary_erosion(outline(garment), iterations=3)
    placed = result.region
    if placed.sum() < 16:
        return float("nan")
    return float(deltaE_ciede2000(median_lab(garment[inside]), median_lab(result.image[placed])))


def measure(key: str, garment_key: str, side: int = SIDE) -> tuple[dict, np.ndarray]:
    picture, garment = photo(key, side), photo(garment_key, side)
    person = find_person(picture)
    garments = find_garments(picture, person)
    around = ~ndimage.binary_dilation(person.mask > 0.5, iterations=max(2, side // 40))
    result = try_on(picture, garment)
    changed = np.abs(result.image.astype(np.float32) - picture).mean(axis=2)
    return {"person": key, "garment": garment_key, "side": side,
            "head_change": round(float(changed[garments.head].mean()), 2),
            "background_change": round(float(changed[around].mean()), 2),
            "old_uncovered": round(result.old_visible, 3), "outside": round(result.outside, 3),
            "alignment": round(result.alignment, 3),
            "colour_delta_e": round(colour_kept(garment, result), 1), "seconds": round(result.seconds, 3)}, result.image


def panel(grid: list[list[np.ndarray]], path: Path) -> None:
    garments = [photo(key) for key in GARMENTS]
    fig, axes = new_figure(len(grid) + 1, len(GARMENTS) + 1, (1.5 * (len(GARMENTS) + 1), 2.0 * (len(grid) + 1)),
                           squeeze=False)
    axes[0][0].axis("off")
    for column, garment in enumerate(garments, 1):
        axes[0][column].imshow(garment)
        axes[0][column].axis("off")
    for row, line in enumerate(grid, 1):
        for column, picture in enumerate(line):
            axes[row][column].imshow(picture)
            axes[row][column].axis("off")
    save_figure(fig, path, "Try-on: people (left) wearing garments laid flat (top)")
    # 256 colours are plenty to look at and keep the picture small in the repository
    Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def summarise(rows: list[dict]) -> dict:
    keys = ("head_change", "background_change", "old_uncovered", "outside", "alignment", "colour_delta_e", "seconds")
    return {k: {"mean": round(float(np.nanmean([r[k] for r in rows])), 3),
                "max": round(float(np.nanmax([r[k] for r in rows])), 3)} for k in keys}


def read_as(classifier_path: str, rows: list[dict], results: list[np.ndarray]) -> dict:
    """The attribute classifier's colour and article type of the results, the people before and the
    products, each against the garment's own catalogue values."""
    from couturier.data.catalogue import pad_to_square
    from couturier.metrics.attributes import load_attribute_judge

    judge = load_attribute_judge(Path(classifier_path))
    with (SHARED.parent / "styles.csv").open() as fh:
        listed = {row["id"]: row for row in csv.DictReader(fh)}

    def predicted(pictures: list[np.ndarray]) -> dict[str, list[str]]:
        squares = np.stack([np.asarray(pad_to_square(Image.fromarray(p)).resize((64, 64), Image.Resampling.BOX))
                            for p in pictures]).transpose(0, 3, 1, 2)
        return judge.predict(squares)[1]

    wanted = {c: [listed[r["garment"]][c] for r in rows] for c in ("baseColour", "articleType")}
    readings = {"results": predicted(results), "people before": predicted([photo(r["person"]) for r in rows]),
                "products": predicted([photo(r["garment"]) for r in rows])}
    return {what: {c: round(float(np.mean([p == w for p, w in zip(read[c], wanted[c])])), 3) for c in wanted}
            for what, read in readings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classifier", help="an attribute classifier (.safetensors) to read the results with")
    args = parser.parse_args()
    try_on(photo(PEOPLE[0]), photo(GARMENTS[0]))  # the networks' first calls build them: not timed
    rows, grid, results = [], [], []
    for index, key in enumerate(PEOPLE):
        line = [photo(key)]
        for garment_key in GARMENTS:
            row, image = measure(key, garment_key)
            rows.append(row)
            results.append(image)
            line.append(image)
            print(json.dumps(row), flush=True)
        if index % 2 == 0:
            grid.append(line)
    panel(grid, DOCS / "try-on.png")
    large = [measure(key, garment_key, 512)[0] for key, garment_key in zip(PEOPLE[:5], GARMENTS)]
    summary = {"pairs": len(rows), **summarise(rows),
               "head_at_most_2": sum(r["head_change"] <= 2 for r in rows),
               "background_at_most_2": sum(r["background_change"] <= 2 for r in rows),
               "seconds_512": {"median": round(float(np.median([r["seconds"] for r in large])), 3),
                               "max": round(float(np.max([r["seconds"] for r in large])), 3)}}
    if args.classifier:
        summary["classifier_reads_the_garment"] = read_as(args.classifier, rows, results)
    summary["garments_checked"] = garments_checked()
    write_text(DOCS / "try-on.json", json.dumps({"date": time.strftime("%Y-%m-%d"), "side": SIDE,
                                                 "summary": summary, "rows": rows, "at_512": large}, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
