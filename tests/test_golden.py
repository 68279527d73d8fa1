"""Training numerics do not change by accident: a few hundred steps of each model family end
with the very weights (SHA-256) the code before the objective redesign produced (on an AMX host,
those the same code produces there; tests/golden_runs.py)."""

import pytest
from golden_runs import GOLDEN_RUNS, cpu_signature, golden_digests, train_and_digest

from couturier.data.fashion_mnist import SYSTEM_DIR

GOLDEN = golden_digests()


@pytest.mark.parametrize("name", sorted(GOLDEN_RUNS))
def test_weights_are_bit_identical_to_the_golden_run(name, tmp_path, monkeypatch, fmnist_slice, catalogue):
    if GOLDEN is None:
        pytest.skip(f"no golden digests were taken on this kind of CPU ({cpu_signature()})")
    if name not in GOLDEN:
        pytest.skip(f"the golden run {name} was not recorded on this kind of CPU ({cpu_signature()})")
    if GOLDEN_RUNS[name][1] == "fmnist" and not (SYSTEM_DIR / "train-images-idx3-ubyte.gz").is_file():
        pytest.skip("the golden runs train on real Fashion-MNIST (Debian package dataset-fashion-mnist)")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert train_and_digest(name, tmp_path / "run", fmnist_slice, catalogue) == GOLDEN[name]
