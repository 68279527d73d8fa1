"""Catalogues: images with descriptions, for text-to-image.

Accepted layouts (`data.dataset`):
- a CSV or JSONL file with an image column (a path, or an id that names `<image_dir>/<id>.jpg`),
  an optional free-text column and optional attribute columns;
- a folder holding `styles.csv` and `images/<id>.jpg` (the fashion product catalogue's layout:
  id, gender, masterCategory, subCategory, articleType, baseColour, season, year, usage,
  productDisplayName);
- a folder of images with a `captions.csv` or `captions.jsonl` beside them;
- `fashion-mnist`, whose descriptions are its class names ("ankle boot").

Without a free-text column the description is composed from the attributes ("Blue Tshirts for
Men, Sports"). Images become RGB squares padded with their own background colour (white stays
white), never stretched. Unreadable images and rows without an image are skipped and counted.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from couturier.data.fashion_mnist import CLASS_NAMES, DataError, load_fashion_mnist
from couturier.data.images import UNREADABLE, list_images, open_picture
from couturier.fileio import atomic_path, user_cache_dir

# Column names tried, in order, when the user names none.
IMAGE_COLUMNS = ("image", "image_path", "path", "file", "filename", "id")
TEXT_COLUMNS = ("text", "caption", "description", "productDisplayName", "prompt")
CATALOGUE_ATTRIBUTES = ("gender", "articleType", "baseColour", "usage", "season")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


@dataclass
class Catalogue:
    images: np.ndarray  # uint8 (N, 3, S, S)
    texts: list[str]
    attributes: dict[str, list[str]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)  # the image column's value of each kept row
    skipped_unreadable: int = 0
    skipped_missing: int = 0

    def summary(self) -> str:
        return (f"{len(self.texts)} images with descriptions; skipped {self.skipped_missing} row(s) without an "
                f"image and {self.skipped_unreadable} unreadable image(s)")


def compose_description(row: dict[str, str], columns: tuple[str, ...]) -> str:
    """'Blue Tshirts for Men, Sports' from attribute columns (catalogue order: colour, article,
    gender, usage); any other columns are appended in order."""
    values = {c: (row.get(c) or "").strip() for c in columns}
    values = {c: v for c, v in values.items() if v and v.upper() != "NA"}
    head = " ".join(values[c] for c in ("baseColour", "articleType") if c in values)
    parts = [head] if head else []
    if "gender" in values:
        parts.append(f"for {values['gender']}")
    rest = [v for c, v in values.items() if c not in ("baseColour", "articleType", "gender")]
    text = " ".join(parts)
    return ", ".join([text, *rest]) if text else ", ".join(rest)


def pad_to_square(image: Image.Image) -> Image.Image:
    """Pad the short side with the image's background colour (the median of its border)."""
    width, height = image.size
    if width == height:
        return image
    array = np.asarray(image)
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    colour = tuple(int(v) for v in np.median(border, axis=0))
    side = max(width, height)
    square = Image.new("RGB", (side, side), colour)
    square.paste(image, ((side - width) // 2, (side - height) // 2))
    return square


def load_square(path: Path, size: int) -> np.ndarray:
    rgb = open_picture(path, 3)
    square = pad_to_square(rgb).resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(square, dtype=np.uint8).transpose(2, 0, 1)


def read_table(path: Path, field: str = "data.dataset") -> list[dict[str, str]]:
    """The rows of a CSV or JSONL table as dicts of strings."""
    try:
        return _parse_rows(path)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start}); save the table as UTF-8",
                        field=field) from exc
    except csv.Error as exc:
        raise DataError(f"{path} is not a readable CSV table ({exc})", field=field) from exc


def _parse_rows(path: Path) -> list[dict[str, str]]:
    # utf-8-sig: spreadsheet programs start CSV files with a byte-order mark, which would
    # otherwise become part of the first column's name ("\ufeffid")
    if path.suffix.lower() == ".jsonl":
        rows = []
        with path.open(encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append({k: "" if v is None else str(v) for k, v in json.loads(line).items()})
                    except (json.JSONDecodeError, AttributeError) as exc:
                        raise DataError(f"{path}:{number} is not a JSON object ({exc})") from exc
        return rows
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


NAME_COLUMN = "productDisplayName"


def name_tables(data: str | Path, columns: tuple[str, ...]) -> list[Path]:
    """The CSV tables in a catalogue's folder and its sub-folders whose header has an id column
    and a product name or one of `columns`: a shop's whole product list often sits beside the
    photos it shares (fashion-products keeps its 44k names in source_csv/). Only headers are read
    here, so other tables in the folder cost nothing."""
    folder = Path(data) if Path(data).is_dir() else Path(data).parent
    found = []
    for table in sorted(folder.glob("*.csv")) + sorted(folder.glob("*/*.csv")):
        try:
            with table.open(encoding="utf-8-sig", newline="") as fh:
                header = next(csv.reader(fh), [])
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
        if "id" in header and ({NAME_COLUMN, *columns} & set(header)):
            found.append(table)
    return found


def product_names(tables: list[Path], columns: tuple[str, ...], skip_unreadable: bool = False) -> list[dict[str, str]]:
    """Rows with a product name (NAME_COLUMN) and a value in each of `columns`, from `tables` joined
    by their id column (a table of names and a table of values make one), or as they are when no
    table has an id. With `skip_unreadable`, a table that is not UTF-8 CSV is left out."""
    read = []
    for table in tables:
        try:
            read.append(read_table(table))
        except DataError:
            if not skip_unreadable:
                raise
    by_id: dict[str, dict[str, str]] = {}
    for rows in read:
        for row in rows:
            if row.get("id"):
                by_id.setdefault(row["id"], {}).update({k: v for k, v in row.items() if k and v})
    merged = list(by_id.values()) if by_id else [row for rows in read for row in rows]
    return [row for row in merged if row.get(NAME_COLUMN) and all(row.get(c) for c in columns)]


def _resolve_layout(data: Path) -> tuple[Path, Path]:
    """(table file, image folder) for a file or one of the folder layouts."""
    if data.is_file():
        images = data.parent / "images"
        return data, images if images.is_dir() else data.parent
    if data.is_dir():
        for name in ("styles.csv", "captions.csv", "captions.jsonl", "metadata.jsonl"):
            if (data / name).is_file():
                images = data / "images"
                return data / name, images if images.is_dir() else data
        raise DataError(f"{data} has no styles.csv, captions.csv or captions.jsonl; add one with an image column "
                        f"and a text column")
    raise DataError(f"{data} does not exist; pass a CSV/JSONL file, a catalogue folder or 'fashion-mnist'")


def _pick(columns: list[str], wanted: str, candidates: tuple[str, ...], what: str, table: Path) -> str | None:
    if wanted:
        if wanted not in columns:
            raise DataError(f"{table} has no {what} column {wanted!r}; columns found: {', '.join(columns)}")
        return wanted
    return next((c for c in candidates if c in columns), None)


def _find_image(folder: Path, value: str) -> Path | None:
    candidate = folder / value
    if candidate.suffix and candidate.is_file():
        return candidate
    for extension in IMAGE_EXTENSIONS:
        if (folder / f"{value}{extension}").is_file():
            return folder / f"{value}{extension}"
    return None


def load_catalogue(data: str | Path, size: int = 64, image_column: str = "", text_column: str = "",
                   attribute_columns: str = "", image_dir: str = "", cache: bool = True,
                   progress: bool = True) -> Catalogue:
    """Read a catalogue into memory at size x size (RGB), caching the decoded pixels."""
    if str(data) == "fashion-mnist":
        return _fashion_mnist_catalogue(size)
    table, images_folder = _resolve_layout(Path(data))
    images_folder = Path(image_dir) if image_dir else images_folder
    rows = read_table(table)
    if not rows:
        raise DataError(f"{table} has no rows")
    columns = list(rows[0].keys())
    image_col = _pick(columns, image_column, IMAGE_COLUMNS, "image", table)
    if image_col is None:
        raise DataError(f"{table} has no image column; name it in data.image_column (columns found: "
                        f"{', '.join(columns)})", field="data.image_column")
    text_col = _pick(columns, text_column, TEXT_COLUMNS, "text", table)
    if attribute_columns:
        attributes = tuple(a.strip() for a in attribute_columns.split(",") if a.strip())
        for name in attributes:
            _pick(columns, name, (), "attribute", table)
    else:
        attributes = tuple(c for c in CATALOGUE_ATTRIBUTES if c in columns)
    if text_col is None and not attributes:
        raise DataError(f"{table} has neither a text column nor attribute columns; name one in data.text_column "
                        f"(columns found: {', '.join(columns)})", field="data.text_column")

    key = hashlib.sha256(f"{table.resolve()}|{table.stat().st_mtime_ns}|{images_folder.resolve()}|{size}|"
                         f"{image_col}|{_folder_stamp(images_folder)}".encode()).hexdigest()[:16]
    cached = user_cache_dir("catalogues") / f"{key}.npz"
    if cache and cached.is_file():
        with np.load(cached) as stored:
            kept, pixels = stored["kept"], stored["images"]
            missing, unreadable = int(stored["missing"]), int(stored["unreadable"])
    else:
        kept, pixels, missing, unreadable = _decode(rows, image_col, images_folder, size, progress)
        if cache:
            with atomic_path(cached) as tmp:
                with tmp.open("wb") as fh:
                    np.savez(fh, kept=kept, images=pixels, missing=missing, unreadable=unreadable)
    if len(kept) == 0:
        raise DataError(f"none of the {len(rows)} rows of {table} matched a readable image in {images_folder} "
                        f"(column {image_col!r}); check data.image_dir and data.image_column", field="data.image_dir")
    chosen = [rows[i] for i in kept]
    texts = [_description(row, text_col, attributes) for row in chosen]
    return Catalogue(pixels, texts, {a: [(row.get(a) or "").strip() for row in chosen] for a in attributes},
                     [(row.get(image_col) or "").strip() for row in chosen], unreadable, missing)


def _folder_stamp(folder: Path) -> str:
    """Names, sizes and modification times of the pictures: replacing one invalidates the cache."""
    digest = hashlib.sha256()
    for path in list_images(folder):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _description(row: dict[str, str], text_col: str | None, attributes: tuple[str, ...]) -> str:
    text = (row.get(text_col) or "").strip() if text_col else ""
    composed = compose_description(row, attributes) if attributes else ""
    # The free text of a catalogue (a product name) rarely says colour or gender; keep both.
    return ". ".join(t for t in (composed, text) if t) or "garment"


def vary_wording(catalogue: Catalogue) -> list[str]:
    """The same looks under several wordings, from the catalogue's own fields: a third of the
    images keep the full description, a third are described by their attributes alone ("Blue
    Tshirts for Men, Sports, Summer"), a third by their free text alone (the product name). A
    model that saw only the long form treats a short or new phrasing as far from every look.
    Which third an image is in follows from its key, so a resumed run words it the same."""
    names = tuple(catalogue.attributes)
    varied = []
    for i, (text, key) in enumerate(zip(catalogue.texts, catalogue.keys)):
        composed = compose_description({a: catalogue.attributes[a][i] for a in names}, names) if names else ""
        free = text[len(composed) + 2:] if composed and text.startswith(composed + ". ") else ""
        choice = int(hashlib.sha256(f"{key}|{i}".encode()).hexdigest(), 16) % 3
        varied.append((text, composed or text, free or text)[choice])
    return varied


def _decode(rows, image_col, folder: Path, size: int, progress: bool):
    from tqdm import tqdm

    kept, pixels, missing, unreadable = [], [], 0, 0
    for index, row in enumerate(tqdm(rows, desc="reading images", unit="img", disable=not progress,
                                     mininterval=1.0)):
        value = (row.get(image_col) or "").strip()
        path = _find_image(folder, value) if value else None
        if path is None:
            missing += 1
            continue
        try:
            pixels.append(load_square(path, size))
        except UNREADABLE:
            unreadable += 1
            continue
        kept.append(index)
    array = np.stack(pixels) if pixels else np.zeros((0, 3, size, size), np.uint8)
    return np.asarray(kept, dtype=np.int64), array, missing, unreadable


def _fashion_mnist_catalogue(size: int) -> Catalogue:
    """Fashion-MNIST as a catalogue: descriptions are the class names, images grey RGB."""
    images, labels = load_fashion_mnist("train")
    resized = np.stack([np.asarray(Image.fromarray(im).resize((size, size), Image.Resampling.BILINEAR))
                        for im in images]) if size != 28 else images
    rgb = np.repeat(resized[:, None], 3, axis=1)
    names = [CLASS_NAMES[i] for i in labels]
    return Catalogue(rgb, names, {"articleType": names}, [str(i) for i in range(len(names))])
