"""Style transfer and fabric synthesis: seconds per 512x512 picture, losses reached, panels.

    python benchmarks/style.py [--size 512] [--threads 2] [--device cpu|cuda]

Inputs are pictures that scikit-image ships (the astronaut's suit, brick, gravel, stained tissue)
and a T-shirt drawn the way the tests draw it; nothing is downloaded. Writes docs/style/*.png and
docs/style/results.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from couturier import style
from couturier.fileio import write_text
from couturier.viz import plot_panel

DOCS = Path("docs/style")


def skimage_picture(name: str, tint: tuple[int, int, int] | None = None) -> Image.Image:
    import skimage.data  # dev-only: the pictures are inside the package

    array = getattr(skimage.data, name)()
    if array.ndim == 2:
        colour = np.array(tint or (255, 255, 255), np.float32) / 255.0
        array = (array[..., None].astype(np.float32) * colour).astype(np.uint8)
    return Image.fromarray(array[..., :3])


def drawn_shirt(size: int) -> Image.Image:
    """A T-shirt with a collar and a pocket on white, drawn like the tests' garment."""
    array = np.full((size, size, 3), 255, np.uint8)
    s = size // 16
    array[4 * s:14 * s, 5 * s:11 * s] = (200, 40, 50)
    array[4 * s:7 * s, 2 * s:14 * s] = (200, 40, 50)
    array[4 * s:5 * s, 7 * s:9 * s] = (255, 255, 255)
    array[8 * s:10 * s, 6 * s:8 * s] = (150, 20, 30)
    return Image.fromarray(array)


def timed(fn, device: str):
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    result = fn()
    if device == "cuda":
        torch.cuda.synchronize()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=150, help="stylize steps (the CLI default)")
    parser.add_argument("--texture-steps", type=int, default=40, help="texture steps (the CLI default)")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    DOCS.mkdir(parents=True, exist_ok=True)
    size = args.size
    shirt = style.from_pil(drawn_shirt(size))
    suit = style.from_pil(skimage_picture("astronaut").crop((100, 280, 420, 512)).resize((size, size * 232 // 320)))
    fabrics = {"gravel-indigo": style.from_pil(skimage_picture("gravel", (150, 170, 255)).resize((256, 256))),
               "stained-tissue": style.from_pil(skimage_picture("immunohistochemistry").resize((256, 256))),
               "brick-rust": style.from_pil(skimage_picture("brick", (190, 90, 50)).resize((256, 256)))}
    net = style.load_style_net()
    results: dict = {"date": time.strftime("%Y-%m-%d"), "machine": platform.processor() or platform.machine(),
                     "threads": torch.get_num_threads(), "torch": torch.__version__, "size": size}

    mask = style.garment_mask(shirt)
    optimised, seconds = timed(lambda: style.stylize(shirt, fabrics["stained-tissue"], net, args.steps, mask=mask),
                               "cpu")
    results["stylize"] = {"seconds": seconds, "steps": args.steps, "content_loss": optimised.content_loss,
                          "style_loss": optimised.style_loss}
    before = style.stylize(shirt, fabrics["stained-tissue"], net, steps=0, mask=mask, progress=False)
    results["stylize"]["style_loss_before"] = before.style_loss
    kept = style.stylize(shirt, fabrics["gravel-indigo"], net, args.steps, mask=mask, preserve_color=True)
    plot_panel([("garment", style.to_pil(shirt)), ("fabric", style.to_pil(fabrics["stained-tissue"])),
                ("stylize --auto-mask", style.to_pil(optimised.image)),
                ("gravel, --preserve-color", style.to_pil(kept.image))], DOCS / "stylize-shirt.png")
    suit_result = style.stylize(suit, fabrics["stained-tissue"], net, args.steps)
    plot_panel([("content", style.to_pil(suit)), ("style", style.to_pil(fabrics["stained-tissue"])),
                ("stylize (random VGG-19)", style.to_pil(suit_result.image))], DOCS / "stylize-suit.png")

    stylizer = style.load_fast_stylizer()
    style.stylize_fast(shirt, fabrics["brick-rust"], stylizer)  # warm-up
    fast_times = []
    for _ in range(3):
        fast, seconds = timed(lambda: style.stylize_fast(shirt, fabrics["brick-rust"], stylizer, mask=mask), "cpu")
        fast_times.append(seconds)
    results["fast"] = {"seconds": float(np.median(fast_times))}
    fast_suit = style.stylize_fast(suit, fabrics["stained-tissue"], stylizer)
    plot_panel([("garment", style.to_pil(shirt)), ("fabric", style.to_pil(fabrics["brick-rust"])),
                ("stylize --fast --auto-mask", style.to_pil(fast.image)),
                ("suit, --fast", style.to_pil(fast_suit.image))], DOCS / "stylize-fast.png")

    swatch = fabrics["stained-tissue"][..., :96, :96]
    fabric, seconds = timed(lambda: style.synthesize_texture(swatch, net, size, tileable=True,
                                                             steps=args.texture_steps), "cpu")
    results["texture"] = {"seconds": seconds, "steps": args.texture_steps, "style_loss": fabric.style_loss,
                          "seam_ratio_tileable": style.seam_ratio(fabric.image),
                          "seam_ratio_swatch": style.seam_ratio(swatch)}
    tiled = torch.cat([torch.cat([fabric.image] * 2, 3)] * 2, 2)
    plot_panel([("swatch 96px", style.to_pil(swatch)), (f"texture --size {size} --tileable",
                                                        style.to_pil(fabric.image)),
                ("tiled 2x2", style.to_pil(tiled))], DOCS / "texture.png")
    write_text(DOCS / "results.json", json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
