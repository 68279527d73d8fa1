"""metrics/memorisation.py: copies of training images."""
import numpy as np
import pytest

from couturier.metrics.memorisation import memorisation, nearest_training_distances


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

