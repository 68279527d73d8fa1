"""A trainer's whole state as a checkpoint, and back: what resuming needs to continue bit for bit.

The networks (and the EMA generator), both optimizers, every random stream, the step, the training
time and the metrics window since the last logged row.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from couturier.checkpoint import Checkpoint, flatten_state, load_module, optimizer_to_flat, restore_optimizer
from couturier.errors import CheckpointError
from couturier.train.logging import LogWindow

if TYPE_CHECKING:
    from couturier.train.trainer import Trainer


def training_checkpoint(trainer: Trainer) -> Checkpoint:
    tensors = {**flatten_state("G", trainer.G.state_dict()), **flatten_state("D", trainer.D.state_dict())}
    if trainer.G_ema is not None:
        tensors.update(flatten_state("G_ema", trainer.G_ema.state_dict()))
    opt_g_tensors, opt_g_meta = optimizer_to_flat("G", trainer.opt_g)
    opt_d_tensors, opt_d_meta = optimizer_to_flat("D", trainer.opt_d)
    tensors.update(opt_g_tensors)
    tensors.update(opt_d_tensors)
    tensors.update({f"rng.{kind}": state for kind, state in trainer.noise.state().items()})
    meta = {**trainer.model.meta(), "run_id": trainer.run_id, "elapsed_s": trainer.elapsed, "optimizers": {"G": opt_g_meta, "D": opt_d_meta},
            "log_window": trainer.window.state()}
    return Checkpoint(trainer.step, trainer.cfg.to_dict(), tensors, meta)


def restore_training(trainer: Trainer, checkpoint: Checkpoint) -> None:
    if checkpoint.meta.get("model") != trainer.cfg.model.name:
        raise CheckpointError(f"checkpoint is a {checkpoint.meta.get('model')} model, not {trainer.cfg.model.name}",
                              field="model.name")
    source = str(trainer.run_dir)
    load_module(trainer.G, checkpoint, "G", source)
    load_module(trainer.D, checkpoint, "D", source)
    if trainer.G_ema is not None:
        load_module(trainer.G_ema, checkpoint, "G_ema", source)
    restore_optimizer(trainer.opt_g, "G", checkpoint)
    restore_optimizer(trainer.opt_d, "D", checkpoint)
    trainer.noise.restore({key[len("rng."):]: value for key, value in checkpoint.tensors.items()
                           if key.startswith("rng.")})
    trainer.step = checkpoint.step
    trainer.elapsed = float(checkpoint.meta.get("elapsed_s", 0.0))
    trainer.run_id = str(checkpoint.meta.get("run_id") or trainer.run_id)
    window = checkpoint.meta.get("log_window")
    trainer.window = LogWindow(window if isinstance(window, dict) else None)
