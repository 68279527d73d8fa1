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



def test_draws_come_from_the_generators_passed_in_not_the_global_rng():
    import torch

    from couturier.noise import Noise

    torch.manual_seed(5)
    noise = Noise.continuing_global(0, 1, torch.device("cpu"))
    expected = torch.randn(4, 2)  # what the global stream would have given
    before = torch.get_rng_state()
    assert torch.equal(noise.normal(4, 2), expected)
    assert torch.equal(torch.get_rng_state(), before)  # the global stream did not move
    saved = noise.state()
    first = noise.integers(10, 6)
    noise.restore(saved)
    assert torch.equal(noise.integers(10, 6), first)
