"""style/losses.py."""
from __future__ import annotations

import torch

from couturier.style.losses import gram


def test_gram_is_size_independent_for_a_repeated_texture():
    x = torch.rand(1, 4, 8, 8)
    assert torch.allclose(gram(x), gram(x.repeat(1, 1, 2, 2)), atol=1e-6)

