"""Attribute supervision for text-to-image (TAC-GAN, Dash et al. 2017).

A catalogue names each product's colour, article type, gender... in columns. D gets a small
auxiliary head that classifies those attributes from its own features; it learns them on real
photos, and G is asked to make fakes the head puts in the classes of the description it was
given. The adversarial loss alone only says "real or not, matching or not"; the head says
"this should be navy and a shirt", which moves the attributes of the pictures within a CPU budget
where projection alone had not (BENCHMARKS.md, "Text to image").

The attribute ids travel with the text embedding in the training condition (the columns after
the embedding), so the trainer's batches, fake draws and mismatched pairs carry them unchanged.
G never sees them: at sampling time there is only the text.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

MISSING = -1  # an empty or "NA" cell: no target for that attribute
MIN_VALUES, MAX_VALUES = 2, 512  # a column with one value teaches nothing; thousands are free text, not classes


def attribute_vocabulary(columns: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The learnable columns and their values, sorted: those with 2..512 distinct values."""
    vocabulary = {}
    for name, values in columns.items():
        distinct = sorted({v for v in values if v and v.upper() != "NA"})
        if MIN_VALUES <= len(distinct) <= MAX_VALUES:
            vocabulary[name] = tuple(distinct)
    return vocabulary


def attribute_ids(columns: dict[str, list[str]], vocabulary: dict[str, tuple[str, ...]]) -> torch.Tensor:
    """int64 (N, len(vocabulary)): each row's class per attribute, MISSING where unknown."""
    index = {name: {v: i for i, v in enumerate(values)} for name, values in vocabulary.items()}
    rows = [[index[name].get(value, MISSING) for value in columns[name]] for name in vocabulary]
    return torch.tensor(rows, dtype=torch.long).T.reshape(-1, len(vocabulary))


class AttributeHead(nn.Module):
    """One linear classifier per attribute over D's pooled features, as one matrix product."""

    def __init__(self, features: int, sizes: tuple[int, ...]):
        super().__init__()
        self.sizes = tuple(sizes)
        self.linear = nn.Linear(features, sum(sizes))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.linear(h)


def attribute_loss(logits: torch.Tensor, ids: torch.Tensor, sizes: tuple[int, ...],
                   confidence: float = 0.0) -> torch.Tensor:
    """Mean over attributes of the cross-entropy, skipping MISSING targets (no host sync: a batch
    where an attribute is all MISSING contributes 0 for it rather than NaN). With `confidence`, a
    row whose asked class already has that probability costs 0: G is asked to be read right, not
    to draw the garment the head is surest of (AC-GAN's pull to each class's most typical sample)."""
    floor = -math.log(confidence) if confidence > 0 else 0.0
    total = logits.new_zeros((), dtype=torch.float32)
    for a, part in enumerate(logits.split(list(sizes), dim=1)):
        target = ids[:, a]
        known = target != MISSING
        per_row = F.cross_entropy(part.float(), target.clamp(min=0), reduction="none")
        if floor:
            per_row = (per_row - floor).clamp(min=0.0)
        total = total + (per_row * known).sum() / known.sum().clamp(min=1)
    return total / len(sizes)


def twin_attribute_loss(logits: torch.Tensor, ids: torch.Tensor, sizes: tuple[int, ...], role: str) -> torch.Tensor:
    """TAC-GAN's twin classifier (Gong et al., "Twin Auxiliary Classifiers GAN", 2019). `logits` hold
    two classifiers side by side: the first learns real photos' attributes, the twin learns the
    attributes G's fakes were drawn for. Asked only to satisfy the first, G is paid for fakes any
    classifier is sure of, and draws each class's most typical garment; asked also to fool the
    twin, the sureness term cancels and G is pushed towards the real photos' spread of each class.

    role "real": the first on real photos; "fake": the twin on D's detached fakes; "generator":
    the first on G's fakes minus the twin's."""
    first, twin = logits.split(sum(sizes), dim=1)
    if role == "real":
        return attribute_loss(first, ids, sizes)
    if role == "fake":
        return attribute_loss(twin, ids, sizes)
    if role == "generator":
        return attribute_loss(first, ids, sizes) - attribute_loss(twin, ids, sizes)
    raise ValueError(f"unknown role {role!r}; use real, fake or generator")
