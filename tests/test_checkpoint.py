"""checkpoint.py: durable writes, checksums, fallback to the checkpoint before a damaged one."""
import json

import pytest
import torch
from conftest import tiny_config

from couturier.checkpoint import (
    META,
    WEIGHTS,
    Checkpoint,
    list_checkpoints,
    load_checkpoint,
    recover,
    write_checkpoint_folder,
)
from couturier.errors import CheckpointError
from couturier.train import Trainer


@pytest.fixture
def run(tmp_path, fmnist_slice):
    """A tiny run with checkpoints at steps 2 and 4."""
    Trainer(tiny_config(steps=4, checkpoint_every=2), tmp_path / "run", dataset=fmnist_slice).fit(progress=False)
    return tmp_path / "run"


def test_a_flipped_bit_is_caught_and_the_run_falls_back_to_the_checkpoint_before(run, fmnist_slice):
    latest = list_checkpoints(run / "checkpoints")[-1]
    data = bytearray((latest / WEIGHTS).read_bytes())
    data[-5] ^= 0x01  # one bit of one tensor: the file still parses
    (latest / WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="fails its SHA-256 check"):
        load_checkpoint(latest)
    warnings = []
    checkpoint = load_checkpoint(run, warn=warnings.append)
    assert checkpoint.step == 2 and len(warnings) == 1 and "falling back" in warnings[0]
    resumed = Trainer(tiny_config(steps=6, checkpoint_every=2), run, resume=True, log=warnings.append,
                      dataset=fmnist_slice)
    assert resumed.step == 2 and "falling back" in warnings[-1]


@pytest.mark.parametrize("damage, message", [
    (lambda meta: b"\xff\xfe not utf-8", "unreadable or corrupt"),
    (lambda meta: json.dumps({**meta, "step": "abc"}).encode(), "no valid step"),
    (lambda meta: json.dumps({**meta, "step": 1e30}).encode(), "no valid step"),
    (lambda meta: json.dumps({k: v for k, v in meta.items() if k != "step"}).encode(), "no valid step"),
    (lambda meta: json.dumps(meta).replace('"elapsed_s": ', '"elapsed_s": Infinity, "x": ').encode(),
     "no valid elapsed_s"),
    (lambda meta: json.dumps({k: v for k, v in meta.items() if k != "optimizers"}).encode(), "optimizer state"),
    (lambda meta: json.dumps({**meta, "format": "other/1"}).encode(), "not a couturier checkpoint"),
])
def test_damaged_meta_is_one_clear_error(run, damage, message):
    latest = list_checkpoints(run / "checkpoints")[-1]
    meta = json.loads((latest / META).read_text())
    (latest / META).write_bytes(damage(meta))
    with pytest.raises(CheckpointError, match=message) as caught:
        load_checkpoint(latest, training_state=True)
    assert len(str(caught.value).splitlines()) == 1
    assert load_checkpoint(run, training_state=True, warn=lambda _: None).step == 2  # the one before


def test_saving_a_step_again_never_leaves_it_missing_and_recover_puts_back_a_copy_moved_aside(tmp_path):
    folder = tmp_path / "checkpoints"
    first = Checkpoint(5, {"model": {"name": "x"}}, {"w": torch.zeros(3)})
    write_checkpoint_folder(folder / "step-00000005", first)
    write_checkpoint_folder(folder / "step-00000005", Checkpoint(5, {"model": {"name": "x"}}, {"w": torch.ones(3)}))
    assert sorted(p.name for p in folder.iterdir()) == ["step-00000005"]  # nothing aside, no temporaries
    assert torch.equal(load_checkpoint(folder / "step-00000005").tensors["w"], torch.ones(3))
    # a kill between "old copy renamed aside" and "new copy renamed in": the old copy is all there is
    (folder / "step-00000005").rename(folder / ".old-step-00000005-4242")
    (folder / ".tmp-step-00000005-4242").mkdir()
    (folder / ".tmp-step-00000005-4242" / WEIGHTS).write_bytes(b"half")
    assert list_checkpoints(folder) == []
    assert recover(folder) == ["restored step-00000005", "removed .tmp-step-00000005-4242"]
    assert [p.name for p in list_checkpoints(folder)] == ["step-00000005"]


def test_a_step_folder_holding_only_its_meta_is_not_a_checkpoint(run):
    latest = list_checkpoints(run / "checkpoints")[-1]
    (latest / WEIGHTS).unlink()  # a half-deleted folder
    assert [p.name for p in list_checkpoints(run / "checkpoints")] == ["step-00000002"]


def test_checkpoints_are_readable_as_the_umask_allows_and_an_unreadable_one_is_one_line(run, monkeypatch):
    """Other users of a group serve and sample a run: the weights get open()'s permissions, not the
    owner-only ones safetensors creates them with."""
    import os

    import couturier.checkpoint as checkpoint
    from couturier.fileio import FILE_MODE

    latest = list_checkpoints(run / "checkpoints")[-1]
    assert (latest / WEIGHTS).stat().st_mode & 0o777 == FILE_MODE == (latest / META).stat().st_mode & 0o777

    def forbidden(path):
        raise PermissionError(13, os.strerror(13), str(path))

    monkeypatch.setattr(checkpoint, "sha256_file", forbidden)  # root reads anything: the refusal is staged
    with pytest.raises(CheckpointError, match=r"cannot read .*weights\.safetensors \(Permission denied\); ask its owner"):
        load_checkpoint(latest)
