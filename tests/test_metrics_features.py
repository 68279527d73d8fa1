import numpy as np
import pytest

from couturier.metrics import features as feature_module
from couturier.metrics.features import WEIGHTS, FeatureNetError, extract, load_fashion_classifier

needs_data = pytest.mark.skipif(
    not __import__("pathlib").Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").is_file(),
    reason="Debian package dataset-fashion-mnist not installed")


def test_shipped_weights_are_small_and_checked():
    assert WEIGHTS.is_file() and WEIGHTS.stat().st_size < 5 * 1024 * 1024
    assert feature_module.sha256_of(WEIGHTS) == feature_module.WEIGHTS_SHA256


@needs_data
def test_shipped_classifier_reaches_93_percent_on_the_test_split():
    from couturier.data.fashion_mnist import load_fashion_mnist

    images, labels = load_fashion_mnist("test")
    features, probs = extract(load_fashion_classifier(), images)
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
    assert np.isfinite(feature_module.FashionClassifier.feature_dim)
