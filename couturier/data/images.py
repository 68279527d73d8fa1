"""Image I/O: folders of images in, grids / folders / GIFs out.

Images travel as uint8 numpy arrays shaped (N, C, H, W) with C = 1 or 3.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from couturier.fileio import atomic_path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
MAX_SOURCE_PIXELS = 64 * 1024 * 1024  # pictures declaring more are refused from their header, before decoding

# What a damaged, hostile or merely odd picture raises while being read. ValueError covers PIL's
# "Decompressed Data Too Large" for text/ICC chunks that inflate without bound.
UNREADABLE = (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError)


class ImageTooLarge(ValueError):
    """A picture's header declares more pixels than we decode."""


def open_picture(source, channels: int, max_pixels: int = MAX_SOURCE_PIXELS) -> Image.Image:
    """Decode one picture as L or RGB, upright as its EXIF orientation says (phones store photos
    sideways and mark them). Raises one of UNREADABLE, or ImageTooLarge from the header alone."""
    with Image.open(source) as image:
        if image.width * image.height > max_pixels:
            raise ImageTooLarge(f"{image.width}x{image.height} pixels, over the cap of {max_pixels:,}")
        upright = ImageOps.exif_transpose(image) or image
        return to_mode(upright, channels)


def to_mode(image: Image.Image, channels: int) -> Image.Image:
    """Convert any PIL mode (RGBA, palette, CMYK, 16-bit, ...) to L or RGB.

    Transparent pixels are composited onto white, the usual catalogue background.
    """
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        scale = 65535.0 if array.max() > 255 else 255.0
        image = Image.fromarray(np.clip(array / scale * 255.0, 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return image.convert("L" if channels == 1 else "RGB")


def load_image(path: str | Path, resolution: int, channels: int) -> np.ndarray:
    """Read one image, centre-crop it square and resize it: uint8 (C, H, W)."""
    image = ImageOps.fit(open_picture(path, channels), (resolution, resolution), Image.Resampling.LANCZOS)
    array = np.asarray(image, dtype=np.uint8)
    return array[None] if channels == 1 else array.transpose(2, 0, 1)


def list_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def load_folder(folder: str | Path, resolution: int, channels: int):
    """Load every image under `folder` into memory.

    Returns (images uint8 [N,C,H,W], labels int64 [N], class_names, skipped). When the
    images sit in sub-folders, each sub-folder is a class; otherwise there is one class.
    Unreadable files are skipped and counted, never a crash halfway through.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"image folder {folder} does not exist; pass a folder of .png/.jpg files")
    paths = list_images(folder)
    if not paths:
        raise FileNotFoundError(f"no images (.png, .jpg, ...) found under {folder}")
    class_names = sorted({p.parent.relative_to(folder).as_posix() for p in paths})
    if class_names == ["."]:
        class_names = [folder.name]
    class_index = {name: i for i, name in enumerate(class_names)}
    images, labels, skipped = [], [], 0
    for path in paths:
        try:
            images.append(load_image(path, resolution, channels))
        except UNREADABLE:  # damaged, hostile or huge: skipped and counted, never the end of the run
            skipped += 1
            continue
        relative = path.parent.relative_to(folder).as_posix()
        labels.append(class_index.get(relative, 0))
    if not images:
        raise FileNotFoundError(f"none of the {len(paths)} image files under {folder} could be read")
    return np.stack(images), np.asarray(labels, dtype=np.int64), tuple(class_names), skipped


def to_uint8(images) -> np.ndarray:
    """Map generator output in [-1, 1] (tensor or array, N,C,H,W) to uint8."""
    if hasattr(images, "detach"):
        images = images.detach().float().cpu().numpy()
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_grid(images: np.ndarray, columns: int, padding: int = 2, pad_value: int = 255) -> Image.Image:
    """Tile uint8 images (N,C,H,W) into one PIL image, `columns` per row."""
    n, c, h, w = images.shape
    columns = max(1, min(columns, n))
    rows = math.ceil(n / columns)
    grid = np.full((c, rows * (h + padding) + padding, columns * (w + padding) + padding), pad_value, np.uint8)
    for i in range(n):
        r, col = divmod(i, columns)
        y, x = padding + r * (h + padding), padding + col * (w + padding)
        grid[:, y:y + h, x:x + w] = images[i]
    return Image.fromarray(grid[0] if c == 1 else grid.transpose(1, 2, 0))


def save_image(image: Image.Image, path: str | Path, **kwargs) -> None:
    with atomic_path(path) as tmp:
        image.save(tmp, format=_format_of(path), **kwargs)


def _format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    return {".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}.get(suffix, "PNG")


def save_grid(images: np.ndarray, path: str | Path, columns: int, scale: int = 1,
              row_labels: list[str] | None = None) -> None:
    grid = make_grid(images, columns)
    if scale > 1:
        grid = grid.resize((grid.width * scale, grid.height * scale), Image.Resampling.NEAREST)
    if row_labels:
        grid = label_rows(grid, row_labels, images.shape[2] * scale, 2 * scale)
    save_image(grid, path)


LABEL_WIDTH, LABEL_LINES = 200, 3


def label_rows(grid: Image.Image, labels: list[str], row_height: int, padding: int) -> Image.Image:
    """The grid with each row's label (a class, a description) in a column on its left, wrapped to
    LABEL_LINES lines and cut with an ellipsis where longer: a description names what a row draws."""
    from PIL import ImageDraw, ImageFont

    size = int(np.clip(row_height / 5, 10, 14))
    font = ImageFont.load_default(size=size)
    canvas = Image.new(grid.mode, (grid.width + LABEL_WIDTH, grid.height), 255 if grid.mode == "L" else (255,) * 3)
    canvas.paste(grid, (LABEL_WIDTH, 0))
    draw = ImageDraw.Draw(canvas)
    for row, label in enumerate(labels):
        lines = _wrap(label, lambda text: draw.textlength(text, font=font) <= LABEL_WIDTH - 8)
        top = padding + row * (row_height + padding) + (row_height - len(lines) * (size + 2)) // 2
        for i, line in enumerate(lines):
            draw.text((4, top + i * (size + 2)), line, font=font, fill=0 if grid.mode == "L" else (0, 0, 0))
    return canvas


def _wrap(text: str, fits) -> list[str]:
    """Words into at most LABEL_LINES lines that fit; the last cut with an ellipsis if text is left."""
    words, lines = text.split(), []
    while words and len(lines) < LABEL_LINES:
        line = words.pop(0)
        while words and fits(f"{line} {words[0]}"):
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if lines and (words or not fits(lines[-1])):
        last = lines[-1]
        while last and not fits(last + "…"):
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def save_folder(images: np.ndarray, folder: str | Path, names: list[str]) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for image, name in zip(images, names):
        pil = Image.fromarray(image[0] if image.shape[0] == 1 else image.transpose(1, 2, 0))
        save_image(pil, folder / name)


def save_gif(frames: list[np.ndarray], path: str | Path, columns: int, duration_ms: int = 80,
             scale: int = 2) -> None:
    """Write an animated GIF; each frame is a batch of images tiled into a grid."""
    grids = []
    for frame in frames:
        grid = make_grid(frame, columns)
        grids.append(grid.resize((grid.width * scale, grid.height * scale), Image.Resampling.NEAREST))
    with atomic_path(path) as tmp:
        grids[0].save(tmp, format="GIF", save_all=True, append_images=grids[1:], duration=duration_ms, loop=0)
