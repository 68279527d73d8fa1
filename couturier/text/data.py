"""A catalogue as training data: images with their descriptions' embeddings as the condition."""
from __future__ import annotations

from typing import Callable

import torch

from couturier.config import Config
from couturier.data import ImageDataset
from couturier.data.catalogue import load_catalogue, vary_wording
from couturier.text.encoders import TextEncoder, build_text_encoder


def text_dataset(cfg: Config, log: Callable[[str], None] = print,
                 progress: bool = True) -> tuple[ImageDataset, TextEncoder, dict[str, list[str]]]:
    """Load the catalogue, fit the encoder on its descriptions (TF-IDF learns its vocabulary
    here; fitting is deterministic, so a resumed run gets the same encoder) and embed them.
    Also returns the catalogue's attribute columns (name -> one value per image)."""
    d = cfg.data
    catalogue = load_catalogue(d.dataset, d.resolution, d.image_column, d.text_column, d.attribute_columns,
                               d.image_dir, progress=progress)
    log(catalogue.summary())
    texts = vary_wording(catalogue) if d.vary_wording else catalogue.texts
    encoder = build_text_encoder(cfg.model.text_encoder).fit(texts)
    embeddings = encoder.encode(texts)
    images = torch.from_numpy(catalogue.images)
    if d.channels == 1:
        images = images.float().mean(dim=1, keepdim=True).round().to(torch.uint8)
    return ImageDataset(images, embeddings, (), 0, tuple(texts)), encoder, catalogue.attributes
