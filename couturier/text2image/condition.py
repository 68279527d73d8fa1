"""What a text model's G and D are conditioned on, by name: the description's embedding, and for
D's attribute head the catalogue's attribute ids of the photo it describes."""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class TextCondition:
    embedding: torch.Tensor  # (N, text_dim) the text encoder's vectors
    attribute_ids: torch.Tensor | None = None  # (N, attributes) long, MISSING where a row has no value

    @classmethod
    def from_labels(cls, labels: torch.Tensor, text_dim: int) -> "TextCondition":
        """A dataset's label rows: the embedding, then the attribute ids (stored as floats beside it)."""
        ids = labels[:, text_dim:]
        return cls(labels[:, :text_dim], ids.long() if ids.shape[1] else None)

    @classmethod
    def cat(cls, conditions: list["TextCondition"]) -> "TextCondition":
        ids = [c.attribute_ids for c in conditions]
        return cls(torch.cat([c.embedding for c in conditions]), None if ids[0] is None else torch.cat(ids))

    def __getitem__(self, rows) -> "TextCondition":
        return TextCondition(self.embedding[rows], None if self.attribute_ids is None else self.attribute_ids[rows])

    def __len__(self) -> int:
        return self.embedding.shape[0]


def text_of(condition: TextCondition | torch.Tensor) -> torch.Tensor:
    """The embedding of a condition: sampling hands D (best-of draws) a plain embedding."""
    return condition.embedding if isinstance(condition, TextCondition) else condition
