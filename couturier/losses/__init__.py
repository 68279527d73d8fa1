"""Adversarial losses by name, plus the gradient penalties.

Every loss works on raw discriminator logits. `d_loss` and `g_loss` return scalars; `score`
turns logits into the D(x) / D(G(z)) figures that are logged (probabilities for BCE, raw critic
values otherwise). A loss is one file in this package that registers itself with
`@LOSSES.register(name)`.
"""
from __future__ import annotations

import torch

from couturier.noise import Noise
from couturier.registry import Registry

LOSSES: Registry[type["GANLoss"]] = Registry("loss", package=__name__, field="loss.name")


class GANLoss:
    uses_gradient_penalty = False

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def score(self, logits: torch.Tensor) -> torch.Tensor:
        return logits.mean()


def get_loss(name: str) -> GANLoss:
    return LOSSES.get(name)()


def loss_names() -> list[str]:
    return LOSSES.names()


def _input_gradients(outputs: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    (grad,) = torch.autograd.grad(outputs.sum(), inputs, create_graph=True)
    return grad.flatten(1)


def gradient_penalty(discriminator, real, fake, labels, noise: Noise = Noise()) -> torch.Tensor:
    """WGAN-GP: (||grad D(x_hat)|| - 1)^2 on random interpolates of real and fake."""
    alpha = noise.uniform(real.shape[0], 1, 1, 1, device=real.device, dtype=real.dtype)
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    grad = _input_gradients(discriminator(mixed, labels), mixed)
    return ((grad.norm(2, dim=1) - 1.0) ** 2).mean()


def r1_penalty(discriminator, real, labels) -> torch.Tensor:
    """R1 (Mescheder et al., 2018): squared gradient norm of D on real images."""
    real = real.detach().requires_grad_(True)
    grad = _input_gradients(discriminator(real, labels), real)
    return grad.pow(2).sum(dim=1).mean()
