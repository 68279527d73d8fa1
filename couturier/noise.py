"""Per-sample randomness that does not depend on the number of processes, from generators that
are passed in.

Every process has the same seed and draws the rows of the whole global batch, keeping its own
block: N processes then use exactly the noise one process would, and no two ranks share noise.
A `Noise` is handed to whatever draws per-sample randomness during training (noise vectors, fake
conditions, DiffAugment, penalties, conditioning augmentation), so placement and random state are
passed in, never read from global state. Without generators it draws from torch's global RNG
(convenient outside training).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch


@dataclass(frozen=True)
class Noise:
    rank: int = 0
    world: int = 1
    generators: dict[str, torch.Generator] = field(default_factory=dict, compare=False)  # by device type

    @classmethod
    def continuing_global(cls, rank: int, world: int, device: torch.device) -> "Noise":
        """Generators that continue torch's global streams from here (a seeded run's own stream,
        after the networks' initialisation drew from it), so results equal drawing from the globals."""
        cpu = torch.Generator()
        cpu.set_state(torch.get_rng_state())
        generators = {"cpu": cpu}
        if device.type == "cuda":
            gpu = torch.Generator(device=device)
            gpu.set_state(torch.cuda.get_rng_state(device))
            generators["cuda"] = gpu
        return cls(rank, world, generators)

    def state(self) -> dict[str, torch.Tensor]:
        return {kind: g.get_state() for kind, g in self.generators.items()}

    def restore(self, states: dict[str, torch.Tensor]) -> None:
        for kind, state in states.items():
            if kind in self.generators:
                self.generators[kind].set_state(state)

    def _generator(self, device) -> torch.Generator | None:
        return self.generators.get(torch.device(device).type if device is not None else "cpu")

    def rows(self, draw: Callable[[int], torch.Tensor], n: int) -> torch.Tensor:
        """This rank's n rows of `draw(rows)` made for the global batch."""
        if self.world == 1:
            return draw(n)
        return draw(n * self.world)[self.rank * n:(self.rank + 1) * n]

    def normal(self, n: int, *shape: int, device=None, dtype=None) -> torch.Tensor:
        g = self._generator(device)
        return self.rows(lambda k: torch.randn(k, *shape, device=device, dtype=dtype, generator=g), n)

    def uniform(self, n: int, *shape: int, device=None, dtype=None) -> torch.Tensor:
        g = self._generator(device)
        return self.rows(lambda k: torch.rand(k, *shape, device=device, dtype=dtype, generator=g), n)

    def integers(self, high: int, n: int, device=None, low: int = 0, shape: tuple[int, ...] = ()) -> torch.Tensor:
        g = self._generator(device)
        return self.rows(lambda k: torch.randint(low, high, (k, *shape), device=device, generator=g), n)
