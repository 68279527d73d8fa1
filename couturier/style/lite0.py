"""Pretrained style features: ImageNet EfficientNet-Lite0 (the shared frozen backbone) for Gatys
transfer and texture synthesis.

Networks other than VGG transfer style poorly because a few channels carry most of the
activation energy, so the Gram matrices (and the style loss) describe those few channels and
ignore the rest. Wang, Li & Vasconcelos ("Rethinking and improving the robustness of image style
transfer", CVPR 2021) smooth the activations with a softmax before the Gram matrix. We tried it
on a T-shirt with brick and checks, 100 steps at 256 px, three ways: over the channels at each
position (kept as `lite0-softmax`), and, in an exploratory run not kept as code, over each
channel's positions and over the whole layer. The last two saturate: L-BFGS barely moved the
picture. Over the channels it moves but draws coloured static, where the raw activations
(`lite0`, the default) draw the brick courses and the checks. So the raw features stay.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from couturier.backbones import load_backbone
from couturier.backbones.efficientnet_lite import SameConv2d

# stages 1-5 end at strides 2, 4, 8, 16, 16; "pixels" keeps colours' second moments, as for VGG
LITE0_STYLE_LAYERS = ("pixels", "stage1", "stage2", "stage3", "stage4")
LITE0_CONTENT_LAYER = "stage4"
TRANSFORMS = ("none", "softmax")


class CircularSameConv2d(SameConv2d):
    """TensorFlow "same" padding that wraps around the edges: the network sees a torus."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size, kernel, stride in zip(reversed(x.shape[-2:]), reversed(self.kernel_size), reversed(self.stride)):
            total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]
        return F.conv2d(F.pad(x, pads, mode="circular"), self.weight, self.bias, self.stride, 0, self.dilation,
                        self.groups)


class Lite0StyleFeatures(nn.Module):
    """forward(x in [0, 1], wanted) -> {layer name: activation} like VGGFeatures."""

    style_layers = LITE0_STYLE_LAYERS
    content_layer = LITE0_CONTENT_LAYER

    def __init__(self, transform: str = "none", temperature: float = 1.0):
        super().__init__()
        if transform not in TRANSFORMS:
            raise ValueError(f"transform must be one of {TRANSFORMS}")
        backbone = load_backbone()
        self.stem, self.stem_bn = backbone._conv_stem, backbone._bn0
        self.blocks = backbone._blocks[:backbone.stage_ends[4] + 1]
        self.stage_ends = backbone.stage_ends[:5]
        self.transform, self.temperature = transform, temperature
        self.requires_grad_(False)
        self.eval()

    @property
    def name(self) -> str:
        return "lite0" if self.transform == "none" else "lite0-softmax"

    def set_padding(self, mode: str) -> None:
        """"circular" for tileable textures (call on a copy: the backbone is shared)."""
        cls = CircularSameConv2d if mode == "circular" else SameConv2d
        for module in self.modules():
            if isinstance(module, SameConv2d):
                module.__class__ = cls

    def _smooth(self, h: torch.Tensor) -> torch.Tensor:
        if self.transform == "none":
            return h
        # times the channel count so a uniform distribution is all ones, whatever the layer's width
        return torch.softmax(h / self.temperature, dim=1) * h.shape[1]

    def forward(self, x: torch.Tensor, wanted: tuple[str, ...]) -> dict[str, torch.Tensor]:
        out, remaining = {}, set(wanted)
        h = (x * 255.0 - 127.0) / 128.0
        if "pixels" in remaining:
            out["pixels"] = x  # in [0, 1], not centred: see STYLE_LAYERS
            remaining.discard("pixels")
        h = F.relu6(self.stem_bn(self.stem(h)))
        for index, block in enumerate(self.blocks):
            if not remaining:
                break
            h = block(h)
            if index in self.stage_ends:
                name = f"stage{self.stage_ends.index(index) + 1}"
                if name in remaining:
                    out[name] = self._smooth(h)
                    remaining.discard(name)
        return out
