"""Feature networks for style transfer and texture synthesis.

Two weight sources for one VGG-19 layout (Simonyan & Zisserman 2015), cut after the last layer
the losses read:

- `random` (the default): VGG-19 at a quarter of its width with seeded He-initialised weights.
  He, Wang & Hopcroft (NeurIPS 2016) showed untrained VGG features carry enough structure for
  texture synthesis and style transfer, and Ustyuzhaninov et al. (ICLR 2017) that random filters
  synthesise textures comparable to VGG's. It needs no download, so it works offline and in CI,
  and at a quarter width it is 16 times cheaper on a CPU. The trade-off: its content layer keeps
  the layout but not the semantics, so fabric spreads more evenly over object parts.
- `vgg19`: torchvision's ImageNet VGG-19 (`vgg19-dcbb9e9d.pth`), from a file the user gives or
  downloaded on first use where there is network; its SHA-256 must start with the 8 hex digits
  in the official name, as torchvision checks, and it is cached under ~/.cache/couturier/weights.
"""
from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path

import torch
from torch import nn

from couturier.errors import StyleNetError
from couturier.fileio import sha256_file, user_cache_dir, write_bytes

VGG19_URL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth"
VGG19_SHA256_PREFIX = "dcbb9e9d"
# (name, output channels) of VGG-19's convolutions; "pool" halves the resolution.
VGG19_LAYOUT = ["conv1_1", "conv1_2", "pool", "conv2_1", "conv2_2", "pool",
                "conv3_1", "conv3_2", "conv3_3", "conv3_4", "pool",
                "conv4_1", "conv4_2", "conv4_3", "conv4_4", "pool", "conv5_1"]
VGG19_CHANNELS = {"1": 64, "2": 128, "3": 256, "4": 512, "5": 512}
# "pixels" (the input in [0, 1]) adds the colours' second moments. Not the centred input: a Gram
# matrix cannot tell a centred colour from its negative, so a red garment given a blue fabric
# turned gold (and the random net's results yellow and magenta). Random filters alone match
# texture but let colours drift (blue speckle on a brown fabric in our first panels).
STYLE_LAYERS = ("pixels", "relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1")
CONTENT_LAYER = "relu4_2"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)



class VGGFeatures(nn.Module):
    """VGG-19 up to `last`; forward(x in [0, 1]) returns {relu name: activation} for `wanted`.

    `padding_mode="circular"` makes every convolution wrap around the image edges, which is how
    texture synthesis produces tileable fabric. Pooling is average pooling (Gatys et al. 2016
    found it gives smoother results than max pooling)."""

    style_layers = STYLE_LAYERS
    content_layer = CONTENT_LAYER

    def __init__(self, width_divisor: int = 1, last: str = "relu5_1", padding_mode: str = "reflect"):
        super().__init__()
        self.names, layers, cin = [], [], 3
        for name in VGG19_LAYOUT:
            if name == "pool":
                layers.append(nn.AvgPool2d(2))
                self.names.append("pool")
                continue
            cout = VGG19_CHANNELS[name[4]] // width_divisor
            layers += [nn.Conv2d(cin, cout, 3, padding=1, padding_mode=padding_mode), nn.ReLU()]
            self.names += [name, name.replace("conv", "relu")]
            cin = cout
            if name.replace("conv", "relu") == last:
                break
        self.layers = nn.Sequential(*layers)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        self.requires_grad_(False)
        self.eval()

    name = "vgg19"

    def set_padding(self, mode: str) -> None:
        for layer in self.layers:
            if isinstance(layer, nn.Conv2d):
                layer.padding_mode = mode

    def forward(self, x: torch.Tensor, wanted: tuple[str, ...]) -> dict[str, torch.Tensor]:
        h, out, remaining = (x - self.mean) / self.std, {}, set(wanted)
        if "pixels" in remaining:
            out["pixels"] = x  # in [0, 1], not centred: see STYLE_LAYERS
            remaining.discard("pixels")
        for name, layer in zip(self.names, self.layers):
            h = layer(h)
            if name in remaining:
                out[name] = h
                remaining.discard(name)
                if not remaining:
                    break
        return out


def random_vgg(seed: int = 0, width_divisor: int = 4) -> VGGFeatures:
    """Quarter-width VGG-19 with seeded random weights: no download, same features on every machine."""
    net = VGGFeatures(width_divisor)
    generator = torch.Generator().manual_seed(seed)
    for layer in net.layers:
        if isinstance(layer, nn.Conv2d):
            # He init keeps activations from vanishing through 13 random ReLU layers.
            fan_in = layer.in_channels * 9
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) * (2.0 / fan_in) ** 0.5)
            layer.bias.zero_()
    return net


def _download_vgg19(target: Path) -> None:
    try:
        with urllib.request.urlopen(VGG19_URL, timeout=60) as response:
            payload = response.read()
    except OSError as exc:
        raise StyleNetError(f"cannot download VGG-19 weights from {VGG19_URL} ({exc}); give the file "
                            f"torchvision's vgg19-dcbb9e9d.pth, or use the random features", field="vgg") from exc
    digest = hashlib.sha256(payload).hexdigest()
    if not digest.startswith(VGG19_SHA256_PREFIX):
        raise StyleNetError(f"the download from {VGG19_URL} has sha256 {digest[:8]}..., expected "
                            f"{VGG19_SHA256_PREFIX}...; nothing was cached, try again later")
    write_bytes(target, payload)


def imagenet_vgg(path: str | Path | None = None) -> VGGFeatures:
    """torchvision's VGG-19 weights from `path`, or from the cache (downloaded on first use)."""
    if path is None:
        path = user_cache_dir("weights") / VGG19_URL.rsplit("/", 1)[1]
        if not path.is_file():
            _download_vgg19(path)
    path = Path(path)
    if not path.is_file():
        raise StyleNetError(f"VGG weights file {path} does not exist; pass torchvision's vgg19-dcbb9e9d.pth")
    digest = sha256_file(path)
    if not digest.startswith(VGG19_SHA256_PREFIX):
        raise StyleNetError(f"{path} has sha256 {digest[:8]}..., not torchvision's VGG-19 "
                            f"({VGG19_SHA256_PREFIX}...); use the official vgg19-dcbb9e9d.pth")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for a damaged pickle
        raise StyleNetError(f"{path} is not a readable PyTorch weights file ({exc})") from exc
    net = VGGFeatures(1)
    convs = [layer for layer in net.layers if isinstance(layer, nn.Conv2d)]
    # torchvision numbers VGG-19's features Sequential with ReLUs and max-pools in between.
    indices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28]
    try:
        for conv, index in zip(convs, indices):
            conv.weight.copy_(state[f"features.{index}.weight"])
            conv.bias.copy_(state[f"features.{index}.bias"])
    except (KeyError, RuntimeError) as exc:
        raise StyleNetError(f"{path} does not hold VGG-19 weights in torchvision's layout ({exc})") from exc
    return net


STYLE_NETS = ("lite0", "lite0-softmax", "random", "vgg19")


def load_style_net(features: str = "lite0", vgg_path: str | Path | None = None) -> nn.Module:
    """`lite0` (default: ImageNet EfficientNet-Lite0 from the `pretrained` extra), `lite0-softmax`
    (its activations softmax-smoothed, Wang et al. 2021), `random` (the earlier offline default:
    random quarter-width VGG-19) or `vgg19` (ImageNet weights from vgg_path or the cache)."""
    if vgg_path is not None or features == "vgg19":
        return imagenet_vgg(vgg_path)
    if features in ("lite0", "lite0-softmax"):
        from couturier.style.lite0 import Lite0StyleFeatures

        return Lite0StyleFeatures("none" if features == "lite0" else "softmax")
    if features != "random":
        raise StyleNetError(f"unknown feature network {features!r}; use one of {', '.join(STYLE_NETS)}")
    return random_vgg()
