"""Text encoders: descriptions into vectors that condition a generator, chosen by name.

Each encoder is one file of this package registering a `TextEncoder` subclass with
`@ENCODERS.register(name)`; the registry imports every module here on its first lookup, so a new
encoder is one new file. `tfidf` (tfidf.py) is the original design; `sentence` (sentence.py) reads
paraphrases.

An encoder's `state()` is JSON and goes into every checkpoint, so a checkpoint is self-contained:
TF-IDF's vocabulary and IDF weights are stored in full; the sentence encoder, 90 MB of fixed
pretrained weights, is stored by name and checksum and loaded from the installed package.
"""
from __future__ import annotations

from typing import Sequence

import torch

from couturier.errors import TextEncoderError
from couturier.registry import Registry

ENCODERS: Registry[type["TextEncoder"]] = Registry("text encoder", package="couturier.text2image.encoders",
                                                      field="model.options.text_encoder", error=TextEncoderError)


class TextEncoder:
    """Fitted on the training descriptions (or fixed), then saved in checkpoints by `state()`;
    a new encoder is a subclass registered with `@ENCODERS.register(name)`."""

    name: str
    dim: int

    def fit(self, texts: Sequence[str]) -> "TextEncoder":
        return self

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """float32 (N, dim)."""
        raise NotImplementedError

    def state(self) -> dict:
        raise NotImplementedError


def check_prompts(texts: Sequence[str]) -> list[str]:
    cleaned = [str(t).strip() for t in texts]
    if not cleaned or any(not t for t in cleaned):
        raise TextEncoderError("a prompt is empty; describe the garment, e.g. \"red summer dress for women\"")
    return cleaned


def build_text_encoder(name: str) -> TextEncoder:
    return ENCODERS.get(name)()


def load_text_encoder(state: dict | None) -> TextEncoder:
    """Rebuild the encoder a checkpoint was trained with."""
    if not isinstance(state, dict) or state.get("name") not in ENCODERS.names():
        raise TextEncoderError("this checkpoint has no text encoder: it is not a text-to-image model, "
                               "or its meta.json is damaged")
    return ENCODERS.get(state["name"]).from_state(state)
