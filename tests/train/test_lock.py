"""One writer per run folder: a second trainer is refused before it writes anything; a lock left by
a dead process is no obstacle; a folder that cannot be written is one line before any training."""
import errno
import os
import subprocess
import sys

import pytest
from conftest import run_cli, tiny_config

from couturier.errors import DataError, RunDirError, WriteError
from couturier.train import Trainer
from couturier.train.lock import LOCK_NAME, RunLock, probe


def _snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_lock_is_refused_naming_the_holder_until_the_first_is_released(tmp_path):
    first = RunLock(tmp_path / "run").acquire()
    with pytest.raises(RunDirError, match=rf"run is being trained by process {os.getpid()}"):
        RunLock(tmp_path / "run").acquire()
    with pytest.raises(RunDirError):
        probe(tmp_path / "run")
    first.release()
    with RunLock(tmp_path / "run") as again:
        assert again.held
    probe(tmp_path / "run")  # free again: takes nothing, raises nothing


def test_a_lock_file_left_by_a_dead_process_is_no_obstacle(tmp_path):
    run = tmp_path / "run"
    holder = subprocess.run([sys.executable, "-c", "from couturier.train.lock import RunLock; import os; "
                             f"RunLock({str(run)!r}).acquire(); os._exit(9)"], timeout=60)
    assert holder.returncode == 9 and (run / LOCK_NAME).is_file()  # died holding it, never released
    with RunLock(run) as lock:
        assert lock.held and (run / LOCK_NAME).read_text().split()[0] == str(os.getpid())


def test_a_second_trainer_is_refused_while_the_first_holds_the_run(tmp_path, fmnist_slice):
    run = tmp_path / "run"
    Trainer(tiny_config(steps=3), run, dataset=fmnist_slice).fit(progress=False)
    first = Trainer(tiny_config(steps=6), run, resume=True, dataset=fmnist_slice)  # holds it until fit ends
    before = _snapshot(run)
    with pytest.raises(RunDirError, match=f"being trained by process {os.getpid()}"):
        Trainer(tiny_config(steps=6), run, resume=True, dataset=fmnist_slice)
    assert _snapshot(run) == before  # refused before writing anything
    first.fit(progress=False)
    assert first.step == 6 and not first.folder.lock.held
    Trainer(tiny_config(steps=8), run, resume=True, dataset=fmnist_slice).fit(progress=False)  # free after fit


def test_the_cli_refuses_a_second_trainer_in_one_line_and_touches_nothing(tmp_path, monkeypatch, capsys,
                                                                         fmnist_slice):
    run = tmp_path / "run"
    Trainer(tiny_config(steps=3), run, dataset=fmnist_slice).fit(progress=False)
    before = _snapshot(run)
    with RunLock(run):  # as a trainer in another terminal would
        code, out, err = run_cli(monkeypatch, capsys, "train", "--out", run, "--resume", "--steps", "6")
    assert code == 2 and err.count("\n") == 1 and f"being trained by process {os.getpid()}" in err
    assert str(run) in err and "Traceback" not in err
    assert _snapshot(run) == before


def test_a_new_run_that_fails_to_start_leaves_no_folder_behind(tmp_path):
    cfg = tiny_config("dcgan", data={"dataset": str(tmp_path / "missing")})
    with pytest.raises(DataError):
        Trainer(cfg, tmp_path / "new")  # locked (so created) the folder, then found no data
    assert not (tmp_path / "new").exists()


def test_a_run_folder_that_cannot_be_written_is_one_line_before_training(tmp_path, monkeypatch, capsys):
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(LOCK_NAME):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(WriteError, match="Read-only file system"):
        RunLock(tmp_path / "run").acquire()
    code, out, err = run_cli(monkeypatch, capsys, "train", "--model", "mlp", "--out", tmp_path / "cli")
    assert code == 2 and err.count("\n") == 1
    assert "cannot train in" in err and "Read-only file system" in err and "training" not in out
