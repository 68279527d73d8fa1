"""layers/basic.py."""
import pytest

from couturier.layers import resolution_plan


def test_resolution_plan():
    assert resolution_plan(28) == (7, 2) and resolution_plan(64) == (4, 4) and resolution_plan(128) == (4, 5)
    with pytest.raises(ValueError, match="use 28, 32, 64 or 128"):
        resolution_plan(100)

