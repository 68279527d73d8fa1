"""A generator that affords a CPU budget: nearest-neighbour upsampling + 3x3 convolutions, and
FastGAN's skip-layer excitation (Liu et al., "Towards faster and stabilized GAN training for
high-fidelity few-shot image synthesis", 2021).

Transposed 4x4 stride-2 convolutions overlap unevenly and print a checkerboard on every early
sample; upsampling then convolving does not. Skip-layer excitation lets the coarse 8x8 map,
where the garment's layout is decided, gate the channels of the fine 32x32 map: a shortcut for
the gradient to the layout layers, which FastGAN credits for training in few steps.

The same interface as `dcgan.ConvGenerator` (`features`, `to_image`, `norms`), so the text
generator can use either as its body.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from couturier.layers import resolution_plan


class SkipExcitation(nn.Module):
    """Channel gates for a fine map computed from a coarse one: pool to 4x4, conv to 1x1, sigmoid."""

    def __init__(self, coarse: int, fine: int):
        super().__init__()
        self.body = nn.Sequential(nn.AdaptiveAvgPool2d(4), nn.Conv2d(coarse, fine, 4, 1, 0, bias=False),
                                  nn.LeakyReLU(0.1), nn.Conv2d(fine, fine, 1, 1, 0, bias=False), nn.Sigmoid())

    def forward(self, coarse: torch.Tensor, fine: torch.Tensor) -> torch.Tensor:
        return fine * self.body(coarse)


def _phase_taps(weight: torch.Tensor) -> torch.Tensor:
    """(4 * out, in, 3, 3): a 3x3 kernel read on a nearest-upsampled map, as four kernels on the map
    itself, one per output phase (row parity, column parity). An even output row sees input rows
    i-1 and i (the kernel's first row, and its second and third summed), an odd one rows i and i+1
    (first and second summed, then the third); columns alike. Each phase's 2x2 taps sit in a 3x3
    window so that one convolution computes all four."""
    rows = (torch.stack([weight[:, :, 0], weight[:, :, 1] + weight[:, :, 2]], dim=2),
            torch.stack([weight[:, :, 0] + weight[:, :, 1], weight[:, :, 2]], dim=2))
    phases = weight.new_zeros(2, 2, *weight.shape)
    for a, row in enumerate(rows):
        columns = (torch.stack([row[..., 0], row[..., 1] + row[..., 2]], dim=-1),
                   torch.stack([row[..., 0] + row[..., 1], row[..., 2]], dim=-1))
        for b, taps in enumerate(columns):
            phases[a, b, :, :, a:a + 2, b:b + 2] = taps
    return phases.flatten(0, 2)


def upsampled_conv(h: torch.Tensor, conv: nn.Conv2d) -> torch.Tensor:
    """conv(nearest 2x upsampling of h) for a 3x3, stride-1, zero-padded conv, computed at h's own
    size: one convolution to four times the channels (one per output phase, `_phase_taps`), then the
    phases interleaved. The same numbers up to rounding, and the same parameters; oneDNN computes a
    convolution to 3 channels several times slower per operation than one to 12, and the 2x map is
    never made."""
    n, _, height, width = h.shape
    out = conv.out_channels
    bias = conv.bias.repeat(4) if conv.bias is not None else None
    y = F.conv2d(h, _phase_taps(conv.weight), bias, padding=1)
    return y.view(n, 2, 2, out, height, width).permute(0, 3, 4, 1, 5, 2).reshape(n, out, 2 * height, 2 * width)


class UpsampleToImage(nn.Module):
    """The last doubling: upsample, then a 3x3 convolution to the image's channels."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.conv = nn.Conv2d(in_channels, out_channels, 3, 1, 1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        # the doublings before this one keep upsampling then convolving: to 32 or more channels
        # oneDNN is as fast on the 2x map, and the phase form was no faster there
        return upsampled_conv(h, self.conv)


class UpsampleGenerator(nn.Module):
    def __init__(self, z_dim: int, channels: int, resolution: int, width: int,
                 make_norm: Callable[[int], nn.Module]):
        super().__init__()
        base, doublings = resolution_plan(resolution)
        ch = width * 2 ** doublings
        self.stem = nn.ConvTranspose2d(z_dim, ch, base, 1, 0, bias=False)  # 1x1 -> base x base: no overlap
        self.norms = nn.ModuleList([make_norm(ch)])
        self.ups = nn.ModuleList()
        sizes = [ch]
        for _ in range(doublings - 1):
            self.ups.append(nn.Conv2d(ch, ch // 2, 3, 1, 1, bias=False))
            self.norms.append(make_norm(ch // 2))
            ch //= 2
            sizes.append(ch)
        # the map after the first doubling excites the last one (8x8 -> 32x32 at 64 px)
        self.excite = SkipExcitation(sizes[1], sizes[-1]) if len(sizes) >= 4 else None
        self.to_image = UpsampleToImage(ch, channels)

    def latent_weight(self) -> torch.Tensor:
        """(features, inputs): the first layer's weight on its input (couturier.directions reads it)."""
        return self.stem.weight.reshape(self.stem.weight.shape[0], -1).T

    def early_features(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The first layer's output after its norm and ReLU (GANSpace's PCA reads it)."""
        return torch.relu(self.norms[0](self._stem(z), y))

    def _stem(self, z: torch.Tensor) -> torch.Tensor:
        # a transposed convolution of a 1x1 map is an outer product: one matrix product computes it
        # several times faster than the convolution's backward did (benchmarks/step_cost.py --profile)
        weight = self.stem.weight
        return (z @ weight.flatten(1)).view(z.shape[0], *weight.shape[1:])

    def features(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.early_features(z, y)
        maps = []
        for up, norm in zip(self.ups, self.norms[1:]):
            h = torch.relu(norm(up(F.interpolate(h, scale_factor=2, mode="nearest")), y))
            maps.append(h)
        return self.excite(maps[0], h) if self.excite is not None else h

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Images in [-1, 1]; y conditions the norms (a class, or None for plain BatchNorm)."""
        return torch.tanh(self.to_image(self.features(z, y)))
