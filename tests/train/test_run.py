"""train/run.py: which folders training may write to, and what a stopped run continues with."""
import json

import pytest
import torch
from conftest import tiny_config

from couturier.checkpoint import load_checkpoint
from couturier.train import RunDirError, Trainer
from couturier.train.run import resumed_config


def test_out_folder_guards(tmp_path, fmnist_slice):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(RunDirError, match="not a run folder"):
        Trainer(tiny_config(), foreign, dataset=fmnist_slice)
    assert (foreign / "holiday.jpg").read_bytes() == b"precious"
    with pytest.raises(RunDirError, match="holds no run to resume"):
        Trainer(tiny_config(), tmp_path / "fresh", resume=True, dataset=fmnist_slice)
    Trainer(tiny_config(steps=3), tmp_path / "run", dataset=fmnist_slice).fit(progress=False)
    with pytest.raises(RunDirError, match="already holds a run; resume it"):
        Trainer(tiny_config(), tmp_path / "run", dataset=fmnist_slice)


def test_a_run_stopped_before_its_first_checkpoint_resumes_from_zero_or_starts_again(tmp_path, fmnist_slice):
    """config.json is written before the first checkpoint; that alone must not make a dead end."""
    cfg = tiny_config(steps=4, checkpoint_every=1000)
    Trainer(cfg, tmp_path / "straight", dataset=fmnist_slice).fit(progress=False)
    Trainer(cfg, tmp_path / "stopped", dataset=fmnist_slice).close()  # writes config.json, then is killed
    assert (tmp_path / "stopped" / "config.json").is_file() and not (tmp_path / "stopped" / "checkpoints").exists()
    resumed = Trainer(cfg, tmp_path / "stopped", resume=True, dataset=fmnist_slice)
    assert resumed.step == 0
    resumed.fit(progress=False)
    a, b = load_checkpoint(tmp_path / "straight").tensors, load_checkpoint(tmp_path / "stopped").tensors
    assert all(torch.equal(a[k], b[k]) for k in a if k.startswith(("G.", "D.")))
    Trainer(cfg, tmp_path / "again", dataset=fmnist_slice).close()
    Trainer(cfg, tmp_path / "again", dataset=fmnist_slice).fit(progress=False)  # started again: allowed


def test_a_resume_continues_with_the_latest_checkpoints_config(tmp_path, fmnist_slice):
    Trainer(tiny_config(steps=3), tmp_path / "run", dataset=fmnist_slice).fit(progress=False)
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    config["train"]["lr_g"] = 0.5  # config.json is a record; the checkpoint's config is the truth
    (tmp_path / "run" / "config.json").write_text(json.dumps(config))
    assert resumed_config(tmp_path / "run")["train"]["lr_g"] == tiny_config().train.lr_g
