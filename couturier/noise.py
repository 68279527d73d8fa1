"""Per-sample randomness that does not depend on the number of processes.

Every process has the same seed and draws the rows of the whole global batch, keeping its own
block: N processes then use exactly the noise one process would, and no two ranks share noise.
A `Noise` is handed to whatever draws per-sample randomness during training (noise vectors, fake
conditions, DiffAugment, penalties), so placement is passed in, never read from global state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch


@dataclass(frozen=True)
class Noise:
    rank: int = 0
    world: int = 1

    def rows(self, draw: Callable[[int], torch.Tensor], n: int) -> torch.Tensor:
        """This rank's n rows of `draw(rows)` made for the global batch."""
        if self.world == 1:
            return draw(n)
        return draw(n * self.world)[self.rank * n:(self.rank + 1) * n]

    def normal(self, n: int, *shape: int, device=None, dtype=None) -> torch.Tensor:
        return self.rows(lambda k: torch.randn(k, *shape, device=device, dtype=dtype), n)

    def uniform(self, n: int, *shape: int, device=None, dtype=None) -> torch.Tensor:
        return self.rows(lambda k: torch.rand(k, *shape, device=device, dtype=dtype), n)

    def integers(self, high: int, n: int, device=None, low: int = 0, shape: tuple[int, ...] = ()) -> torch.Tensor:
        return self.rows(lambda k: torch.randint(low, high, (k, *shape), device=device), n)
