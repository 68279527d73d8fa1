"""How the trainer shows images to D: augmented (DiffAugment), and each picture seen once a step.

Two savings a D can opt into, both exact (the same function of what D is shown):
- `SHARES_ROWS`: D(x, y, rows) scores x[rows] under y. A real batch judged with its own and with
  mismatched descriptions (GAN-INT-CLS) is then one picture seen under two descriptions, and D's
  image pass runs on it once.
- `front`: D's first part has no trainable weights (the projected D's frozen network and fixed
  random projections), and D(front(x), y) == D(x, y). The fakes' front features are then taken
  once a step, with the graph back to G kept: D's step reads them detached, G's step backpropagates
  through them. Their D step and G step share one augmentation draw.

The frozen EfficientNet was most of a projected step on 2 cores; these two (and channels-last)
cut it to well under half (BENCHMARKS.md, "Training throughput").
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from couturier.models.outputs import DiscriminatorOutput, as_output, cat_conditions

Images = torch.Tensor | list[torch.Tensor]  # pixels, or what D's frozen front made of them


class Judging:
    def __init__(self, discriminator: nn.Module, d_forward: Callable, augment: Callable[[torch.Tensor], torch.Tensor],
                 wrap: Callable[[Callable], Callable] = lambda f: f):
        """`d_forward`: D as the step calls it (under DDP, compiled); `wrap` compiles the front alike."""
        self.d_forward, self.augment = d_forward, augment
        self.has_batchnorm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in discriminator.modules())
        self.shares_rows = getattr(discriminator, "SHARES_ROWS", False) and not self.has_batchnorm
        front = getattr(discriminator, "front", None) if self.shares_rows else None
        self.front = wrap(front) if front is not None else None

    def seen(self, fake: torch.Tensor) -> Images:
        """The fakes as D's step and G's step see them: augmented, through the frozen front if D has
        one (graph to G kept). Without a front, the pixels: each step then augments them itself."""
        return self.front(self.augment(fake)) if self.front is not None else fake

    @staticmethod
    def for_discriminator(seen: Images) -> Images:
        """What D's step judges: `seen` cut from G's graph."""
        return [h.detach() for h in seen] if isinstance(seen, list) else seen.detach()

    def for_generator(self, seen: Images) -> Images:
        """What G's step passes to D."""
        return seen if self.front is not None else self.augment(seen)

    def __call__(self, *pairs: tuple[Images, object]) -> list[DiscriminatorOutput]:
        """D's output for each (images, condition) pair; images are pixels or the output of `seen`."""
        if self.has_batchnorm:  # batch statistics: every pair on its own, as it would be alone
            return [as_output(self.d_forward(self._view(x), y)).float() for x, y in pairs]
        conditions = cat_conditions([y for _, y in pairs])
        sizes = [_rows(x) for x, _ in pairs]
        if not self.shares_rows:
            # one forward pass over all pairs, augmented pair by pair: each pair's random draws
            # are then the same on 1 and N processes
            return as_output(self.d_forward(torch.cat([self._view(x) for x, _ in pairs]), conditions)).float().split(sizes)
        distinct, rows = _distinct([x for x, _ in pairs])
        views = [self._view(x) for x in distinct]
        joined = torch.cat(views) if self.front is None else [torch.cat(maps) for maps in zip(*views)]
        return as_output(self.d_forward(joined, conditions, rows)).float().split(sizes)

    def _view(self, x: Images) -> Images:
        if isinstance(x, list):  # already seen (see `seen`)
            return x
        return self.augment(x) if self.front is None else self.front(self.augment(x))


def _distinct(batches: list[Images]) -> tuple[list[Images], torch.Tensor]:
    """The distinct batches (the same object passed twice counts once), and for every row of every
    batch its row in the distinct batches joined."""
    distinct, starts, rows = [], [], []
    for x in batches:
        index = next((i for i, seen in enumerate(distinct) if seen is x), None)
        if index is None:
            index = len(distinct)
            starts.append(sum(map(_rows, distinct)))
            distinct.append(x)
        rows.append(torch.arange(starts[index], starts[index] + _rows(x), device=_first(x).device))
    return distinct, torch.cat(rows)


def _first(x: Images) -> torch.Tensor:
    return x[0] if isinstance(x, list) else x


def _rows(x: Images) -> int:
    return _first(x).shape[0]
