"""A catalogue as training data: images with their descriptions' embeddings as the condition."""
from __future__ import annotations

from typing import Callable

import torch

from couturier.config import Config
from couturier.data import ImageDataset
from couturier.data.catalogue import load_catalogue
from couturier.text.encoders import TextEncoder, build_text_encoder


def text_dataset(cfg: Config, log: Callable[[str], None] = print,
                 progress: bool = True) -> tuple[ImageDataset, TextEncoder]:
    """Load the catalogue, fit the encoder on its descriptions (TF-IDF learns its vocabulary
    here; fitting is deterministic, so a resumed run gets the same encoder) and embed them."""
    d = cfg.data
    catalogue = load_catalogue(d.dataset, d.resolution, d.image_column, d.text_column, d.attribute_columns,
                               d.image_dir, progress=progress)
    log(catalogue.summary())
    encoder = build_text_encoder(cfg.model.text_encoder).fit(catalogue.texts)
    embeddings = encoder.encode(catalogue.texts)
    images = torch.from_numpy(catalogue.images)
    if d.channels == 1:
        images = images.float().mean(dim=1, keepdim=True).round().to(torch.uint8)
    return ImageDataset(images, embeddings, (), 0, tuple(catalogue.texts)), encoder
