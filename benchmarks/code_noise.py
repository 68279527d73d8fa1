"""Where a text-to-image G puts its variety: in z, or in the conditioning code's noise?

    python benchmarks/code_noise.py runs/bench/t2i-cmp/projected-attr3-sentence-64px-w16-30min

For each prompt, 16 seeds are drawn three ways and the pixel standard deviation across them
(averaged over pixels, images in [-1, 1]) is printed: z varied with the code at its mean (how
runs sampled before model.code_spread), the code's noise varied with z fixed at 0, and both
varied as in training. A G that ignores z but not the code's noise draws one garment per
description when sampled at the code's mean.
"""
from __future__ import annotations

import argparse

import torch

from couturier.sampling import encode_prompts, load_generator
from couturier.text2image.networks import CODE_DIM

PROMPTS = ("Black Watches for Men", "Blue Tshirts for Men", "Red Tops for Women", "Brown Handbags for Women")


def spreads(run: str, prompts: tuple[str, ...], seeds: int = 16) -> list[dict]:
    loaded = load_generator(run)
    generator = loaded.generator
    texts = encode_prompts(loaded, list(prompts), literal=True)
    g = torch.Generator().manual_seed(0)
    z = torch.randn(seeds, generator.z_dim, generator=g)
    eps = torch.randn(seeds, CODE_DIM, generator=g)
    rows = []
    with torch.no_grad():
        for prompt, text in zip(prompts, texts):
            text = text[None].expand(seeds, -1)
            draws = {"z only": generator(z, text, torch.zeros_like(eps))[0],
                     "code noise only": generator(torch.zeros_like(z), text, eps)[0],
                     "both": generator(z, text, eps)[0]}
            rows.append({"prompt": prompt, **{k: float(v.std(dim=0).mean()) for k, v in draws.items()}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a text-to-image run folder")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for row in spreads(args.run, PROMPTS):
        print(f"{row['prompt']:28s} " + ", ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "prompt"))


if __name__ == "__main__":
    main()
