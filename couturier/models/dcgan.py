"""DCGAN (Radford et al., 2016), sized to the data's resolution.

G: a transposed convolution lifts z to a base x base map, then stride-2 transposed
convolutions with BatchNorm and ReLU double it up to the resolution; tanh output.
D: stride-2 convolutions with LeakyReLU(0.2) (BatchNorm after the first), then a
linear (projection when conditional) head.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from couturier.layers import ConditionalBatchNorm2d, LabelConcat, ProjectionHead, init_dcgan_weights, resolution_plan
from couturier.models.base import GAN
from couturier.models.registry import register_model


class ConvGenerator(nn.Module):
    """Transposed-convolution generator. `class_norm` conditions through the BatchNorms
    (as in SNGAN/BigGAN) instead of concatenating a class embedding to z; `make_norm` swaps
    in another conditional norm, called as norm(h, y) (the text GAN's takes a text code as y)."""

    def __init__(self, z_dim: int, channels: int, resolution: int, width: int,
                 num_classes: int | None, class_norm: bool = False,
                 make_norm: Callable[[int], nn.Module] | None = None):
        super().__init__()
        self.z_dim, self.num_classes = z_dim, num_classes
        base, doublings = resolution_plan(resolution)
        self.inputs = LabelConcat(z_dim, None if class_norm else num_classes)
        norm_classes = num_classes if class_norm else None
        make_norm = make_norm or (lambda ch: ConditionalBatchNorm2d(ch, norm_classes))
        ch = width * 2 ** doublings
        self.stem = nn.ConvTranspose2d(self.inputs.out_dim, ch, base, 1, 0, bias=False)
        self.norms = nn.ModuleList([make_norm(ch)])
        self.ups = nn.ModuleList()
        for _ in range(doublings - 1):
            self.ups.append(nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False))
            self.norms.append(make_norm(ch // 2))
            ch //= 2
        self.to_image = nn.ConvTranspose2d(ch, channels, 4, 2, 1)

    def latent_weight(self) -> torch.Tensor:
        """(features, z_dim): the first layer's weight on z (couturier.directions reads it)."""
        return self.stem.weight[:self.z_dim].reshape(self.z_dim, -1).T

    def early_features(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The first layer's output after its norm and ReLU (GANSpace's PCA reads it)."""
        return torch.relu(self.norms[0](self.stem(self.inputs(z, y)[:, :, None, None]), y))

    def features(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The feature map at half the output resolution, before the last layer."""
        h = self.early_features(z, y)
        for up, norm in zip(self.ups, self.norms[1:]):
            h = torch.relu(norm(up(h), y))
        return h

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.tanh(self.to_image(self.features(z, y)))


class DCGANDiscriminator(nn.Module):
    def __init__(self, channels: int, resolution: int, width: int, num_classes: int | None):
        super().__init__()
        base, doublings = resolution_plan(resolution)
        layers, ch = [nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2)], width
        for _ in range(doublings - 1):
            layers += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2)]
            ch *= 2
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.head = ProjectionHead(ch * base * base, num_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.head(self.features(x), y)


@register_model(
    "dcgan",
    preset={"model": {"width": 64}, "loss": {"name": "bce"},
            "train": {"batch_size": 64, "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.5, "beta2": 0.999}},
    summary="convolutional GAN with BatchNorm (Radford et al. 2016)",
)
class DCGAN(GAN):
    def build(self) -> tuple[nn.Module, nn.Module]:
        d, m = self.cfg.data, self.cfg.model
        generator = ConvGenerator(m.z_dim, d.channels, d.resolution, m.width, self.num_classes)
        discriminator = DCGANDiscriminator(d.channels, d.resolution, m.width, self.num_classes)
        init_dcgan_weights(generator)
        init_dcgan_weights(discriminator)
        return generator, discriminator
