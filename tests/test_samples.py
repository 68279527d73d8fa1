"""samples.py: samples to judge from files and folders."""
import numpy as np
import pytest

from couturier.errors import SampleError


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

    # best-of draws new pictures, so finished images cannot have it
    np.save(tmp_path / "ok.npy", np.zeros((200, 28, 28), np.uint8))
    with pytest.raises(SampleError, match="needs a run folder") as caught:
        load_samples(tmp_path / "ok.npy", best_of=4)
    assert caught.value.field == "best_of"
    assert len(load_samples(tmp_path / "ok.npy").images) == 200
