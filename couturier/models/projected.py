"""Projected GAN (Sauer et al., "Projected GANs converge faster", 2021): D judges images in the
feature space of a frozen ImageNet network (EfficientNet-Lite0, couturier.backbones).

The image (after DiffAugment) is resized to the backbone's working size (at least 64 px) and
passed through it;
four of its stages (strides 4, 8, 16, 32) go through random, fixed 1x1 projections that mix
channels (CCM) and a random, fixed top-down path that mixes scales (CSM), as in the paper. A
light spectral-norm discriminator per scale scores each projected map, for realism plus, by
projection (Miyato & Koyama 2018), agreement with the condition: a class or a vector (a text
embedding, couturier.text2image.models.projected).
The four scores are summed into one logit, so the usual losses (hinge) and the trainer's
matching-aware pairs apply unchanged.

The backbone is held outside the module tree: its 4.7 M frozen weights then stay out of
checkpoints, optimizers and DDP, and BatchNorm inside it stays in eval mode when D trains.

Registered here as `projected` (images; unconditional or class-conditional); the text-to-image
wing registers `projected-text2image` with this D and heads of its own.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from couturier.backbones import load_backbone, normalise
from couturier.config import option
from couturier.layers import ConditionalBatchNorm2d, UpsampleGenerator, init_dcgan_weights, maybe_sn
from couturier.models.base import GAN
from couturier.models.dcgan import ConvGenerator
from couturier.models.registry import register_model

STAGES = (1, 2, 3, 5)  # Lite0 stages at strides 4, 8, 16, 32 (24, 40, 80, 192 channels)
STAGE_CHANNELS = (24, 40, 80, 192)
PROJECTED = (32, 64, 128, 256)  # channels after cross-channel mixing


def feature_size(resolution: int) -> int:
    """The backbone's working size: the image's own, at least 64 (so the coarsest of the four maps
    keeps 2x2 pixels) and at most 224 (ImageNet's). Twice the image was tried first: on 2 cores it
    cost several times the old D's time per step for no gain at 10 minutes."""
    return min(224, max(64, resolution))


class RandomProjection(nn.Module):
    """CCM and CSM: fixed random 1x1 channel mixing per scale, then a top-down path adding each
    coarser (upsampled, fixed-random 3x3-mixed) map into the finer one. Never trained: random
    projections spread the features D sees over all channels, so D cannot latch onto a few."""

    def __init__(self):
        super().__init__()
        self.mix = nn.ModuleList(nn.Conv2d(c, p, 1) for c, p in zip(STAGE_CHANNELS, PROJECTED))
        self.down = nn.ModuleList(nn.Conv2d(PROJECTED[i + 1], PROJECTED[i], 3, padding=1)
                                  for i in range(len(PROJECTED) - 1))
        for layer in [*self.mix, *self.down]:  # Kaiming-uniform, as torch initialises; seeded with the model
            nn.init.kaiming_uniform_(layer.weight, a=5 ** 0.5)
        self.requires_grad_(False)

    def forward(self, stages: list[torch.Tensor]) -> list[torch.Tensor]:
        mixed = [mix(stage) for mix, stage in zip(self.mix, stages)]
        for i in range(len(mixed) - 2, -1, -1):
            coarse = F.interpolate(mixed[i + 1], size=mixed[i].shape[-2:], mode="bilinear", align_corners=False)
            mixed[i] = mixed[i] + self.down[i](coarse)
        return mixed


class ScaleDiscriminator(nn.Module):
    """A light D for one scale: stride-2 spectral-norm convolutions down to at most 4x4, then a
    mean-pooled realism score plus a projection of the condition. Mean, not sum: summed over the
    map and the four scales, the logits reached +-30 within 50 steps and hinge saturated."""

    def __init__(self, channels: int, size: int, width: int, condition: str, condition_dim: int):
        super().__init__()
        layers, ch = [], channels
        while size > 4:
            out = min(width * 4, max(width, ch))
            layers += [maybe_sn(nn.Conv2d(ch, out, 4, 2, 1), True), nn.LeakyReLU(0.2)]
            ch, size = out, size // 2
        layers += [maybe_sn(nn.Conv2d(ch, width * 4, 3, 1, 1), True), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers)
        self.score = maybe_sn(nn.Linear(width * 4, 1), True)
        self.condition = condition
        if condition == "class":
            self.embed = maybe_sn(nn.Embedding(condition_dim, width * 4), True)
        elif condition == "vector":
            self.embed = maybe_sn(nn.Linear(condition_dim, width * 4, bias=False), True)

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """The map's features, mean-pooled: what the score and the attribute head read."""
        return self.body(x).mean(dim=(2, 3))

    def forward(self, h: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        """The score of pooled features `h` under condition `y`."""
        out = self.score(h).squeeze(1)
        if self.condition != "none":
            out = out + (self.embed(y) * h).sum(dim=1)
        return out


class ProjectedDiscriminator(nn.Module):
    # D(x, y, rows) scores x[rows] under y from one pass over x: a real batch judged with its own and
    # with mismatched descriptions goes through the frozen network once (couturier.train.judging)
    SHARES_ROWS = True

    def __init__(self, channels: int, resolution: int, width: int, condition: str = "none",
                 condition_dim: int = 0):
        super().__init__()
        self.channels, self.size = channels, feature_size(resolution)
        self.condition, self.condition_dim = condition, condition_dim
        self._backbone = [load_backbone()]  # a list: kept out of the module tree (see the module docstring)
        self._cast_backbones: dict[torch.dtype, nn.Module] = {}
        self.project = RandomProjection()
        sizes = [self.size // stride for stride in (4, 8, 16, 32)]
        self.heads = nn.ModuleList(ScaleDiscriminator(c, max(s, 1), width, condition, condition_dim)
                                   for c, s in zip(PROJECTED, sizes))
        self.pooled_features = width * 4 * len(PROJECTED)  # what `outputs` reads, all scales side by side

    @property
    def backbone(self) -> nn.Module:
        return self._backbone[0]

    def _apply(self, fn, recurse: bool = True):
        # .to(device) / .half() move the frozen backbone with the rest (it is shared, and moved once)
        self._backbone[0] = self._backbone[0]._apply(fn)
        self._cast_backbones.clear()
        return super()._apply(fn, recurse)

    def working_backbone(self, device_type: str) -> nn.Module:
        """The backbone in autocast's dtype while autocast is on. Autocast keeps its casts only of weights
        that take a gradient, so each frozen convolution would cast its weights again on every call;
        a copy cast once computes the same products."""
        if not torch.is_autocast_enabled(device_type):
            return self.backbone
        dtype = torch.get_autocast_dtype(device_type)
        if dtype not in self._cast_backbones:
            self._cast_backbones[dtype] = copy.deepcopy(self.backbone).to(dtype)
        return self._cast_backbones[dtype]

    def front(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The frozen part: backbone and fixed projections, four maps (no trainable weights, so the
        trainer may take them once for a batch of fakes and use them in D's step and G's)."""
        if self.channels == 1:
            x = x.expand(-1, 3, -1, -1)
        if x.shape[-1] != self.size:
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False)
        stages = self.working_backbone(x.device.type).stages(normalise(x), count=STAGES[-1] + 1)
        return self.project([stages[i] for i in STAGES])

    def forward(self, x: torch.Tensor | list[torch.Tensor], y: torch.Tensor | None = None,
                rows: torch.Tensor | None = None) -> torch.Tensor:
        """Logits of images x (or their `front` maps) under conditions y; with `rows`, of x[rows]
        (couturier.train.judging)."""
        maps = list(x) if isinstance(x, (list, tuple)) else self.front(x)  # DDP may hand a list on as a tuple
        pooled = [head.pool(h) for head, h in zip(self.heads, maps)]
        if rows is not None:
            pooled = [h[rows] for h in pooled]
        logit = sum(head(h, y) for head, h in zip(self.heads, pooled))
        return self.outputs(logit, pooled, y)

    def outputs(self, logit: torch.Tensor, pooled: list[torch.Tensor], y: torch.Tensor | None) -> torch.Tensor:
        """What D returns from the summed logit and each scale's pooled features: the logit here; a
        subclass may add auxiliary outputs read from the features."""
        return logit


@dataclass(frozen=True)
class ProjectedOptions:
    generator: str = option("upsample", "how G doubles its maps: 'transposed' (DCGAN's 4x4 transposed convolutions) "
                            "or 'upsample' (nearest + 3x3 convolution, with FastGAN's skip-layer excitation from "
                            "64 px)", choices=("transposed", "upsample"))


PRESET = {"loss": {"name": "hinge"},
          "train": {"batch_size": 64, "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.0, "beta2": 0.99,
                    "ema_decay": 0.999, "diffaugment": "color,translation,cutout"}}


# upsample: at 10 minutes on Fashion-MNIST the transposed G collapsed onto checkered long-sleeved tops
# while this one drew every class (BENCHMARKS.md, "The projected discriminator on Fashion-MNIST")
@register_model("projected", preset={"model": {"width": 16}, **PRESET},
                summary="D in the features of frozen EfficientNet-Lite0 (Projected GAN), hinge, EMA, DiffAugment")
class ProjectedGAN(GAN):
    Options = ProjectedOptions

    def build(self) -> tuple[nn.Module, nn.Module]:
        d, m = self.cfg.data, self.cfg.model
        if m.options.generator == "upsample":  # no transposed convolutions: no checkerboard for ImageNet features to key on
            generator = UpsampleGenerator(m.z_dim, d.channels, d.resolution, m.width * 2,
                                          lambda ch: ConditionalBatchNorm2d(ch, self.num_classes or None))
        else:
            generator = ConvGenerator(m.z_dim, d.channels, d.resolution, m.width * 2, self.num_classes,
                                      class_norm=True)
        init_dcgan_weights(generator)
        condition = "class" if self.num_classes else "none"
        return generator, ProjectedDiscriminator(d.channels, d.resolution, m.width, condition, self.num_classes or 0)
