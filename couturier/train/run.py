"""A run folder's life before the loop starts: which device (and precision), whether the folder may be written,
which config a resumed run continues with, and the DiffAugment policy the data calls for."""
from __future__ import annotations

import json
from pathlib import Path

import torch

from couturier.errors import CheckpointError, ConfigError, RunDirError
from couturier.checkpoint import list_checkpoints, read_meta
from couturier.train.lock import LOCK_NAME

SMALL_DATASET = 10_000  # below this many images, "auto" turns DiffAugment on


def resolve_diffaugment(policy: str, dataset_size: int) -> str:
    """'auto' augments small datasets only: on Fashion-MNIST's 60,000 images translation+cutout
    slowed early training visibly (blocky samples at 400 steps), while D overfitting, which
    DiffAugment prevents, is a small-data problem."""
    if policy != "auto":
        return policy
    return "color,translation,cutout" if dataset_size < SMALL_DATASET else ""


def pick_device(name: str) -> torch.device:
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError("train.device is cuda but no CUDA GPU is available; use cpu", field="train.device")
    if name not in ("cpu", "mps") and not name.startswith("cuda"):
        raise ConfigError(f"unknown device {name!r}; use cpu or cuda[:N]", field="train.device")
    return torch.device(name)


def native_bfloat16_cpu() -> bool:
    """Whether this CPU computes in bfloat16 natively (AMX tiles or AVX512-BF16): there, bfloat16
    autocast speeds up convolutions; elsewhere it is emulated and slower, so float32 stays."""
    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(getattr(torch.cpu, probe, lambda: False)() for probe in probes)


def prepare_run_dir(run_dir: Path, resume: bool) -> None:
    """Refuse to write into a folder that holds something else, or over a run with checkpoints.
    A run stopped before its first checkpoint holds nothing to lose: it can be resumed (from step
    0, with its config) or started again."""
    is_run = (run_dir / "config.json").is_file()
    if resume:
        if not is_run and not list_checkpoints(run_dir / "checkpoints"):
            raise RunDirError(f"{run_dir} holds no run to resume; start a new run instead", field="resume")
        return
    if run_dir.exists() and is_run and list_checkpoints(run_dir / "checkpoints"):
        raise RunDirError(f"{run_dir} already holds a run; resume it or choose another run folder", field="out")
    holds_more = run_dir.is_dir() and any(p.name != LOCK_NAME for p in run_dir.iterdir())  # a lock alone is empty
    if run_dir.exists() and not is_run and (not run_dir.is_dir() or holds_more):
        raise RunDirError(f"{run_dir} exists and is not a run folder; choose another run folder", field="out")


def resumed_config(run_dir: str | Path) -> dict:
    """The config a run continues with: its latest checkpoint's, so that values changed at an
    earlier resume persist (config.json is the fallback for folders written by older versions)."""
    run_dir = Path(run_dir)
    found = list_checkpoints(run_dir / "checkpoints")
    if found:
        try:
            return read_meta(found[-1])["config"]
        except (CheckpointError, KeyError):
            pass
    path = run_dir / "config.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirError(f"cannot read {path} ({exc}); is {run_dir} a run folder?", field="out") from exc


def has_checkpoint(run_dir: str | Path) -> bool:
    return bool(list_checkpoints(Path(run_dir) / "checkpoints"))


def saved_meta(run_dir: str | Path) -> dict | None:
    """The meta of the run's newest checkpoint, or None (none yet, or unreadable: the resume that
    follows falls back to an older one and says so)."""
    found = list_checkpoints(Path(run_dir) / "checkpoints")
    try:
        return read_meta(found[-1]) if found else None
    except CheckpointError:
        return None
