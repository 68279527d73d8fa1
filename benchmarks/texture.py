"""Tileable fabric from swatches: does the result keep the swatch's repeat, and is it seamless?

    python benchmarks/texture.py --sizes 256,512        # ~3 minutes on 2 cores; docs/style/texture.{png,json}

Seven swatches: four cut from catalogue photos of other products than the stylize panel's garments
(checks, stripes, a floral, denim; 8x enlarged crops of 60x80 photos) and three of scikit-image's
textures (brick, grass, gravel; 256 px). Each is grown tileable at each size with the CLI's defaults
(`couturier texture SWATCH --size S --tileable`). Per result: how it was made (the swatch's repeat
tiled, or synthesis), the seam ratio (1 = the seams of a 2x2 tiling are no stronger than any
neighbouring pixels' difference; at most 1.10 wanted) as delivered (the tile cut where the fabric
is calmest) and with the cut anywhere (the median over 32 places), and the dominant period (the
peak of the ring-averaged power spectrum, over periods up to half the swatch's short side) of the
swatch and of the result (within 10% wanted), the swatch's own spread (its halves' periods), and
how far the swatch's peak stands out (about 1: no repeat, the peak only marks where the power
stops growing). The panel shows each swatch, its
512 px result and that result tiled 2x2.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from couturier import style
from couturier.fileio import write_text
from couturier.style.periodic import PROMINENT, spectrum_peak
from couturier.viz import new_figure, save_figure

DOCS = Path("docs/style")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-products" / "images"
CATALOGUE = {"checks": ("2131", (18, 34, 42, 58)), "stripes": ("3789", (18, 36, 42, 60)),
             "floral": ("6883", (16, 46, 38, 62)), "denim": ("25719", (10, 46, 40, 62))}
SKIMAGE = ("brick", "grass", "gravel")


def swatches() -> dict[str, torch.Tensor]:
    import skimage.data  # the bench extra: its pictures ship inside the package

    found = {}
    for name, (key, box) in CATALOGUE.items():
        crop = Image.open(SHARED / f"{key}.jpg").convert("RGB").crop(box)
        found[name] = style.from_pil(crop.resize((crop.width * 8, crop.height * 8), Image.Resampling.BICUBIC))
    for name in SKIMAGE:
        found[name] = style.from_pil(Image.fromarray(getattr(skimage.data, name)()).convert("RGB").resize((256, 256)))
    return found


def measure(name: str, swatch: torch.Tensor, net, size: int, seed: int) -> tuple[dict, torch.Tensor]:
    start = time.perf_counter()
    result = style.synthesize_texture(swatch, net, size, tileable=True, seed=seed, progress=False)
    seconds = time.perf_counter() - start
    longest = min(swatch.shape[-2:]) / 2
    (wanted, prominence), got = spectrum_peak(swatch), style.dominant_period(result.image, longest)
    row = {"swatch": name, "size": size, "method": result.method, "seconds": round(seconds, 1),
           "seam_ratio": round(style.seam_ratio(result.image), 3), "typical_cut_seam_ratio": typical_cut(result.image),
           "swatch_period_px": round(wanted, 1), "swatch_peak_prominence": round(prominence, 1),
           "swatch_period_range_px": own_spread(swatch, wanted),
           "result_period_px": round(got, 1), "period_error": round(abs(got - wanted) / wanted, 3)}
    return row, result.image


def own_spread(swatch: torch.Tensor, period: float) -> list[float] | None:
    """The swatch's period measured on each of its halves (top, bottom, left, right), shortest and
    longest: how far a swatch in perspective or a hand-made repeat varies within itself (None when
    the period is too long to measure on a half)."""
    height, width = swatch.shape[-2:]
    longest = min(height, width) / 4
    if period > longest:
        return None
    halves = (swatch[..., :height // 2, :], swatch[..., height // 2:, :], swatch[..., :width // 2], swatch[..., width // 2:])
    periods = [spectrum_peak(half, longest)[0] for half in halves]
    return [round(min(periods), 1), round(max(periods), 1)]


def typical_cut(image: torch.Tensor) -> float:
    """The seam ratio with the tile cut at a random place instead of the calmest one (the median
    over 32 cuts): what the fabric's wrap-around looks like wherever it is cut."""
    rng = np.random.default_rng(0)
    height, width = image.shape[-2:]
    ratios = [style.seam_ratio(image.roll((int(rng.integers(height)), int(rng.integers(width))), (-2, -1)))
              for _ in range(32)]
    return round(float(np.median(ratios)), 3)


def panel(pictures: list[tuple[str, torch.Tensor, torch.Tensor, dict]], path: Path) -> None:
    fig, axes = new_figure(len(pictures), 3, (8.5, 2.9 * len(pictures)), squeeze=False)
    for row, (name, swatch, image, figures) in zip(axes, pictures):
        tiled = torch.cat([torch.cat([image] * 2, 3)] * 2, 2)
        captions = (f"{name}: swatch ({swatch.shape[-1]}x{swatch.shape[-2]}), repeat {figures['swatch_period_px']:.0f} px",
                    f"{figures['method']}, {image.shape[-1]} px: repeat {figures['result_period_px']:.0f} px",
                    f"tiled 2x2: seam ratio {figures['seam_ratio']:.2f}")
        for ax, picture, caption in zip(row, (swatch, image, tiled), captions):
            ax.imshow(np.asarray(style.to_pil(picture)))
            ax.set_title(caption, fontsize=9)
            ax.axis("off")
    save_figure(fig, path, "Tileable fabric from a swatch (couturier texture --tileable)")
    # 256 colours are plenty to look at and keep the picture a third of its size in the repository
    Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,512")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    net = style.load_style_net("lite0")
    # one small synthesis first: the first call pays for allocator and kernel warm-up, not the fabric
    style.synthesize_texture(torch.rand(1, 3, 64, 64), net, 64, tileable=True, steps=2, progress=False)
    rows, pictures = [], []
    for name, swatch in swatches().items():
        for size in (int(s) for s in args.sizes.split(",")):
            row, image = measure(name, swatch, net, size, args.seed)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if size == max(int(s) for s in args.sizes.split(",")):
                pictures.append((name, swatch, image, row))
    panel(pictures, DOCS / "texture.png")
    periodic = [r for r in rows if r["swatch_peak_prominence"] >= PROMINENT]
    summary = {"results": len(rows), "seam_at_most_1.10": sum(r["seam_ratio"] <= 1.10 for r in rows),
               "typical_cut_seam_at_most_1.10": sum(r["typical_cut_seam_ratio"] <= 1.10 for r in rows),
               "period_within_10%": sum(r["period_error"] <= 0.10 for r in rows),
               "with_a_repeat": len(periodic), "their_period_within_10%": sum(r["period_error"] <= 0.10 for r in periodic)}
    write_text(DOCS / "texture.json", json.dumps({"date": time.strftime("%Y-%m-%d"), "torch": torch.__version__,
                                                   "threads": torch.get_num_threads(), "seed": args.seed,
                                                   "summary": summary, "rows": rows}, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
