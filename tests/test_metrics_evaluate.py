import numpy as np
import pytest

from couturier.errors import SampleError
from couturier.metrics.classes import class_statistics
from couturier.metrics.memorisation import memorisation, nearest_training_distances


def test_class_statistics_flag_collapse():
    balanced = np.eye(10)[np.arange(1000) % 10]
    stats = class_statistics(balanced, requested=np.arange(1000) % 10)
    assert stats["class_entropy"] == pytest.approx(1.0)
    assert stats["classifier_score"] == pytest.approx(10.0, rel=1e-3)
    assert stats["class_consistency"] == 1.0
    collapsed = class_statistics(np.eye(10)[np.zeros(1000, int)])
    assert collapsed["class_entropy"] == 0.0 and collapsed["largest_class_share"] == 1.0
    assert collapsed["smallest_class_share"] == 0.0 and collapsed["classifier_score"] == pytest.approx(1.0)


def test_memorisation_catches_copies_not_new_images():
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (500, 8, 8), dtype=np.uint8)
    test = rng.integers(0, 256, (200, 8, 8), dtype=np.uint8)
    distances, indices = nearest_training_distances(train[[7, 42]], train)
    assert indices.tolist() == [7, 42] and np.allclose(distances, 0, atol=1e-3)
    fresh = rng.integers(0, 256, (100, 8, 8), dtype=np.uint8)
    assert memorisation(fresh, train, test)["memorisation_share"] < 0.1
    copies = np.concatenate([train[:50], fresh[:50]])
    result = memorisation(copies, train, test)
    assert result["memorisation_share"] == pytest.approx(0.5, abs=0.05)
    assert result["closest_pairs"][0][2] == pytest.approx(0.0, abs=1e-3)


needs_data = pytest.mark.skipif(
    not __import__("pathlib").Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").is_file(),
    reason="Debian package dataset-fashion-mnist not installed")


@needs_data
def test_evaluate_real_images_against_test_split(tmp_path, monkeypatch):
    """The whole pipeline with an untrained feature net: real images score near the floor, noise far off."""
    import torch
    from safetensors.torch import save_file

    from couturier.data.fashion_mnist import load_fashion_mnist
    from couturier.metrics.evaluate import evaluate
    from couturier.samples import load_samples
    from couturier.metrics.features import FashionClassifier, load_feature_net

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    torch.manual_seed(0)
    weights = tmp_path / "net.safetensors"
    save_file(FashionClassifier().state_dict(), str(weights))
    net = load_feature_net(str(weights))
    train, labels = load_fashion_mnist("train")
    np.savez(tmp_path / "real.npz", images=train[:1000], labels=labels[:1000])
    images, requested = load_samples(tmp_path / "real.npz")
    real = evaluate(images, net, requested=requested)
    noise = evaluate(np.random.default_rng(0).integers(0, 256, (1000, 1, 28, 28), dtype=np.uint8), net)
    assert real["fid"] < noise["fid"] and real["kid_mean"] < noise["kid_mean"]
    assert real["coverage"] > noise["coverage"] and real["recall"] > noise["recall"]
    assert real["memorisation_share"] == 1.0  # training images are their own nearest neighbours
    assert noise["memorisation_share"] == 0.0
    assert (tmp_path / "cache" / "couturier" / "reference" / f"{net.cache_id}-test.npz").is_file()
    with pytest.raises(SampleError, match="at least 100"):
        evaluate(images[:50], net)


def test_bad_samples_are_refused_with_the_reason(tmp_path):
    from PIL import Image

    from couturier.samples import load_samples

    floats = np.zeros((200, 28, 28), np.float32)
    floats[3, 4, 5] = np.nan
    np.save(tmp_path / "nan.npy", floats)
    with pytest.raises(SampleError, match="NaN"):
        load_samples(tmp_path / "nan.npy")
    np.save(tmp_path / "rgb.npy", np.zeros((200, 3, 28, 28), np.uint8))
    with pytest.raises(SampleError, match=r"expected images shaped \(N, 28, 28\)"):
        load_samples(tmp_path / "rgb.npy")
    (tmp_path / "big").mkdir()
    Image.new("RGB", (64, 64)).save(tmp_path / "big" / "a.png")
    with pytest.raises(SampleError, match="64x64"):
        load_samples(tmp_path / "big")
