"""Building blocks shared by the GAN architectures."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from couturier.errors import ConfigError


def resolution_plan(resolution: int) -> tuple[int, int]:
    """Split a resolution into (base, doublings) with base in 4..7: 28 -> (7, 2), 64 -> (4, 4)."""
    doublings = 0
    size = resolution
    while size > 7 and size % 2 == 0:
        size //= 2
        doublings += 1
    if not 4 <= size <= 7 or doublings == 0:
        raise ConfigError(f"data.resolution {resolution} is not base*2^k with base 4..7: use 28, 32, 64 or 128",
                          field="data.resolution")
    return size, doublings


def embed_labels(embedding: nn.Embedding, y: torch.Tensor) -> torch.Tensor:
    """Look up class indices, or mix embeddings when y holds class weights (N, C) for walks between classes."""
    if y.is_floating_point():
        return y.to(embedding.weight.dtype) @ embedding.weight
    return embedding(y)


def maybe_sn(module: nn.Module, enabled: bool) -> nn.Module:
    return spectral_norm(module) if enabled else module


class LabelConcat(nn.Module):
    """Generator input: noise, concatenated with a learned class embedding when conditional."""

    def __init__(self, z_dim: int, num_classes: int | None, embed_dim: int = 32):
        super().__init__()
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        self.out_dim = z_dim + (embed_dim if num_classes else 0)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if self.embed is None:
            return z
        return torch.cat([z, embed_labels(self.embed, y)], dim=1)


class ProjectionHead(nn.Module):
    """Discriminator output: linear(h), plus <embed(y), h> when conditional (Miyato & Koyama, 2018).

    Projection beats ACGAN's auxiliary classifier here because it does not push G
    towards easily classified, low-diversity samples within each class.
    """

    def __init__(self, features: int, num_classes: int | None, sn: bool = False):
        super().__init__()
        self.linear = maybe_sn(nn.Linear(features, 1), sn)
        self.embed = None
        if num_classes:
            embed = nn.Embedding(num_classes, features)
            nn.init.xavier_uniform_(embed.weight)  # N(0, 1) would swamp the linear term at the start
            self.embed = maybe_sn(embed, sn)

    def forward(self, h: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        out = self.linear(h).squeeze(1)
        if self.embed is not None:
            out = out + (self.embed(y) * h).sum(dim=1)
        return out


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm whose scale and shift come from the class (unconditional: plain affine BN)."""

    def __init__(self, channels: int, num_classes: int | None):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=num_classes is None)
        self.gain = nn.Embedding(num_classes, channels) if num_classes else None
        self.bias = nn.Embedding(num_classes, channels) if num_classes else None
        if self.gain is not None:
            nn.init.ones_(self.gain.weight)
            nn.init.zeros_(self.bias.weight)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        out = self.bn(x)
        if self.gain is None:
            return out
        return out * embed_labels(self.gain, y)[:, :, None, None] + embed_labels(self.bias, y)[:, :, None, None]


def init_dcgan_weights(module: nn.Module) -> None:
    """Normal(0, 0.02) weights as in Radford et al. (2016)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
