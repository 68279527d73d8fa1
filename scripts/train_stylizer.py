"""Train the fast stylizer's decoder that ships with couturier (couturier/style/weights/).

    python scripts/train_stylizer.py [--steps 3000] [--threads 2]

Content: the product photos in ../shared/data/fashion-products/images (read in place).
Styles: pictures shipped with scikit-image (brick, grass, gravel, stained tissue, coffee, ...),
plus the grey textures tinted in a few colours, written to runs/stylizer/styles/. Nothing is
downloaded.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from couturier.style.adain import DECODER_WEIGHTS, train_decoder

SHARED_IMAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-products" / "images"
PICTURES = ["brick", "grass", "gravel", "immunohistochemistry", "coffee", "chelsea", "astronaut", "rocket",
            "hubble_deep_field", "colorwheel", "retina", "cat", "coins", "moon", "camera", "horse", "clock", "cell"]
TINTS = {"indigo": (60, 70, 160), "rust": (180, 80, 40), "olive": (110, 120, 50), "rose": (210, 110, 140)}


def write_styles(folder: Path) -> Path:
    import skimage.data  # a dev-only dependency: the pictures ship inside the package, no download

    folder.mkdir(parents=True, exist_ok=True)
    for name in PICTURES:
        array = getattr(skimage.data, name)()
        if array.dtype != np.uint8:
            array = (array.astype(np.float64) / array.max() * 255).astype(np.uint8)
        array = array[..., :3] if array.ndim == 3 else array
        Image.fromarray(array).save(folder / f"{name}.png")
        if array.ndim == 2 and name in ("brick", "grass", "gravel"):
            for tint, rgb in TINTS.items():
                coloured = (array[..., None].astype(np.float32) / 255.0 * np.array(rgb)).astype(np.uint8)
                Image.fromarray(coloured).save(folder / f"{name}-{tint}.png")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--out", default=str(DECODER_WEIGHTS))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    styles = write_styles(Path("runs/stylizer/styles"))
    meta = train_decoder(SHARED_IMAGES, styles, args.out, steps=args.steps)
    print(meta)


if __name__ == "__main__":
    main()
