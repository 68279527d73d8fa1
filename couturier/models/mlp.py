"""The original design's MLP GAN, kept faithful as the baseline.

G: Dense 256-512-1024, each with LeakyReLU(0.2) then BatchNorm(momentum 0.8 in
Keras, i.e. 0.2 in PyTorch's convention, eps 1e-3), tanh output. D: Dense 512-256
with LeakyReLU(0.2) and a sigmoid output (applied inside the BCE loss as logits,
which is the same function, computed stably). Adam(2e-4, 0.5), z of 100, batch 32.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from couturier.layers import LabelConcat, ProjectionHead
from couturier.models.base import GAN
from couturier.models.registry import register_model


class MLPGenerator(nn.Module):
    def __init__(self, z_dim: int, shape: tuple[int, int, int], num_classes: int | None):
        super().__init__()
        self.z_dim, self.shape, self.num_classes = z_dim, shape, num_classes
        self.inputs = LabelConcat(z_dim, num_classes)
        layers, width = [], self.inputs.out_dim
        for units in (256, 512, 1024):
            layers += [nn.Linear(width, units), nn.LeakyReLU(0.2),
                       nn.BatchNorm1d(units, momentum=0.2, eps=1e-3)]
            width = units
        layers += [nn.Linear(width, math.prod(shape)), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def latent_weight(self) -> torch.Tensor:
        """(features, z_dim): the first layer's weight on z (couturier.directions reads it)."""
        return self.net[0].weight[:, :self.z_dim]

    def early_features(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The first layer's output after its activation and norm (GANSpace's PCA reads it)."""
        return self.net[:3](self.inputs(z, y))

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(self.inputs(z, y)).view(-1, *self.shape)


class MLPDiscriminator(nn.Module):
    def __init__(self, shape: tuple[int, int, int], num_classes: int | None):
        super().__init__()
        self.features = nn.Sequential(
            nn.Flatten(), nn.Linear(math.prod(shape), 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 256), nn.LeakyReLU(0.2),
        )
        self.head = ProjectionHead(256, num_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.head(self.features(x), y)


@register_model(
    "mlp",
    preset={"model": {"z_dim": 100}, "loss": {"name": "bce"},
            "train": {"batch_size": 32, "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.5, "beta2": 0.999}},
    summary="the original design's dense GAN (baseline)",
)
class MLPGAN(GAN):
    cpu_bfloat16 = False  # its 32-row matrix products ran slower in bfloat16 than in float32

    def build(self) -> tuple[nn.Module, nn.Module]:
        d = self.cfg.data
        shape = (d.channels, d.resolution, d.resolution)
        return MLPGenerator(self.cfg.model.z_dim, shape, self.num_classes), MLPDiscriminator(shape, self.num_classes)
