"""metrics/test_features.py"""
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_data

from couturier.metrics import features as feature_module
from couturier.metrics.features import (
    WEIGHTS,
    FeatureNetError,
    load_fashion_classifier,
    load_feature_net,
)


def test_shipped_weights_are_small_and_checked():
    assert WEIGHTS.is_file() and WEIGHTS.stat().st_size < 5 * 1024 * 1024
    assert feature_module.sha256_of(WEIGHTS) == feature_module.WEIGHTS_SHA256


@needs_data
def test_shipped_classifier_reaches_93_percent_on_the_test_split():
    from couturier.data.fashion_mnist import load_fashion_mnist

    images, labels = load_fashion_mnist("test")
    features, probs = load_feature_net("fashion").extract(images)
    assert features.shape == (10000, 256) and probs.shape == (10000, 10)
    assert (probs.argmax(1) == labels).mean() >= 0.93


def test_tampered_weights_are_refused(tmp_path, monkeypatch):
    copy = tmp_path / "fashion_classifier.safetensors"
    data = bytearray(WEIGHTS.read_bytes())
    data[-1] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(FeatureNetError, match="SHA-256"):
        load_fashion_classifier(copy, expected_sha256=feature_module.WEIGHTS_SHA256)
    with pytest.raises(FeatureNetError, match="not found"):
        load_fashion_classifier(tmp_path / "missing.safetensors")


def test_user_feature_networks_torchscript_and_onnx(tmp_path):
    import torch

    from couturier.metrics.features import load_feature_net

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 16)).eval()
    images = np.random.default_rng(0).integers(0, 256, (7, 1, 28, 28), dtype=np.uint8)
    expected = net(torch.tensor(images, dtype=torch.float32) / 127.5 - 1).detach().numpy()

    torch.jit.script(net).save(str(tmp_path / "net.pt"))
    scripted = load_feature_net(str(tmp_path / "net.pt"), trust_code=True)
    features, probs = scripted.extract(images)
    assert np.allclose(features, expected, atol=1e-5) and probs is None  # class stats fall back to the classifier

    torch.export.save(torch.export.export(net, (torch.zeros(2, 1, 28, 28),),
                                          dynamic_shapes=({0: torch.export.Dim("n")},)), str(tmp_path / "net.pt2"))
    features, _ = load_feature_net(str(tmp_path / "net.pt2"), trust_code=True).extract(images)
    assert np.allclose(features, expected, atol=1e-5)

    torch.onnx.export(net, (torch.zeros(2, 1, 28, 28),), str(tmp_path / "net.onnx"), dynamo=False,
                      input_names=["x"], dynamic_axes={"x": {0: "n"}})
    features, _ = load_feature_net(str(tmp_path / "net.onnx")).extract(images)
    assert np.allclose(features, expected, atol=1e-4)
    assert scripted.cache_id != load_feature_net(str(tmp_path / "net.onnx")).cache_id


def test_bad_feature_network_names_are_one_line_errors(tmp_path):
    from couturier.metrics.features import load_feature_net

    with pytest.raises(FeatureNetError, match="unknown feature network"):
        load_feature_net("vgg")
    with pytest.raises(FeatureNetError, match="not found"):
        load_feature_net("inception:/nonexistent/pt_inception.pth")
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(FeatureNetError, match="not a TorchScript file"):
        load_feature_net(str(tmp_path / "junk.pt"), trust_code=True)


class _Payload:
    """What an attacker pickles: unpickling it creates a file (it could run anything)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("suffix", [".pt2", ".pt", ".ts"])
def test_files_that_carry_code_are_refused_unless_trusted(tmp_path, suffix):
    import pickle
    import zipfile

    from couturier.metrics.features import load_feature_net

    marker, evil = tmp_path / "pwned", tmp_path / f"evil{suffix}"
    with zipfile.ZipFile(evil, "w") as archive:  # the layout of a torch.export / TorchScript archive
        archive.writestr("evil/data.pkl", pickle.dumps(_Payload(marker)))
    with pytest.raises(FeatureNetError, match="runs code from the file") as caught:
        load_feature_net(str(evil))
    assert caught.value.field == "trust_code" and not marker.exists()


def test_inception_v3_matches_torchvision_layout_and_loads_user_weights(tmp_path):
    import torch

    from couturier.metrics.features import load_feature_net
    from couturier.metrics.inception import InceptionV3

    model = InceptionV3()
    # torchvision's inception_v3 has 27,161,264 parameters, 3,326,696 of them in AuxLogits
    assert sum(p.numel() for p in model.parameters()) == 27_161_264 - 3_326_696
    torch.manual_seed(0)
    torch.save(InceptionV3(tf_fid=True, num_classes=1008).state_dict(), tmp_path / "pt_inception.pth")
    net = load_feature_net(f"inception:{tmp_path / 'pt_inception.pth'}")
    images = np.random.default_rng(0).integers(0, 256, (2, 1, 28, 28), dtype=np.uint8)
    features, probs = net.extract(images)
    assert features.shape == (2, 2048) and np.isfinite(features).all() and probs is None
    torch.save({"conv.weight": torch.zeros(1)}, tmp_path / "other.pth")
    with pytest.raises(FeatureNetError, match="not an Inception-v3"):
        load_feature_net(f"inception:{tmp_path / 'other.pth'}")

