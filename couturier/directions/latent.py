"""The latent a run is steered in: its noise z and, for a text-to-image run, its words too.

A text run's picture is decided mostly by its words (colour, article type, gender); its noise
moves little. So its steerable latent is [z, u]: u the words' embedding in the principal axes of
the run's catalogue looks (scikit-learn's PCA of their encoded descriptions), scaled so that the
looks spread one unit per axis, as z does. What the axes leave out of a prompt's embedding is held
as the condition (the "rest"), so a prompt is drawn exactly as written until a direction moves it,
and a move of u goes where descriptions go, not off into embeddings no description has. Directions
then live in one vector space, each in the noise, the words, or both (`spaces`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from couturier.directions.methods import Space

WORDS_AXES = 64  # principal axes of the looks' embeddings kept: about 90% of their variance


class WordsLatent(nn.Module):
    """G of the joint latent [z, u] and the rest of the words' embedding (the condition)."""

    def __init__(self, generator: nn.Module, z_dim: int, centre: np.ndarray, axes: np.ndarray):
        super().__init__()
        self.generator, self.z_dim = generator, z_dim
        self.register_buffer("centre", torch.as_tensor(centre, dtype=torch.float32))
        self.register_buffer("axes", torch.as_tensor(axes, dtype=torch.float32))  # (k, text_dim): axis x spread

    def text(self, w: torch.Tensor, rest: torch.Tensor) -> torch.Tensor:
        return self.centre + w[:, self.z_dim:] @ self.axes + rest

    def forward(self, w: torch.Tensor, rest: torch.Tensor) -> torch.Tensor:
        return self.generator(w[:, :self.z_dim], self.text(w, rest))

    def split(self, text: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(u, rest) of embeddings: u their coordinates on the axes, rest what the axes leave out."""
        offset = text - self.centre
        u = offset @ self.axes.T / self.axes.pow(2).sum(1)
        return u, offset - u @ self.axes

    def latent_weight(self) -> torch.Tensor:
        """(features, z_dim + k): the first layer's weight on the noise and on the words' axes."""
        return torch.cat([self.generator.latent_weight(), self.generator.text_weight() @ self.axes.T], dim=1)

    def early_features(self, w: torch.Tensor, rest: torch.Tensor) -> torch.Tensor:
        return self.generator.early_features(w[:, :self.z_dim], self.text(w, rest))


@dataclass
class Steerable:
    generator: nn.Module  # G of the latent
    spaces: dict[str, Space]  # which coordinates of the latent are the noise, which the words
    words: WordsLatent | None = None

    @property
    def dim(self) -> int:
        return max(space.columns.stop for space in self.spaces.values())

    @property
    def steered(self) -> Space:
        """Where attributes are steered: a text run's words (they decide colour, type and gender), else the noise."""
        return self.spaces.get("words") or self.spaces["noise"]


def steerable(loaded) -> Steerable:
    """The run's steerable latent (see the module's docstring); found once per loaded run."""
    cached = getattr(loaded, "_steerable", None)
    if cached is not None:
        return cached
    z_dim = loaded.config.model.z_dim
    grounder = loaded.model.grounder if loaded.reads_prompts and loaded.model.looks else None
    if grounder is None:
        found = Steerable(loaded.generator, {"noise": Space("noise", slice(0, z_dim))})
    else:
        words = _words_latent(loaded.generator, z_dim, grounder.embeddings)
        found = Steerable(words, {"noise": Space("noise", slice(0, z_dim)),
                                  "words": Space("words", slice(z_dim, z_dim + words.axes.shape[0]))}, words)
    loaded._steerable = found
    return found


def _words_latent(generator: nn.Module, z_dim: int, looks: np.ndarray) -> WordsLatent:
    from sklearn.decomposition import PCA

    k = min(WORDS_AXES, len(looks) - 1, looks.shape[1])
    pca = PCA(n_components=k, svd_solver="full").fit(looks)
    kept = pca.explained_variance_ > pca.explained_variance_[0] * 1e-6  # axes the looks span, not rounding error
    axes = pca.components_[kept] * np.sqrt(pca.explained_variance_[kept])[:, None]
    return WordsLatent(generator, z_dim, pca.mean_, axes).eval()
