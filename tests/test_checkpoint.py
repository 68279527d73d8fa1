"""checkpoint.py: damaged checkpoints are errors, not silent."""
import pytest
from conftest import tiny_config

from couturier.checkpoint import list_checkpoints
from couturier.train import CheckpointError, Trainer, load_checkpoint


def test_damaged_checkpoint_is_a_clear_error(tmp_path, fmnist_slice):
    Trainer(tiny_config(steps=3), tmp_path / "run", dataset=fmnist_slice).fit(progress=False)
    weights = list_checkpoints(tmp_path / "run" / "checkpoints")[-1] / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(tmp_path / "run")

