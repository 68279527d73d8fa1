"""Checkpoints: safetensors tensors + JSON metadata in one folder per step.

A checkpoint is `checkpoints/step-00001000/` holding `weights.safetensors` (the
networks, the EMA generator, optimizer moments, RNG states, the fixed noise) and
`meta.json` (format, model name, full config, step, class names, optimizer
hyper-parameters). It is written into a hidden temporary folder and renamed into
place, so a crash never leaves a half-written checkpoint under a real name.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from couturier.errors import CheckpointError

FORMAT = "couturier-checkpoint/1"
WEIGHTS, META = "weights.safetensors", "meta.json"
_STEP_DIR = re.compile(r"^step-(\d+)$")



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


def optimizer_from_flat(name: str, checkpoint: Checkpoint) -> dict:
    prefix = f"opt.{name}."
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in checkpoint.tensors.items():
        if key.startswith(prefix):
            index, slot = key[len(prefix):].split(".", 1)
            state.setdefault(int(index), {})[slot] = value
    groups = checkpoint.meta["optimizers"][name]["param_groups"]
    return {"state": state, "param_groups": groups}


def write_checkpoint_folder(final: str | Path, checkpoint: Checkpoint) -> Path:
    """Write one checkpoint folder atomically: into a hidden sibling, then renamed over `final`."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    meta = dict(checkpoint.meta, format=FORMAT, step=checkpoint.step, config=checkpoint.config,
                saved_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    save_file(checkpoint.tensors, str(tmp / WEIGHTS), metadata={"format": FORMAT})
    (tmp / META).write_text(json.dumps(meta, indent=2))
    if final.exists():  # same step saved again (e.g. the final step of a resumed run), or a new best
        shutil.rmtree(final)
    os.replace(tmp, final)
    return final


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
    found = [p for p in folder.iterdir() if _STEP_DIR.match(p.name) and (p / META).is_file()]
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
    """A checkpoint folder's meta.json, checked to be ours."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{folder / META} is unreadable or corrupt ({exc}); use an older checkpoint") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{folder} is not a couturier checkpoint (format {FORMAT} expected)")
    return meta


def load_checkpoint(path: str | Path) -> Checkpoint:
    folder = resolve_checkpoint(path)
    meta = read_meta(folder)
    try:
        tensors = load_file(str(folder / WEIGHTS))
    except (OSError, SafetensorError) as exc:
        raise CheckpointError(f"{folder / WEIGHTS} is truncated or corrupt ({exc}); use an older checkpoint") from exc
    return Checkpoint(step=int(meta["step"]), config=meta["config"], tensors=tensors, meta=meta)


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
