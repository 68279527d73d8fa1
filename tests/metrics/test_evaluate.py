"""metrics/evaluate.py: every registered metric on real images."""
import numpy as np
import pytest
from conftest import needs_data

from couturier.errors import SampleError


@needs_data
def test_evaluate_real_images_against_test_split(tmp_path, shared_cache):
    """The whole pipeline with an untrained feature net: real images score near the floor, noise far off."""
    import torch
    from safetensors.torch import save_file

    from couturier.data.fashion_mnist import load_fashion_mnist
    from couturier.metrics.evaluate import evaluate
    from couturier.metrics.features import FashionClassifier, load_feature_net
    from couturier.samples import load_samples

    torch.manual_seed(0)
    weights = tmp_path / "net.safetensors"
    save_file(FashionClassifier().state_dict(), str(weights))
    net = load_feature_net(str(weights))
    train, labels = load_fashion_mnist("train")
    np.savez(tmp_path / "real.npz", images=train[:1000], labels=labels[:1000])
    samples = load_samples(tmp_path / "real.npz")
    images, requested = samples.images, samples.requested
    real = evaluate(images, net, requested=requested)
    noise = evaluate(np.random.default_rng(0).integers(0, 256, (1000, 1, 28, 28), dtype=np.uint8), net)
    assert real["fid"] < noise["fid"] and real["kid_mean"] < noise["kid_mean"]
    assert real["coverage"] > noise["coverage"] and real["recall"] > noise["recall"]
    assert real["memorisation_share"] == 1.0  # training images are their own nearest neighbours
    assert noise["memorisation_share"] == 0.0
    assert (shared_cache / "couturier" / "reference" / f"{net.cache_id}-test.npz").is_file()
    with pytest.raises(SampleError, match="at least 100"):
        evaluate(images[:50], net)

