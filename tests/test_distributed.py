"""Data-parallel training: the sharding pieces in one process, then real torchrun runs on gloo.

The end-to-end tests launch `couturier train --nproc 2` exactly as a user would and check
that two processes train the same model as one: same losses, same weights, resumable on
another number of processes, stopped together by a signal to any of them.
"""
from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from couturier import distributed

# ----- in one process -------------------------------------------------------------------------


def test_cpu_sync_batchnorm_keeps_batchnorm_state_dict():
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.BatchNorm1d(4))
    net[1].running_mean.fill_(0.5)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    synced = distributed.convert_sync_batchnorm(net, torch.device("cpu"))
    assert isinstance(synced[1], distributed.CpuSyncBatchNorm) and isinstance(synced[2], distributed.CpuSyncBatchNorm)
    after = synced.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)
    x = torch.randn(6, 4, 5, 5)
    assert torch.allclose(synced[1](x), torch.nn.functional.batch_norm(x, None, None, training=True), atol=1e-5)


def _sync_bn_worker(rank: int, world: int, folder: str, x: torch.Tensor) -> None:
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{folder}/rendezvous", rank=rank, world_size=world)
    torch.manual_seed(0)
    bn = distributed.convert_sync_batchnorm(torch.nn.BatchNorm2d(3), torch.device("cpu"))
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
    mine = x.chunk(world)[rank].clone().requires_grad_(True)
    out = bn(mine)
    (out * torch.arange(out.numel()).view_as(out).float().sin()).sum().backward()  # a loss mixing all pixels
    torch.save((out.detach(), mine.grad, bn.weight.grad, bn.running_var.clone()), f"{folder}/rank{rank}.pt")
    distributed.shutdown(finished=True)  # waits for the peer: leaving mid-collective aborts it
    distributed.leave(0)  # as the library's workers end: a gloo thread alive at teardown can abort a finished rank


def test_cpu_sync_batchnorm_over_two_ranks_equals_batchnorm_on_the_whole_batch(tmp_path):
    import torch.multiprocessing as mp

    torch.manual_seed(0)
    x = torch.randn(8, 3, 4, 4) * 3 + 1
    mp.spawn(_sync_bn_worker, args=(2, str(tmp_path), x), nprocs=2)
    results = [torch.load(tmp_path / f"rank{rank}.pt") for rank in range(2)]

    bn = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
    whole = x.clone().requires_grad_(True)
    outputs = [bn(part) for part in [whole]]
    weights = torch.arange(x[:4].numel()).view_as(x[:4]).float().sin()  # each rank's own loss weights
    (outputs[0] * torch.cat([weights, weights])).sum().backward()
    # DDP averages parameter gradients over ranks; the sum over ranks is the whole batch's gradient
    assert torch.allclose(torch.cat([r[0] for r in results]), outputs[0].detach(), atol=1e-5)
    assert torch.allclose(torch.cat([r[1] for r in results]), whole.grad, atol=1e-5)
    assert torch.allclose(results[0][2] + results[1][2], bn.weight.grad, atol=1e-4)
    assert torch.allclose(results[0][3], bn.running_var, atol=1e-5)


def test_torchrun_command_runs_this_package():
    from torch.distributed.run import parse_args

    args = parse_args(distributed.torchrun_command(4, ["train", "--out", "x"]))
    assert args.standalone and args.nproc_per_node == "4" and args.module
    assert [args.training_script, *args.training_script_args] == ["couturier", "train", "--out", "x"]
    assert args.shutdown_timeout >= 60  # time for the workers to save after a signal


# ----- torchrun, end to end ------------------------------------------------------------------


@pytest.fixture(scope="module")
def garment_folder(fmnist_slice, tmp_path_factory) -> Path:
    """128 Fashion-MNIST images as a folder dataset (one sub-folder per class), so the
    processes start fast and the test does not depend on where the IDX files live."""
    root = tmp_path_factory.mktemp("garments")
    for i in range(128):
        folder = root / fmnist_slice.class_names[int(fmnist_slice.labels[i])].replace("/", "-")
        folder.mkdir(exist_ok=True)
        Image.fromarray(fmnist_slice.images[i, 0].numpy()).save(folder / f"{i}.png")
    return root


def _train(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "couturier", "train", "--data", str(folder), "--resolution", "28",
               "--channels", "1", "--width", "8", "--z-dim", "16", "--batch-size", "16", "--log-every", "1",
               "--sample-every", "100", "--checkpoint-every", "3", "--seed", "5", "--no-progress",
               "--no-amp",  # float32: bfloat16's rounding would differ between one batch and two halves
               "--out", str(out), *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-12000:]
    return done


def _losses(run: Path) -> np.ndarray:
    with (run / "metrics.csv").open() as fh:
        return np.array([[float(row[k]) for k in ("loss_d", "loss_g", "d_real", "d_fake")]
                         for row in csv.DictReader(fh)])


def _generator(run: Path) -> dict:
    latest = sorted((run / "checkpoints").iterdir())[-1]
    return {k: v for k, v in load_file(latest / "weights.safetensors").items() if k.startswith("G.")}


@pytest.fixture(scope="module")
def one_process(garment_folder, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one") / "run"
    _train(garment_folder, out, "--steps", "6")
    return out


def test_two_processes_train_what_one_does(garment_folder, one_process, tmp_path):
    two = tmp_path / "two"
    done = _train(garment_folder, two, "--steps", "6", "--nproc", "2")
    assert done.stdout.count("training dcgan") == 1  # rank 0 alone speaks and writes
    assert "x 2 processes" in done.stdout
    np.testing.assert_allclose(_losses(two), _losses(one_process), rtol=1e-4, atol=1e-4)
    weights_one, weights_two = _generator(one_process), _generator(two)
    assert weights_one.keys() == weights_two.keys()  # BatchNorm and SyncBatchNorm share a layout
    for name in weights_one:
        torch.testing.assert_close(weights_two[name], weights_one[name], rtol=1e-3, atol=1e-4)
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one_process.iterdir())


def test_compiled_networks_train_under_ddp(garment_folder, one_process, tmp_path):
    """torch.compile of the DDP-wrapped networks (DDPOptimizer), the path GPUs take, on gloo."""
    compiled = tmp_path / "compiled"
    _train(garment_folder, compiled, "--steps", "6", "--nproc", "2", "--compile")
    np.testing.assert_allclose(_losses(compiled), _losses(one_process), rtol=1e-4, atol=1e-4)


def test_checkpoints_resume_on_another_number_of_processes(garment_folder, one_process, tmp_path):
    two_then_one, one_then_two = tmp_path / "2to1", tmp_path / "1to2"
    _train(garment_folder, two_then_one, "--steps", "3", "--nproc", "2")
    _train(garment_folder, two_then_one, "--steps", "6", "--resume")
    _train(garment_folder, one_then_two, "--steps", "3")
    _train(garment_folder, one_then_two, "--steps", "6", "--resume", "--nproc", "2")
    for resumed in (two_then_one, one_then_two):
        np.testing.assert_allclose(_losses(resumed), _losses(one_process), rtol=1e-4, atol=1e-4)


def test_bad_process_counts_are_refused_before_launch(garment_folder, tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "couturier", "train", "--data", str(garment_folder), "--resolution", "28",
               "--channels", "1", "--batch-size", "15", "--nproc", "2", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: train.batch_size 15 is the global batch and must split evenly over 2 processes; use a multiple of 2 [--batch-size]"]
    assert not out.exists()


def test_a_torchrun_restart_carries_on_from_the_checkpoint(garment_folder, tmp_path, monkeypatch, capsys):
    """torchrun --max-restarts reruns the same command; with a checkpoint there it resumes."""
    from conftest import run_cli

    args = ["train", "--data", garment_folder, "--resolution", "28", "--channels", "1", "--width", "8",
            "--z-dim", "16", "--batch-size", "16", "--checkpoint-every", "2", "--no-progress", "--out", tmp_path / "run"]
    assert run_cli(monkeypatch, capsys, *args, "--steps", "2")[0] == 0
    code, _, err = run_cli(monkeypatch, capsys, *args, "--steps", "4")
    assert code == 2 and "already holds a run" in err  # a plain rerun refuses
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "1")
    code, out, _ = run_cli(monkeypatch, capsys, *args, "--steps", "4")
    assert code == 0 and "done: step 4" in out


def _worker(launcher: int, rank: int) -> int:
    """The pid of the worker process with this rank among the launcher's children."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            environ = (stat.parent / "environ").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent == launcher and f"RANK={rank}".encode() in environ:
            return int(stat.parent.name)
    raise AssertionError(f"no worker of rank {rank} under {launcher}")


def test_a_signal_to_any_process_stops_every_rank_at_one_step_saved_once(garment_folder, tmp_path):
    """SIGTERM to rank 1 alone, then Ctrl-C to `couturier train --nproc 2` itself: each time both
    ranks stop after the same step (one waiting alone would hang) and rank 0 saves there, once."""
    out = tmp_path / "run"
    command = [sys.executable, "-m", "couturier", "train", "--data", str(garment_folder), "--resolution", "28",
               "--channels", "1", "--width", "8", "--z-dim", "16", "--batch-size", "16", "--steps", "100000",
               "--checkpoint-every", "100000", "--no-progress", "--nproc", "2", "--out", str(out)]
    saved = []
    for target, signum in (("rank 1", signal.SIGTERM), ("launcher", signal.SIGINT)):
        process = subprocess.Popen(command + (["--resume"] if saved else []), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        assert process.stdout.readline().startswith("training dcgan")  # rank 0, just before the first step
        time.sleep(1.0)
        os.kill(process.pid if target == "launcher" else _worker(process.pid, 1), signum)
        said, err = process.communicate(timeout=120)
        assert process.returncode == 128 + signum and "Traceback" not in err, err
        stops = re.findall(r"stopped at step (\d+); continue with couturier train --out \S+ --resume --nproc 2", said)
        assert len(stops) == 1 and int(stops[0]) > (saved[-1] if saved else 0)  # rank 0 alone speaks
        saved.append(int(stops[0]))
        assert sorted(p.name for p in (out / "checkpoints").iterdir())[-1] == f"step-{saved[-1]:08d}"
    assert len(list((out / "checkpoints").iterdir())) == 2  # one save a stop
