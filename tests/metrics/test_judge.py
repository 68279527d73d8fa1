"""metrics/registry.py: metrics by name, run over one judgement."""
import numpy as np
import pytest

from couturier.errors import ConfigError
from couturier.metrics.registry import (
    METRICS,
    Judgement,
    Reference,
    judge,
    register_metric,
    table_columns,
)


def _judgement(**extra):
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(300, 4)), rng.normal(0.5, 1.0, size=(300, 4))
    images = rng.integers(0, 255, (300, 1, 28, 28), dtype=np.uint8)
    return Judgement(images, fake, Reference("test", real), probs=None, seed=0, extra=extra)


def test_metrics_that_do_not_apply_are_left_out():
    results = judge(_judgement())
    assert {"fid", "kid_mean", "precision", "coverage"} <= set(results)
    assert "class_entropy" not in results and "memorisation_share" not in results  # no classifier, no training set
    assert table_columns()[:4] == ["fid", "kid_mean", "kid_std", "precision"]  # fidelity first


def test_a_registered_metric_is_run_by_name():
    @register_metric("test_brightness", columns=("test_brightness",))
    def brightness(j):
        return {"test_brightness": float(j.images.mean() / 255)}

    try:
        results = judge(_judgement(), ["test_brightness", "fid"])
        assert set(results) == {"test_brightness", "fid"} and 0.45 < results["test_brightness"] < 0.55
    finally:
        METRICS._items.pop("test_brightness")
    with pytest.raises(ConfigError, match="unknown metric 'nope'; valid metrics: attribute_match, classes, fid"):
        judge(_judgement(), ["nope"])


def test_reference_subsets_are_seeded_and_cached():
    reference = Reference("r", np.arange(200, dtype=np.float64).reshape(100, 2))
    a = reference.subset(10, seed=3)
    assert a is reference.subset(10, seed=3) and not np.array_equal(a, reference.subset(10, seed=4))
    assert reference.subset(500, seed=0) is reference.features
