"""Pretrained EfficientNet-Lite0 style features: layers, periodic padding, fabrics told apart."""
import copy

import torch

from couturier import style
from couturier.style.losses import gram, style_loss


def stripes(size: int, period: int, vertical: bool = False) -> torch.Tensor:
    ramp = (torch.arange(size) // (period // 2)) % 2
    grid = ramp[None, :].expand(size, size) if vertical else ramp[:, None].expand(size, size)
    return torch.stack([0.2 + 0.6 * grid.float(), 0.3 * grid.float(), 0.5 - 0.3 * grid.float()])[None]


def test_the_layers_and_their_strides():
    net = style.load_style_net("lite0")
    features = net(torch.rand(1, 3, 64, 64), net.style_layers)
    assert {k: tuple(v.shape[1:]) for k, v in features.items()} == {
        "pixels": (3, 64, 64), "stage1": (16, 32, 32), "stage2": (24, 16, 16), "stage3": (40, 8, 8),
        "stage4": (80, 4, 4)}
    assert net.content_layer in net.style_layers and not any(p.requires_grad for p in net.parameters())


def test_circular_padding_makes_the_features_periodic_on_a_copy_only():
    net = style.load_style_net("lite0")
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    shifted = torch.roll(x, shifts=(16, 32), dims=(2, 3))
    torus = copy.deepcopy(net)
    torus.set_padding("circular")
    a, b = torus(x, ("stage4",))["stage4"], torus(shifted, ("stage4",))["stage4"]
    assert torch.allclose(torch.roll(a, shifts=(1, 2), dims=(2, 3)), b, atol=1e-4)
    plain = net(x, ("stage4",))["stage4"]  # the shared network still pads like TensorFlow
    assert not torch.allclose(torch.roll(plain, shifts=(1, 2), dims=(2, 3)), net(shifted, ("stage4",))["stage4"],
                              atol=1e-3)


def test_pretrained_features_tell_a_fabric_from_its_rotation_where_random_ones_barely_do():
    """Horizontal and vertical stripes have the same colours and spectrum magnitudes up to a
    rotation: only orientation-selective features separate them, and ImageNet's have them."""
    a, b = stripes(96, 12), stripes(96, 12, vertical=True)
    ratios = {}
    for name in ("lite0", "random"):
        net = style.load_style_net(name)
        with torch.no_grad():
            target = {k: gram(v) for k, v in net(a, net.style_layers).items() if k != "pixels"}
            ratios[name] = float(style_loss({k: v for k, v in net(b, net.style_layers).items()}, target))
    assert ratios["lite0"] > 2 * ratios["random"], ratios
