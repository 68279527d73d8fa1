"""noise.py: per-sample randomness independent of the number of processes."""
from __future__ import annotations

import torch

from couturier.noise import Noise


def test_noise_is_the_plain_draw_on_one_process_and_a_block_of_it_on_many():
    torch.manual_seed(1)
    expected = torch.rand(10, 3)
    torch.manual_seed(1)
    assert torch.equal(Noise().uniform(5, 3), expected[:5])
    torch.manual_seed(1)
    assert torch.equal(Noise(rank=1, world=2).uniform(5, 3), expected[5:])

