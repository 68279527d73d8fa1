"""Data-parallel training on PyTorch's own engine: torch.distributed + DistributedDataParallel.

torchrun starts one process per device and sets RANK, WORLD_SIZE, LOCAL_RANK and the
rendezvous address; `setup` joins that process group (gloo on CPU, nccl on GPUs). Outside
torchrun everything here is a no-op, so the same code trains on one process.

The batch-size rule: `train.batch_size` is the *global* batch. Each of N processes takes
batch_size / N images, DDP averages the gradients, and so the learning rates, the
optimisation and a checkpoint mean the same on any number of processes.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import NoReturn

import torch
import torch.distributed as dist
from torch import nn

from couturier.errors import ConfigError


@dataclass(frozen=True)
class Placement:
    """Where this process sits: its rank among `world` processes and its device."""
    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        """Rank 0 writes the run folder (samples, logs, checkpoints); the others only compute."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1


def launched_by_torchrun() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def restart_count() -> int:
    """How often torchrun restarted the workers after a failure (0 outside torchrun)."""
    return int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0"))


def check_batch_split(batch_size: int, world: int) -> None:
    if batch_size % world:
        raise ConfigError(f"train.batch_size {batch_size} is the global batch and must split evenly over {world} "
                          f"processes; use a multiple of {world}", field="train.batch_size")


def setup(device: torch.device) -> Placement:
    """Join torchrun's process group, if there is one, and pick this rank's device."""
    if not launched_by_torchrun():
        return Placement(device=device)
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        if local_rank >= torch.cuda.device_count():
            raise ConfigError(f"local rank {local_rank} has no GPU (this machine has {torch.cuda.device_count()}); "
                              f"start at most one process per GPU", field="train.device")
        device = torch.device("cuda", local_rank)  # "cuda" under torchrun means this rank's own GPU
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        if device.type == "cuda":  # nccl for the gradients; gloo for the few CPU scalars the loop reduces
            dist.init_process_group("cpu:gloo,cuda:nccl", device_id=device)
        else:
            dist.init_process_group("gloo")
    return Placement(dist.get_rank(), dist.get_world_size(), device)


def shutdown(finished: bool = False) -> None:
    """Leave the process group. After a normal finish the ranks first wait for each other: a rank
    that leaves while a peer is still in a collective makes gloo abort the peer (SIGABRT,
    "terminate called without an active exception"). After an error nobody waits: a peer may be
    stuck in a collective that will never complete."""
    if dist.is_available() and dist.is_initialized():
        if finished:
            dist.barrier()
        dist.destroy_process_group()


def barrier(placement: Placement) -> None:
    if placement.distributed:
        dist.barrier()


def mean_over_ranks(values: torch.Tensor, placement: Placement) -> torch.Tensor:
    """The mean of a small tensor over all ranks, so every rank takes the same decisions."""
    if not placement.distributed:
        return values
    values = values.clone()
    dist.all_reduce(values)
    return values / placement.world


def all_agree(ok: bool, placement: Placement) -> bool:
    """True when `ok` holds on every rank: how rank 0's private failures (the run folder's lock, a
    refused write) become every rank's decision, so that no rank waits for a peer that left."""
    if not placement.distributed:
        return ok
    flag = torch.tensor([1.0 if ok else 0.0])
    dist.all_reduce(flag, op=dist.ReduceOp.MIN)
    return bool(flag.item() == 1.0)


class CpuSyncBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm with statistics over the global batch, for gloo on CPU.

    Written by hand because torch.nn.SyncBatchNorm runs on GPUs only (it raises on CPU
    tensors). One differentiable all_reduce (torch's functional collectives) carries per-channel
    count, sum and sum of squares; its backward sums the statistic gradients of all ranks,
    which is what makes the gradients equal to single-process BatchNorm on the whole batch.
    The state dict is BatchNorm's, so checkpoints move freely between 1 and N processes.
    """

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and dist.is_initialized() and dist.get_world_size() > 1):
            return super().forward(x)
        from torch.distributed._functional_collectives import all_reduce  # the one with autograd

        dims = [0, *range(2, x.dim())]
        channels = x.shape[1]
        local = x.float()
        count = local.new_full((1,), x.numel() / channels)
        totals = all_reduce(torch.cat([count, local.sum(dims), (local * local).sum(dims)]), "sum", dist.group.WORLD)
        n, total, squares = totals[0], totals[1:channels + 1], totals[channels + 1:]
        mean = total / n
        var = (squares / n - mean * mean).clamp_min(0.0)
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                momentum = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked)
                self.running_mean.lerp_(mean.detach(), momentum)
                self.running_var.lerp_(var.detach() * n / (n - 1), momentum)  # unbiased, as BatchNorm keeps it
        shape = [1, channels] + [1] * (x.dim() - 2)
        out = (local - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            out = out * self.weight.view(shape) + self.bias.view(shape)
        return out.to(x.dtype)


def convert_sync_batchnorm(module: nn.Module, device: torch.device) -> nn.Module:
    """Every BatchNorm normalises over the global batch: torch's SyncBatchNorm on GPUs,
    CpuSyncBatchNorm on CPU (same parameters and buffers, so the state dict is unchanged)."""
    if device.type != "cpu":
        return nn.SyncBatchNorm.convert_sync_batchnorm(module)
    if isinstance(module, nn.modules.batchnorm._BatchNorm) and not isinstance(module, CpuSyncBatchNorm):
        synced = CpuSyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                                  module.track_running_stats, device=device)
        synced.load_state_dict(module.state_dict())
        return synced.train(module.training)
    for name, child in module.named_children():
        setattr(module, name, convert_sync_batchnorm(child, device))
    return module


def wrap(module: nn.Module, placement: Placement, find_unused_parameters: bool = False) -> nn.Module:
    """DistributedDataParallel around `module` on multi-process runs; the module itself otherwise.

    Buffers are not re-broadcast at every forward: BatchNorm statistics are synchronised by
    SyncBatchNorm, and the spectral-norm vectors evolve identically on every rank.
    """
    if not placement.distributed:
        return module
    device_ids = [placement.device.index] if placement.device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(module, device_ids=device_ids, forward_sync_buffers=False,
                                               find_unused_parameters=find_unused_parameters)


def torchrun_command(nproc: int, args: list[str]) -> list[str]:
    """torchrun's arguments for N processes on this machine running `couturier ARGS`. Workers get
    SHUTDOWN_S after a signal to finish their step and save before they are killed."""
    return ["--standalone", f"--nproc-per-node={nproc}", f"--shutdown-timeout={SHUTDOWN_S}",
            "-m", "couturier", *args]


SHUTDOWN_S = 300  # torchrun's default, 30 s, can be shorter than a big model's checkpoint save


_LAUNCHER = False  # this process ran torchrun's engine (`launch`)


def hosts_processes() -> bool:
    """This process is a torchrun worker, or the launcher of `--nproc` workers."""
    return _LAUNCHER or launched_by_torchrun()


def leave(code: int | str | None) -> NoReturn:
    """End a worker or the launcher with this status, skipping the interpreter's teardown. Why: at
    teardown C++ objects of torch.distributed (the launcher's store server thread, a worker's gloo
    threads) are destroyed in no set order, and now and then one still running made the process
    abort ("terminate called without an active exception", exit 134) after its work was done and
    saved. Everything that matters is written and closed by then; streams are flushed here."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr, flush=True)
        code = 1
    os._exit(code)


def launch(nproc: int, args: list[str]) -> int:
    """Run `couturier ARGS` on N local processes (`couturier train --nproc N`) with torchrun's own
    engine, in this process; returns the exit status: the first failed worker's, or 128 + the
    signal that stopped the run.

    In this process rather than as a `torchrun` child, so that what torchrun reports as a traceback
    (a signal, a worker that exited 2 after its one-line error) ends here as an exit status. The
    workers run in sessions of their own: a Ctrl-C reaches this process, which forwards it once to
    every worker (they finish their step and save) and turns a second one into SIGTERM (they stop
    at once)."""
    if "OMP_NUM_THREADS" not in os.environ:  # share the cores instead of N processes each using all of them
        os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // nproc))
    import logging

    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    # The agent's own log lines would bury the workers' one-line messages; failures end as a status.
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("torch.distributed")]:
        logging.getLogger(name).setLevel(logging.CRITICAL)

    global _LAUNCHER
    _LAUNCHER = True
    try:
        run(parse_args(torchrun_command(nproc, args)))
    except SignalException as exc:
        return 128 + int(exc.sigval)
    except ChildFailedError as exc:
        status = exc.get_first_failure()[1].exitcode
        return status if status > 0 else 128 - status  # a negative status is the signal that killed it
    return 0
