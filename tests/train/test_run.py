"""train/run.py: which folders training may write to."""
import pytest
from conftest import tiny_config

from couturier.train import RunDirError, Trainer


def test_out_folder_guards(tmp_path, fmnist_slice):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(RunDirError, match="not a run folder"):
        Trainer(tiny_config(), foreign, dataset=fmnist_slice)
    assert (foreign / "holiday.jpg").read_bytes() == b"precious"
    with pytest.raises(RunDirError, match="no checkpoint"):
        Trainer(tiny_config(), tmp_path / "fresh", resume=True, dataset=fmnist_slice)
    Trainer(tiny_config(steps=3), tmp_path / "run", dataset=fmnist_slice).fit(progress=False)
    with pytest.raises(RunDirError, match="already holds a run; resume it"):
        Trainer(tiny_config(), tmp_path / "run", dataset=fmnist_slice)

