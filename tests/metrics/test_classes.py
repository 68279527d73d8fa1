"""metrics/classes.py: the class histogram."""
import numpy as np
import pytest

from couturier.metrics.classes import class_statistics


def test_class_statistics_flag_collapse():
    balanced = np.eye(10)[np.arange(1000) % 10]
    stats = class_statistics(balanced, requested=np.arange(1000) % 10)
    assert stats["class_entropy"] == pytest.approx(1.0)
    assert stats["classifier_score"] == pytest.approx(10.0, rel=1e-3)
    assert stats["class_consistency"] == 1.0
    collapsed = class_statistics(np.eye(10)[np.zeros(1000, int)])
    assert collapsed["class_entropy"] == 0.0 and collapsed["largest_class_share"] == 1.0
    assert collapsed["smallest_class_share"] == 0.0 and collapsed["classifier_score"] == pytest.approx(1.0)

