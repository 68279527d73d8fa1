"""The text objective's terms besides the adversarial loss, one file each, each with its weight.

A term may add to G's loss from the step's fakes (`generator`) and may turn D's auxiliary outputs
into a loss for D and G (`auxiliary`, by role: "real" and "fake" for D's step, "generator" for
G's). The model lists the terms it uses (TextToImage.objective_terms); a new one is a new file
here plus the line there that lists it.
"""
from __future__ import annotations

import torch

from couturier.models.outputs import DiscriminatorOutput


class Term:
    """One term of the objective, scaled by `weight`; the model leaves out terms of weight 0."""

    def __init__(self, weight: float):
        self.weight = weight

    def generator(self, fake: torch.Tensor, z: torch.Tensor, real: torch.Tensor) -> torch.Tensor | None:
        """A term of G's loss from its fakes, their noise and the step's real photos, or None."""
        return None

    def auxiliary(self, output: DiscriminatorOutput, condition, role: str) -> torch.Tensor | None:
        """A term from D's auxiliary outputs for one role, or None."""
        return None
