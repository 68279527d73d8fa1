"""Style transfer and fabric synthesis: put a fabric on a garment, grow new fabric from a swatch.

    from couturier import style
    net = style.load_style_net()                      # ImageNet EfficientNet-Lite0; "random" offline
    garment = style.read_rgb("shirt.jpg", 512)
    fabric = style.read_rgb("tweed.jpg", 512)
    result = style.stylize(garment, fabric, net, mask=style.garment_mask(garment))
    style.save_rgb(result.image, "tweed-shirt.png")
"""
from __future__ import annotations

import time

import torch

from couturier.style.adain import FastStylizer, load_fast_stylizer, train_decoder
from couturier.style.drape import FABRIC_SCALE, drape, drape_fabric, fabric_at_scale
from couturier.style.features import StyleNetError, load_style_net
from couturier.style.images import (
    StyleInputError,
    composite,
    from_pil,
    keep_colours,
    read_mask,
    read_rgb,
    require_min_side,
    save_rgb,
    seam_ratio,
    to_pil,
)
from couturier.style.masks import cut_swatch, garment_mask
from couturier.style.periodic import dominant_period, lattice
from couturier.style.texture import synthesize_texture
from couturier.style.transfer import StyleResult, stylize
from couturier.style.worn import WORN, fabric_note, garment_region, worn_garment_mask


def stylize_fast(content: torch.Tensor, style: torch.Tensor, stylizer: FastStylizer, alpha: float = 1.0,
                 mask: torch.Tensor | None = None, preserve_color: bool = False,
                 fabric_scale: float | None = FABRIC_SCALE) -> StyleResult:
    """The one-pass AdaIN version of `stylize`, with the same mask, colour and fabric options. A
    fabric is draped first and the decoder redraws the draped garment in the fabric's statistics:
    given the bare garment, it kept the garment's layout and only took the fabric's colours and
    a streaky grain (`tests/style/test_adain.py` checks that the drape puts the stripes back)."""
    require_min_side(content, "content picture")
    require_min_side(style, "style picture")
    start = time.perf_counter()
    source = content
    if fabric_scale:
        draped = drape_fabric(content, style, mask, fabric_scale)
        style, source, mask = draped.fabric, draped.picture, draped.mask
    result = stylizer(source, style, alpha)
    if preserve_color:
        result = keep_colours(result, content)
    return StyleResult(composite(result, content, mask), float("nan"), float("nan"), time.perf_counter() - start)


__all__ = ["FABRIC_SCALE", "cut_swatch", "dominant_period", "drape", "lattice", "fabric_at_scale", "FastStylizer", "StyleInputError", "StyleNetError", "StyleResult", "garment_mask", "from_pil", "load_fast_stylizer",
           "load_style_net", "read_mask", "read_rgb", "save_rgb", "seam_ratio", "stylize", "stylize_fast",
           "synthesize_texture", "to_pil", "train_decoder", "WORN", "fabric_note", "garment_region", "worn_garment_mask"]
