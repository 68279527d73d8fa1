"""augment.py: DiffAugment."""
import pytest
import torch

from couturier.augment import diff_augment, parse_policy
from couturier.config import ConfigError


def test_diffaugment_is_differentiable_and_changes_images():
    torch.manual_seed(0)
    x = torch.rand(4, 3, 16, 16, requires_grad=True)
    out = diff_augment(x, parse_policy("color,translation,cutout"))
    assert out.shape == x.shape and not torch.allclose(out, x)
    out.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    # cutout zeroes (part of) a square of half the side in every image
    zeros = (diff_augment(torch.ones(64, 1, 16, 16), parse_policy("cutout")) == 0).flatten(1).sum(1)
    assert zeros.min() > 0 and zeros.max() == 64
    with pytest.raises(ConfigError, match="DiffAugment"):
        parse_policy("color,rotate")

