"""Train the fast stylizer's decoder that ships with couturier (couturier/style/weights/).

    python scripts/train_stylizer.py [--steps 2000] [--threads 2]

Content: apparel photos from ../shared/data/fashion-products (copied to runs/stylizer/content/).
Styles: swatches cut from the catalogue's checked, striped, printed and floral products
(`style.cut_swatch`: the largest square inside the garment) and pictures shipped with
scikit-image, written to runs/stylizer/styles/. The garments and fabrics of the benchmark's panel
(benchmarks/style.py: PANEL_GARMENTS, PANEL_FABRICS) are left out of both. Nothing is downloaded.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from style import PANEL_FABRICS, PANEL_GARMENTS, PANEL_TEXTURES  # noqa: E402

from couturier import style as styling  # noqa: E402
from couturier.style.adain import DECODER_WEIGHTS, STYLE_WEIGHT, train_decoder  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-products"
PICTURES = ["brick", "grass", "gravel", "immunohistochemistry", "coffee", "chelsea", "astronaut", "rocket",
            "hubble_deep_field", "colorwheel", "retina", "cat", "coins", "moon", "camera", "horse", "clock", "cell"]
TINTS = {"indigo": (60, 70, 160), "rust": (180, 80, 40), "olive": (110, 120, 50), "rose": (210, 110, 140)}
PATTERN_WORDS = ("checked", "striped", "printed", "floral", "check ", "stripe")


def write_pictures(folder: Path) -> None:
    import skimage.data  # a dev-only dependency: the pictures ship inside the package, no download

    for name in PICTURES:
        if name in PANEL_TEXTURES:
            continue
        array = getattr(skimage.data, name)()
        if array.dtype != np.uint8:
            array = (array.astype(np.float64) / array.max() * 255).astype(np.uint8)
        array = array[..., :3] if array.ndim == 3 else array
        Image.fromarray(array).save(folder / f"{name}.png")
        if array.ndim == 2 and name in ("grass", "gravel"):
            for tint, rgb in TINTS.items():
                coloured = (array[..., None].astype(np.float32) / 255.0 * np.array(rgb)).astype(np.uint8)
                Image.fromarray(coloured).save(folder / f"{name}-{tint}.png")


def write_catalogue(content: Path, styles: Path, limit: int) -> None:
    held_out = set(PANEL_GARMENTS) | {key for key, _ in PANEL_FABRICS.values()}
    with (SHARED / "styles.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["masterCategory"] == "Apparel" and r["id"] not in held_out]
    for row in rows[:limit]:
        Image.open(SHARED / "images" / f"{row['id']}.jpg").convert("RGB").save(content / f"{row['id']}.png")
    for row in rows:
        if not any(w in row["productDisplayName"].lower() for w in PATTERN_WORDS):
            continue
        try:
            swatch = styling.cut_swatch(styling.read_rgb(SHARED / "images" / f"{row['id']}.jpg"))
        except styling.StyleInputError:
            continue  # no plain background, or no patch of fabric big enough
        if swatch.shape[-1] >= 12:
            styling.to_pil(swatch).save(styles / f"swatch-{row['id']}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--style-weight", type=float, default=STYLE_WEIGHT)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--contents", type=int, default=3000, help="apparel photos to train on")
    parser.add_argument("--out", default=str(DECODER_WEIGHTS))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    content, styles = Path("runs/stylizer/content"), Path("runs/stylizer/styles")
    for folder in (content, styles):
        folder.mkdir(parents=True, exist_ok=True)
    write_pictures(styles)
    write_catalogue(content, styles, args.contents)
    print(f"{len(list(content.iterdir()))} content pictures, {len(list(styles.iterdir()))} styles", flush=True)
    meta = train_decoder(content, styles, args.out, steps=args.steps, style_weight=args.style_weight)
    print(meta)


if __name__ == "__main__":
    main()
