"""A catalogue as training data: images with their descriptions' embeddings as the condition."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import torch

from couturier.config import Config, DataConfig
from couturier.data import ImageDataset
from couturier.data.catalogue import Catalogue, load_catalogue, name_tables, product_names, vary_wording
from couturier.data.fashion_mnist import DataError
from couturier.text2image.encoders import TextEncoder, build_text_encoder
from couturier.text2image.reader import COLUMNS as LOOK_COLUMNS


def catalogue_texts(data: DataConfig, progress: bool = True) -> tuple[Catalogue, list[str]]:
    """The catalogue and the descriptions training reads for its images (varied in wording when
    data.vary_wording is on); the training monitor draws its descriptions from these."""
    catalogue = load_catalogue(data.dataset, data.resolution, data.image_column, data.text_column,
                               data.attribute_columns, data.image_dir, progress=progress)
    return catalogue, vary_wording(catalogue) if data.vary_wording else catalogue.texts


def text_dataset(cfg: Config, log: Callable[[str], None] = print,
                 progress: bool = True) -> tuple[ImageDataset, TextEncoder, dict[str, list[str]]]:
    """Load the catalogue, fit the encoder on its descriptions (TF-IDF learns its vocabulary
    here; fitting is deterministic, so a resumed run gets the same encoder) and embed them.
    Also returns the catalogue's attribute columns (name -> one value per image)."""
    catalogue, texts = catalogue_texts(cfg.data, progress)
    log(catalogue.summary())
    encoder = build_text_encoder(cfg.model.options.text_encoder).fit(texts)
    embeddings = encoder.encode(texts)
    images = torch.from_numpy(catalogue.images)
    if cfg.data.channels == 1:
        images = images.float().mean(dim=1, keepdim=True).round().to(torch.uint8)
    return ImageDataset(images, embeddings, (), 0, tuple(texts)), encoder, catalogue.attributes



def reader_names(data: DataConfig, log: Callable[[str], None] = print) -> list[dict[str, str]]:
    """The product names the prompt reader also learns from (data.reader_names): rows with a
    productDisplayName and the three look values. 'auto' reads the tables beside the catalogue and
    leaves out any it cannot read; named tables must exist and be readable."""
    if data.reader_names == "none" or data.dataset == "fashion-mnist":
        return []
    if data.reader_names == "auto":
        tables = name_tables(data.dataset, LOOK_COLUMNS) if Path(data.dataset).exists() else []
        rows = product_names(tables, LOOK_COLUMNS, skip_unreadable=True)
    else:
        tables = [Path(name.strip()) for name in data.reader_names.split(",") if name.strip()]
        missing = [str(t) for t in tables if not t.is_file()]
        if missing:
            raise DataError(f"data.reader_names: {', '.join(missing)} does not exist; name CSV tables of product "
                            "names, or 'auto' or 'none'", field="data.reader_names")
        rows = product_names(tables, LOOK_COLUMNS)
        if not rows:
            raise DataError(f"data.reader_names: no row of {data.reader_names} has a productDisplayName and "
                            f"{', '.join(LOOK_COLUMNS)}; name such tables (two may be joined by an id column)",
                            field="data.reader_names")
    if rows:
        log(f"prompt reader: also learns {len(rows):,} product names from {len(tables)} table(s)")
    return rows
