"""losses/: the adversarial losses by name and the penalties."""
import pytest
import torch

from couturier.config import ConfigError
from couturier.losses import get_loss, gradient_penalty, r1_penalty


def test_losses_prefer_real_high_fake_low():
    for name in ("bce", "hinge", "wgan-gp"):
        loss = get_loss(name)
        good = loss.d_loss(torch.full((8,), 3.0), torch.full((8,), -3.0))
        bad = loss.d_loss(torch.full((8,), -3.0), torch.full((8,), 3.0))
        assert good < bad
        assert loss.g_loss(torch.full((8,), 3.0)) < loss.g_loss(torch.full((8,), -3.0))


def test_bce_matches_its_definition():
    loss = get_loss("bce")
    real, fake = torch.tensor([0.3, -1.2]), torch.tensor([0.5, 2.0])
    expected = -(torch.log(torch.sigmoid(real)).mean() + torch.log(1 - torch.sigmoid(fake)).mean())
    assert loss.d_loss(real, fake) == pytest.approx(expected.item(), rel=1e-5)
    assert loss.score(torch.zeros(4)) == pytest.approx(0.5)


def test_unknown_loss_lists_valid():
    with pytest.raises(ConfigError, match="bce, hinge, wgan-gp"):
        get_loss("lsgan2")


def test_penalties_on_a_linear_critic():
    torch.manual_seed(0)
    w = torch.randn(1, 4, 1, 1) * 2

    def critic(x, y=None):  # gradient is w everywhere
        return (x * w).sum(dim=(1, 2, 3))

    real, fake = torch.randn(5, 4, 1, 1), torch.randn(5, 4, 1, 1)
    norm = w.norm()
    assert gradient_penalty(critic, real, fake, None).item() == pytest.approx(((norm - 1) ** 2).item(), rel=1e-4)
    assert r1_penalty(critic, real, None).item() == pytest.approx((norm ** 2).item(), rel=1e-4)

