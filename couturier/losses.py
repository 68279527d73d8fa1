"""Adversarial losses by name, plus the gradient penalties.

Every loss works on raw discriminator logits. `d_loss` and `g_loss` return scalars;
`real_score`/`fake_score` turn logits into the D(x) / D(G(z)) figures that are logged
(probabilities for BCE, raw critic values otherwise).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from couturier.config import ConfigError
from couturier.distributed import shard


class GANLoss:
    name = ""
    uses_gradient_penalty = False

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def score(self, logits: torch.Tensor) -> torch.Tensor:
        return logits.mean()


class NonSaturatingBCE(GANLoss):
    """Goodfellow et al. (2014): D maximises log D(x) + log(1 - D(G(z))); G maximises log D(G(z))."""

    name = "bce"

    def d_loss(self, real, fake):
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def g_loss(self, fake):
        return F.softplus(-fake).mean()

    def score(self, logits):
        return torch.sigmoid(logits).mean()


class Hinge(GANLoss):
    """Lim & Ye (2017), as used by SNGAN and BigGAN."""

    name = "hinge"

    def d_loss(self, real, fake):
        return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()

    def g_loss(self, fake):
        return -fake.mean()


class WassersteinGP(GANLoss):
    """Gulrajani et al. (2017): the critic's Wasserstein estimate plus a gradient penalty."""

    name = "wgan-gp"
    uses_gradient_penalty = True

    def d_loss(self, real, fake):
        return fake.mean() - real.mean()

    def g_loss(self, fake):
        return -fake.mean()


LOSSES: dict[str, Callable[[], GANLoss]] = {cls.name: cls for cls in (NonSaturatingBCE, Hinge, WassersteinGP)}


def get_loss(name: str) -> GANLoss:
    if name not in LOSSES:
        raise ConfigError(f"unknown loss {name!r}; valid losses: {', '.join(sorted(LOSSES))}")
    return LOSSES[name]()


def _input_gradients(outputs: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    (grad,) = torch.autograd.grad(outputs.sum(), inputs, create_graph=True)
    return grad.flatten(1)


def gradient_penalty(discriminator, real, fake, labels) -> torch.Tensor:
    """WGAN-GP: (||grad D(x_hat)|| - 1)^2 on random interpolates of real and fake."""
    alpha = shard(lambda rows: torch.rand(rows, 1, 1, 1, device=real.device, dtype=real.dtype), real.shape[0])
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    grad = _input_gradients(discriminator(mixed, labels), mixed)
    return ((grad.norm(2, dim=1) - 1.0) ** 2).mean()


def r1_penalty(discriminator, real, labels) -> torch.Tensor:
    """R1 (Mescheder et al., 2018): squared gradient norm of D on real images."""
    real = real.detach().requires_grad_(True)
    grad = _input_gradients(discriminator(real, labels), real)
    return grad.pow(2).sum(dim=1).mean()
