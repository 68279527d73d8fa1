"""`tfidf`: scikit-learn's TF-IDF over the training descriptions, 256 features, the original
design. It knows only words it saw, so "crimson frock" is a zero vector to a model trained on
"red dress"."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from couturier.errors import TextEncoderError
from couturier.text2image.encoders import ENCODERS, TextEncoder, check_prompts


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
