"""What a discriminator returns, by name rather than by column.

A plain D returns its logits, (N,). A D with auxiliary heads returns a `DiscriminatorOutput`: the
logit, and the heads' outputs in fields of their own, which the model that built the heads turns
into loss terms (`GAN.auxiliary_loss`). The trainer reads `logit` and hands the rest to the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch


@dataclass
class DiscriminatorOutput:
    logit: torch.Tensor  # (N,) realism (and agreement with the condition)
    attributes: torch.Tensor | None = None  # (N, classes of every attribute) an auxiliary classifier's logits
    embedding: torch.Tensor | None = None  # (N, D) an embedding of each image (e.g. for a contrastive loss)
    # the fields as columns of one tensor, when made by `joined`
    packed: torch.Tensor | None = field(default=None, repr=False, compare=False)

    @classmethod
    def joined(cls, logit: torch.Tensor, attributes: torch.Tensor | None = None,
               embedding: torch.Tensor | None = None) -> "DiscriminatorOutput":
        """The fields as views of one tensor (columns: logit, attributes, embedding). Why: autograd
        then gathers the heads' gradients in one node, in the order it always did, and D's shared
        features receive them summed in that order: training stays bit for bit what it was."""
        parts = [logit[:, None], *(t for t in (attributes, embedding) if t is not None)]
        width = 0 if attributes is None else attributes.shape[1]
        return cls._columns(torch.cat(parts, dim=1), width, embedding is not None)

    @classmethod
    def _columns(cls, packed: torch.Tensor, attributes: int, embedding: bool) -> "DiscriminatorOutput":
        return cls(packed[:, 0], packed[:, 1:1 + attributes] if attributes else None,
                   packed[:, 1 + attributes:] if embedding else None, packed)

    @property
    def auxiliary(self) -> bool:
        return self.attributes is not None or self.embedding is not None

    def float(self) -> "DiscriminatorOutput":
        if self.packed is not None:
            return self._columns(self.packed.float(), self._attribute_width, self.embedding is not None)
        return replace(self, **{name: value.float() for name, value in self._fields().items()})

    def split(self, sizes: list[int]) -> list["DiscriminatorOutput"]:
        """One output per consecutive block of rows."""
        if self.packed is not None:
            return [self._columns(rows, self._attribute_width, self.embedding is not None)
                    for rows in self.packed.split(sizes)]
        parts = {name: value.split(sizes) for name, value in self._fields().items()}
        return [DiscriminatorOutput(**{name: chunks[i] for name, chunks in parts.items()}) for i in range(len(sizes))]

    @property
    def _attribute_width(self) -> int:
        return 0 if self.attributes is None else self.attributes.shape[1]

    def _fields(self) -> dict[str, torch.Tensor]:
        return {name: getattr(self, name) for name in ("logit", "attributes", "embedding")
                if getattr(self, name) is not None}


def as_output(out: torch.Tensor | DiscriminatorOutput) -> DiscriminatorOutput:
    """D's return value as a DiscriminatorOutput (a plain D's logits become its `logit`)."""
    return out if isinstance(out, DiscriminatorOutput) else DiscriminatorOutput(out)


def cat_conditions(conditions: list):
    """The conditions of several batches as one: tensors joined, None kept, and a model's own
    condition type joined by its `cat`."""
    first = conditions[0]
    if first is None:
        return None
    return torch.cat(conditions) if isinstance(first, torch.Tensor) else type(first).cat(conditions)
