"""Sentence-image contrastive loss for text-to-image (XMC-GAN, Zhang et al. 2021).

D gets a small head that embeds its pooled image features and the description in one space. On
real photos D learns to tell, among the batch's descriptions, which one goes with each photo
(and which photo with each description): InfoNCE both ways. G is then asked the same of its
fakes: each fake must be found from its own description among the batch's. The attribute head
says "this should be navy and a shirt" for the catalogue's columns; the contrastive head asks for
whatever tells one description from another, including words no column holds.

The embeddings travel in D's output (`DiscriminatorOutput.embedding`), image half then text half,
each unit-length; the objective's contrastive term turns them into the loss.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

CONTRAST_DIM = 64  # the shared space: wide enough for a batch of 32 descriptions
TEMPERATURE = 0.1  # XMC-GAN's
SAME_TEXT = 0.99  # two descriptions this close (cosine) are one: neither is the other's negative


class ContrastiveHead(nn.Module):
    """Image features and text embedding, each projected to CONTRAST_DIM and unit-normalised,
    side by side: (N, 2 * CONTRAST_DIM)."""

    def __init__(self, features: int, text_dim: int, dim: int = CONTRAST_DIM):
        super().__init__()
        self.image = nn.Linear(features, dim)
        self.text = nn.Linear(text_dim, dim)

    def forward(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        return torch.cat([F.normalize(self.image(h), dim=1), F.normalize(self.text(text), dim=1)], dim=1)


def contrastive_loss(embeddings: torch.Tensor, text: torch.Tensor, temperature: float = TEMPERATURE) -> torch.Tensor:
    """Symmetric InfoNCE over the batch: row i's image against every row's description and back.
    `text` is the raw text embedding, only to find repeated descriptions (the mode-seeking pairs
    share theirs), which are masked out as negatives rather than counted as wrong answers."""
    image, words = embeddings.float().chunk(2, dim=1)
    logits = image @ words.T / temperature
    unit = F.normalize(text.float(), dim=1)
    own = torch.eye(len(logits), dtype=torch.bool, device=logits.device)
    logits = logits.masked_fill((unit @ unit.T > SAME_TEXT) & ~own, float("-inf"))
    target = torch.arange(len(logits), device=logits.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
