"""Faults: `couturier train` killed with SIGKILL at random moments, and inside a checkpoint save,
resumes to the very weights of a run that was never interrupted."""
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import torch
from conftest import needs_data

from couturier.checkpoint import list_checkpoints, load_checkpoint

ARGS = ["--model", "mlp", "--batch-size", "16", "--checkpoint-every", "5", "--log-every", "5",
        "--sample-every", "1000", "--threads", "1", "--seed", "3", "--no-progress"]
STEPS = 40


def _train(run, *extra, env=None):
    command = [sys.executable, "-m", "couturier", "train", *ARGS, "--steps", str(STEPS), "--out", str(run), *extra]
    return subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _networks(run):
    tensors = load_checkpoint(run).tensors
    return {k: v for k, v in tensors.items() if k.startswith(("G.", "D."))}


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    run = tmp_path_factory.mktemp("faults") / "straight"
    process = _train(run)
    assert process.wait(timeout=300) == 0, process.stderr.read()
    return _networks(run)


def _resume_until_done(run):
    resume = ["--resume"] if (run / "config.json").is_file() else []
    process = _train(run, *resume)
    assert process.wait(timeout=300) == 0, process.stderr.read()


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@needs_data
@pytest.mark.parametrize("point", ["checkpoint-written"])
def test_killed_inside_a_checkpoint_save_resumes_bit_identical(tmp_path, straight, point):
    run, pause = tmp_path / "run", tmp_path / "paused"
    process = _train(run, env={"COUTURIER_PAUSE_AT": point, "COUTURIER_PAUSE_FILE": str(pause)})
    deadline = time.time() + 120
    while not pause.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert pause.exists(), process.stderr.read() if process.poll() is not None else "never paused"
    process.send_signal(signal.SIGKILL)
    process.wait()
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
        process.wait()
        kills += 1
    assert kills >= 1  # at least one kill landed before the run could finish
    _resume_until_done(run)
    assert list_checkpoints(run / "checkpoints")[-1].name == f"step-{STEPS:08d}"
    assert _same(_networks(run), straight)
