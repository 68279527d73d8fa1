"""Pictures in and out of the style tools: capped reading, masks, colour, tiling.

Images travel as float tensors (1, 3, H, W) in [0, 1]; masks as (1, 1, H, W) in [0, 1].
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from couturier.errors import StyleInputError
from couturier.data.images import UNREADABLE, ImageTooLarge, open_picture, save_image

DEFAULT_MAX_PIXELS = 50_000_000  # a 7,000 x 7,000 photo; decoding more takes GBs of memory



def read_rgb(path: str | Path, size: int | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
             enlarge: bool = True) -> torch.Tensor:
    """Any readable picture (grey, RGBA, palette, CMYK, 16-bit) as RGB, its long side scaled to
    `size` (only ever down when `enlarge` is False, as for a swatch)."""
    path = Path(path)
    if path.is_dir():
        raise StyleInputError(f"{path} is a folder; pass a picture file (PNG, JPEG, ...)")
    if not path.is_file():
        raise StyleInputError(f"{path} does not exist")
    return _decode(path, str(path), size, max_pixels, enlarge)


def read_rgb_bytes(data: bytes, size: int | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
                   enlarge: bool = True) -> torch.Tensor:
    """`read_rgb` for an uploaded file's bytes."""
    return _decode(io.BytesIO(data), "the upload", size, max_pixels, enlarge)


def _decode(source, name: str, size: int | None, max_pixels: int, enlarge: bool) -> torch.Tensor:
    try:
        rgb = open_picture(source, 3, max_pixels)  # the size is checked from the header, before decoding
    except ImageTooLarge as exc:
        raise StyleInputError(f"{name} has {exc}; shrink it or raise max_pixels", field="max_pixels") from exc
    except UNREADABLE as exc:
        raise StyleInputError(f"{name} is not a readable image ({exc.__class__.__name__})") from exc
    if size is not None and (enlarge or max(rgb.size) > size):
        scale = size / max(rgb.size)
        rgb = rgb.resize((max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
                         Image.Resampling.LANCZOS)
    return from_pil(rgb)


MIN_SIDE = 32  # the network halves the image four times and pads by reflection at every level


def require_min_side(x: torch.Tensor, what: str) -> None:
    height, width = x.shape[-2:]
    if min(height, width) < MIN_SIDE:
        raise StyleInputError(f"the {what} is {width}x{height}; the style network needs at least {MIN_SIDE} "
                              f"pixels a side: use a bigger picture or a larger size", field="size")


def from_pil(image: Image.Image) -> torch.Tensor:
    return torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0).permute(2, 0, 1)[None].contiguous()


def to_pil(x: torch.Tensor) -> Image.Image:
    array = (x[0].detach().clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255.0 + 0.5).astype(np.uint8)
    return Image.fromarray(array, "RGB")


def save_rgb(x: torch.Tensor, path: str | Path) -> None:
    save_image(to_pil(x), path)


def read_mask(path: str | Path, height: int, width: int) -> torch.Tensor:
    """A mask picture (white = garment) of exactly the content's size."""
    path = Path(path)
    try:
        grey = open_picture(path, 1)
    except UNREADABLE as exc:
        raise StyleInputError(f"mask {path} is not a readable image ({exc.__class__.__name__})") from exc
    if grey.size != (width, height):
        raise StyleInputError(f"mask {path} is {grey.width}x{grey.height} but the content is "
                              f"{width}x{height}; give a mask of the content's size", field="mask")
    return torch.from_numpy(np.asarray(grey, dtype=np.float32) / 255.0)[None, None]


def composite(result: torch.Tensor, original: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The result inside the mask, the original outside it."""
    return result if mask is None else mask * result + (1.0 - mask) * original


def keep_colours(result: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """The result's luminance with the content's chroma (Gatys et al. 2016, "Preserving colour")."""
    result_ycc = np.asarray(to_pil(result).convert("YCbCr"))
    content_ycc = np.asarray(to_pil(content).convert("YCbCr"))
    mixed = np.concatenate([result_ycc[..., :1], content_ycc[..., 1:]], axis=2)
    return from_pil(Image.fromarray(mixed, "YCbCr"))


def seam_ratio(x: torch.Tensor) -> float:
    """How visible the seams are when the image is tiled 2x2: the mean jump across the seams over
    the mean jump between neighbouring pixels elsewhere. About 1 for a tileable image."""
    tiled = torch.cat([torch.cat([x, x], 3)] * 2, 2)[0].mean(0)
    height, width = x.shape[-2:]
    across_columns = (tiled[:, 1:] - tiled[:, :-1]).abs()
    across_rows = (tiled[1:] - tiled[:-1]).abs()
    seam = torch.cat([across_columns[:, width - 1], across_rows[height - 1]]).mean()
    inside = torch.cat([across_columns.flatten(), across_rows.flatten()]).mean()
    return float(seam / inside.clamp_min(1e-8))
