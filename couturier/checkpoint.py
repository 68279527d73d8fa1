"""Checkpoints: safetensors tensors + JSON metadata in one folder per step.

A checkpoint is `checkpoints/step-00001000/` holding `weights.safetensors` (the
networks, the EMA generator, optimizer moments, RNG states, the fixed noise) and
`meta.json` (format, model name, full config, step, class names, optimizer
hyper-parameters, the weights file's SHA-256).

Durable as a database keeps its files: the folder is written under a hidden temporary name and
flushed to disk, an older copy under the same name is renamed aside (never deleted first), the
new folder is renamed in and the parent flushed, and only then is the old copy removed. A kill at
any moment leaves a complete checkpoint under the real name, or the previous one aside, which
`recover` puts back. Loading verifies the checksum; a run whose latest checkpoint is damaged
falls back to the one before, with a one-line warning.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from couturier.errors import CheckpointError
from couturier.fileio import FILE_MODE, recover, replace_folder, sha256_file  # noqa: F401  (recover: part of this API)

FORMAT = "couturier-checkpoint/1"
WEIGHTS, META = "weights.safetensors", "meta.json"
_STEP_DIR = re.compile(r"^step-(\d+)$")
MAX_STEP = 10 ** 12



@dataclass
class Checkpoint:
    step: int
    config: dict[str, Any]
    tensors: dict[str, torch.Tensor]  # flat: "G.<key>", "D.<key>", "G_ema.<key>", "opt.G.<i>.<key>", ...
    meta: dict[str, Any] = field(default_factory=dict)

    def module_state(self, prefix: str) -> dict[str, torch.Tensor]:
        start = prefix + "."
        return {k[len(start):]: v for k, v in self.tensors.items() if k.startswith(start)}

    def has(self, prefix: str) -> bool:
        return any(k.startswith(prefix + ".") for k in self.tensors)


def flatten_state(prefix: str, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {f"{prefix}.{k}": v.detach().cpu().contiguous().clone() for k, v in state.items()}


def optimizer_to_flat(name: str, optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """Split an optimizer state into tensors (for safetensors) and JSON (hyper-parameters)."""
    state = optimizer.state_dict()
    tensors = {}
    for index, slots in state["state"].items():
        for key, value in slots.items():
            tensor = value if torch.is_tensor(value) else torch.tensor(value)
            tensors[f"opt.{name}.{index}.{key}"] = tensor.detach().cpu().contiguous().clone()
    return tensors, {"param_groups": state["param_groups"]}


def restore_optimizer(optimizer: torch.optim.Optimizer, name: str, checkpoint: Checkpoint) -> None:
    """Load what optimizer_to_flat saved. The tensors were stored contiguous; each is given its
    parameter's memory layout again (convolution weights train channels-last): the fused Adam step
    walks a weight and its moments in memory order, so mismatched layouts would pair each weight
    with another weight's moments."""
    prefix = f"opt.{name}."
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in checkpoint.tensors.items():
        if key.startswith(prefix):
            index, slot = key[len(prefix):].split(".", 1)
            state.setdefault(int(index), {})[slot] = value
    groups = checkpoint.meta["optimizers"][name]["param_groups"]
    optimizer.load_state_dict({"state": state, "param_groups": groups})
    for group in optimizer.param_groups:
        for param in group["params"]:
            slots = optimizer.state.get(param, {})
            for slot, value in slots.items():
                if torch.is_tensor(value) and value.shape == param.shape and value.stride() != param.stride():
                    slots[slot] = torch.empty_like(param).copy_(value)


def write_checkpoint_folder(final: str | Path, checkpoint: Checkpoint) -> Path:
    """Write one checkpoint folder durably (fileio.replace_folder: see the module docstring)."""
    def write(folder: Path) -> None:
        try:
            save_file(checkpoint.tensors, str(folder / WEIGHTS), metadata={"format": FORMAT})
        except SafetensorError as exc:  # the Rust writer's I/O errors, as the OSError they are
            code = re.search(r"os error (\d+)", str(exc))
            if code is None:
                raise
            raise OSError(int(code.group(1)), os.strerror(int(code.group(1))), str(folder / WEIGHTS)) from exc
        os.chmod(folder / WEIGHTS, FILE_MODE)
        meta = dict(checkpoint.meta, format=FORMAT, step=checkpoint.step, config=checkpoint.config,
                    weights_sha256=sha256_file(folder / WEIGHTS), saved_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        (folder / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")

    return replace_folder(final, write, pause=lambda stage: fault_point(f"checkpoint-{stage}"))


def fault_point(name: str) -> None:
    """A place where the fault tests strike: with COUTURIER_PAUSE_AT=name the process announces
    itself by creating COUTURIER_PAUSE_FILE and waits there, to be killed or signalled, until the
    test deletes the file (short sleeps, so that signal handlers run while it waits)."""
    if os.environ.get("COUTURIER_PAUSE_AT") == name:
        pause = Path(os.environ["COUTURIER_PAUSE_FILE"])
        pause.touch()
        deadline = time.monotonic() + 3600
        while pause.exists() and time.monotonic() < deadline:
            time.sleep(0.01)


def save_checkpoint(folder: str | Path, checkpoint: Checkpoint, keep: int) -> Path:
    """Write a checkpoint atomically, then prune all but the latest and `keep` older ones."""
    folder = Path(folder)
    final = write_checkpoint_folder(folder / f"step-{checkpoint.step:08d}", checkpoint)
    for old in list_checkpoints(folder)[:-(keep + 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def list_checkpoints(folder: str | Path) -> list[Path]:
    """Complete checkpoints in a folder, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _STEP_DIR.match(p.name) and (p / META).is_file()
             and (p / WEIGHTS).is_file()]
    return sorted(found, key=lambda p: int(_STEP_DIR.match(p.name).group(1)))


def resolve_checkpoint(path: str | Path) -> Path:
    """Accept a run folder, a checkpoints folder, a checkpoint folder or its weights file."""
    path = Path(path)
    if path.is_file() and path.name in (WEIGHTS, META):
        return path.parent
    if (path / META).is_file():
        return path
    for folder in (path / "checkpoints", path):
        found = list_checkpoints(folder)
        if found:
            return found[-1]
    if not path.exists():
        raise CheckpointError(f"{path} does not exist; pass a run folder (runs/NAME) or a checkpoint folder")
    raise CheckpointError(f"no checkpoint found in {path}; it is not a trained run folder")


def read_meta(folder: str | Path) -> dict:
    """A checkpoint folder's meta.json, checked to be ours and to hold a valid step and config."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{folder / META} is unreadable or corrupt ({str(exc)[:120]})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{folder} is not a couturier checkpoint (format {FORMAT} expected)")
    step = meta.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_STEP:
        raise CheckpointError(f"{folder / META} holds no valid step (got {step!r})")
    if not isinstance(meta.get("config"), dict):
        raise CheckpointError(f"{folder / META} holds no config")
    elapsed = meta.get("elapsed_s", 0.0)
    if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)) or not math.isfinite(elapsed) or elapsed < 0:
        raise CheckpointError(f"{folder / META} holds no valid elapsed_s (got {elapsed!r})")
    return meta


def load_checkpoint(path: str | Path, training_state: bool = False,
                    warn: Callable[[str], None] | None = None) -> Checkpoint:
    """The checkpoint at `path`: a checkpoint folder, or the newest good one of a run (a damaged
    newest checkpoint is skipped with a one-line warning). `training_state` also requires what
    resuming needs: optimizer state and random state."""
    path = Path(path)
    explicit = path.is_file() or (path / META).is_file()
    candidates = [resolve_checkpoint(path)] if explicit else list(reversed(_run_checkpoints(path)))
    if not candidates:
        resolve_checkpoint(path)  # raises the right "not found" error
    warn = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    errors = []
    for folder in candidates:
        try:
            checkpoint = _load_folder(folder, training_state)
        except CheckpointError as exc:
            errors.append(exc)
            continue
        for error in errors:  # said only when an older checkpoint stands in
            warn(f"{error}; falling back to the checkpoint before it")
        return checkpoint
    if len(errors) > 1:
        raise CheckpointError(f"{errors[0]} (and the {len(errors) - 1} older checkpoint(s) are damaged too)")
    raise errors[0]


def _run_checkpoints(path: Path) -> list[Path]:
    for folder in (path / "checkpoints", path):
        found = list_checkpoints(folder)
        if found:
            return found
    return []


def _load_folder(folder: Path, training_state: bool) -> Checkpoint:
    meta = read_meta(folder)
    expected = meta.get("weights_sha256")  # absent in checkpoints of older versions
    try:
        if expected is not None and (not (folder / WEIGHTS).is_file() or sha256_file(folder / WEIGHTS) != expected):
            raise CheckpointError(f"{folder / WEIGHTS} is missing or fails its SHA-256 check (damaged on disk)")
        tensors = load_file(str(folder / WEIGHTS))
    except PermissionError as exc:
        raise CheckpointError(f"cannot read {folder / WEIGHTS} ({exc.strerror}); "
                              f"ask its owner for read access") from exc
    except (OSError, SafetensorError) as exc:
        raise CheckpointError(f"{folder / WEIGHTS} is truncated or corrupt ({str(exc)[:120]})") from exc
    if training_state:
        optimizers = meta.get("optimizers")
        if not (isinstance(optimizers, dict) and all(isinstance(optimizers.get(n), dict)
                                                      and isinstance(optimizers[n].get("param_groups"), list)
                                                      for n in ("G", "D"))):
            raise CheckpointError(f"{folder / META} lacks the optimizer state a resume needs")
        if "rng.cpu" not in tensors:
            raise CheckpointError(f"{folder / WEIGHTS} lacks the random state a resume needs")
    return Checkpoint(step=meta["step"], config=meta["config"], tensors=tensors, meta=meta)


def load_module(module: torch.nn.Module, checkpoint: Checkpoint, prefix: str, source: str = "") -> None:
    """Load one network's weights, turning shape/key mismatches into a one-line error."""
    try:
        module.load_state_dict(checkpoint.module_state(prefix), strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()
        detail = first[1].strip() if len(first) > 1 else first[0]
        raise CheckpointError(
            f"checkpoint {source} does not fit this {checkpoint.config['model']['name']} model "
            f"({detail[:160]}); it was saved by another model or size"
        ) from exc
