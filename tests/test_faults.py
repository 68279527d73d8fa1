"""Faults: `couturier train` killed with SIGKILL, or stopped with SIGINT or SIGTERM, at random
moments and inside a checkpoint save, resumes to the very weights of a run that was never
interrupted; a disk that fills up or turns read-only is one line, with the last checkpoint intact."""
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
import torch
from conftest import needs_data, run_cli

from couturier.checkpoint import list_checkpoints, load_checkpoint

ARGS = ["--model", "mlp", "--batch-size", "16", "--checkpoint-every", "5", "--log-every", "5",
        "--sample-every", "1000", "--threads", "1", "--seed", "3", "--no-progress"]
STEPS = 40


def _train(run, *extra, env=None, steps=STEPS):
    command = [sys.executable, "-m", "couturier", "train", *ARGS, "--steps", str(steps), "--out", str(run), *extra]
    return subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _networks(run):
    tensors = load_checkpoint(run).tensors
    return {k: v for k, v in tensors.items() if k.startswith(("G.", "D."))}


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    run = tmp_path_factory.mktemp("faults") / "straight"
    process = _train(run)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return _networks(run)


def _resume_until_done(run):
    resume = ["--resume"] if (run / "config.json").is_file() else []
    process = _train(run, *resume)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err


def _wait_for(pause, process):
    deadline = time.time() + 120
    while not pause.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert pause.exists(), process.communicate()[1] if process.poll() is not None else "never paused"


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@needs_data
@pytest.mark.parametrize("point", ["checkpoint-written"])
def test_killed_inside_a_checkpoint_save_resumes_bit_identical(tmp_path, straight, point):
    run, pause = tmp_path / "run", tmp_path / "paused"
    process = _train(run, env={"COUTURIER_PAUSE_AT": point, "COUTURIER_PAUSE_FILE": str(pause)})
    _wait_for(pause, process)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert any(p.name.startswith(".tmp-step-") for p in (run / "checkpoints").iterdir())  # killed mid-save
    _resume_until_done(run)
    assert not any(p.name.startswith(".") for p in (run / "checkpoints").iterdir())  # cleaned at start
    assert _same(_networks(run), straight)


@needs_data
def test_killed_at_random_moments_resumes_bit_identical(tmp_path, straight):
    run, rng, kills = tmp_path / "run", random.Random(7), 0
    while kills < 3:
        process = _train(run, *(["--resume"] if (run / "config.json").is_file() else []))
        time.sleep(rng.uniform(2.0, 5.0))  # start-up (imports, data) takes about 2 s; training about 2
        if process.poll() is not None:
            break  # finished before the kill
        process.send_signal(signal.SIGKILL)
        process.communicate()
        kills += 1
    assert kills >= 1  # at least one kill landed before the run could finish
    _resume_until_done(run)
    assert list_checkpoints(run / "checkpoints")[-1].name == f"step-{STEPS:08d}"
    assert _same(_networks(run), straight)


def _stopped_at(out):
    found = re.search(r"stopped at step (\d+); continue with couturier train --out \S+ --resume", out)
    return int(found.group(1)) if found else None


@needs_data
def test_sigint_and_sigterm_at_random_moments_save_and_resume_bit_identical(tmp_path, straight):
    """Each stop finishes its step and saves it; however many stops, the resumed run ends with the
    uninterrupted run's weights."""
    run, rng, saved = tmp_path / "run", random.Random(11), []
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGINT):
        # no periodic checkpoints: every checkpoint in the folder is a stop's own
        process = _train(run, "--checkpoint-every", "1000", *(["--resume"] if (run / "config.json").is_file() else []))
        assert process.stdout.readline().startswith("training mlp")  # said just before the first step
        time.sleep(rng.uniform(0.05, 0.2))  # 40 steps take under a second
        process.send_signal(signum)
        out, err = process.communicate(timeout=120)
        assert "Traceback" not in err, err
        step = _stopped_at(out)
        if f"done: step {STEPS}" in out:  # finished before the signal came
            break
        if step is None:  # the signal came before the loop began: nothing to save yet
            assert process.returncode in (130, -signum), err
            continue
        assert process.returncode == 128 + signum and err == ""
        saved.append(step)  # each stop saved its own step, and nothing else was saved
        assert [p.name for p in list_checkpoints(run / "checkpoints")] == [f"step-{s:08d}" for s in saved]
    # a signal during the last step stops the run there, saved: resuming it then only says it is done
    assert len(saved) >= 2 and saved == sorted(saved) and saved[-1] <= STEPS
    _resume_until_done(run)
    assert _same(_networks(run), straight)


@needs_data
def test_a_signal_in_a_save_lets_it_finish_and_a_second_ctrl_c_there_keeps_the_checkpoint_before(tmp_path, straight):
    run, pause = tmp_path / "run", tmp_path / "paused"
    paused = {"COUTURIER_PAUSE_AT": "checkpoint-written", "COUTURIER_PAUSE_FILE": str(pause)}
    process = _train(run, env=paused)
    _wait_for(pause, process)  # inside the save of step 5, its folder written, not yet renamed in
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    pause.unlink()  # the save goes on, then the run stops there
    out, err = process.communicate(timeout=120)
    assert process.returncode == 143 and _stopped_at(out) == 5, err
    assert [p.name for p in (run / "checkpoints").iterdir()] == ["step-00000005"]

    process = _train(run, "--resume", env=paused)
    _wait_for(pause, process)  # inside the save of step 10
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)  # the second stops at once
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "stopped at once at step 10; the checkpoint of step 5 is intact; continue with" in out
    assert [p.name for p in (run / "checkpoints").iterdir()] == ["step-00000005"]  # no half-written step 10
    assert load_checkpoint(run).step == 5
    _resume_until_done(run)
    assert _same(_networks(run), straight)


# ----- a disk that fills up or turns read-only -------------------------------------------------


def test_a_full_disk_at_a_checkpoint_is_one_line_and_the_checkpoint_before_stays(tmp_path, monkeypatch, capsys):
    """The weights file write refused with ENOSPC, as safetensors reports it (patched here; the
    tmpfs test below fills a real disk where the tests may mount one)."""
    from safetensors import SafetensorError

    import couturier.checkpoint as checkpoint

    real_save, calls = checkpoint.save_file, []

    def full_at_the_second(tensors, path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise SafetensorError("Error while serializing: I/O error: No space left on device (os error 28)")
        return real_save(tensors, path, **kwargs)

    monkeypatch.setattr(checkpoint, "save_file", full_at_the_second)
    run = tmp_path / "run"
    code, out, err = run_cli(monkeypatch, capsys, "train", *ARGS, "--steps", 20, "--out", run)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"cannot write {run / 'checkpoints' / 'step-00000010'} (No space left on device)" in err
    assert "the checkpoint of step 5 is intact" in err
    assert [p.name for p in (run / "checkpoints").iterdir()] == ["step-00000005"]  # no temporary left
    assert load_checkpoint(run).step == 5
    monkeypatch.setattr(checkpoint, "save_file", real_save)
    code, out, err = run_cli(monkeypatch, capsys, "train", *ARGS, "--steps", 10, "--out", run, "--resume")
    assert code == 0 and load_checkpoint(run).step == 10, err


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB tmpfs at tmp_path/disk, where this test process may mount one (root, or CAP_SYS_ADMIN)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the patched full-disk test above stands in")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def _fill(disk, leave_bytes):
    with open(disk / "filler", "wb") as fh:
        try:
            fh.write(bytes(os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - leave_bytes))
            fh.flush()
        except OSError:
            pass


@needs_data
def test_a_real_full_disk_and_a_read_only_one_are_one_line_each(small_disk):
    run = small_disk / "run"
    first = _train(run, steps=5)
    assert first.communicate(timeout=300) and first.returncode == 0
    _fill(small_disk, leave_bytes=64 * 1024)  # room for config.json and metrics.csv, not a checkpoint
    process = _train(run, "--resume", steps=10)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "(No space left on device)" in err and "the checkpoint of step 5 is intact" in err
    assert not [p for p in (run / "checkpoints").iterdir() if p.name != "step-00000005"]
    assert load_checkpoint(run).step == 5
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for command in (["train", "--out", str(run), "--resume", "--steps", "10"],
                    ["sample", str(run), "--out", str(small_disk / "grid.png")]):
        done = subprocess.run([sys.executable, "-m", "couturier", *command], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "(Read-only file system)" in done.stderr and "Traceback" not in done.stderr
    assert load_checkpoint(run).step == 5
