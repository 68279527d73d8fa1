"""`couturier train` (and `couturier models`): flags and config files into a config, then the Trainer."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from couturier.cli.flags import config_options, flags_to_layer
from couturier.config import load_config_file
from couturier.errors import ConfigError


@click.command()
@config_options
@click.option("--config", "config_file", type=click.Path(), help="TOML, YAML or JSON config; flags override it.")
@click.option("--out", type=click.Path(), default=None, help="Run folder (default runs/MODEL).")
@click.option("--resume", is_flag=True, help="Continue the run in --out from its latest checkpoint (and its config).")
@click.option("--nproc", type=click.IntRange(min=1),
              help="Train on N processes of this machine with DDP (launches torchrun; --batch-size is global).")
@click.option("--progress/--no-progress", default=True)
def train(config_file, out, resume, nproc, progress, **flags) -> None:
    """Train a GAN; writes grids, metrics.csv, curves and checkpoints into --out."""
    from couturier import distributed
    from couturier.presets import build_config, model_name
    from couturier.train import Trainer
    from couturier.train.run import has_checkpoint, resumed_config
    from couturier.train.stopping import StopNow

    file_layer = load_config_file(config_file) if config_file else {}
    flag_layer = flags_to_layer(flags)
    run_dir = Path(out or f"runs/{model_name(file_layer, flag_layer)}")
    if distributed.restart_count() and has_checkpoint(run_dir):  # torchrun --max-restarts: carry on
        resume = True
    # On --resume the latest checkpoint's config is the base; a file or flags given now override it,
    # and are stored with the run from here on.
    base = resumed_config(run_dir) if resume and run_dir.is_dir() else {}
    cfg = build_config(base, file_layer, flag_layer)
    if nproc and nproc > 1:
        sys.exit(_launch_distributed(cfg, run_dir, resume, nproc, progress))
    finished = False
    try:
        trainer = Trainer(cfg, run_dir, resume=resume)
        c = trainer.cfg
        say = click.echo if trainer.main else (lambda _: None)
        budget = f"{c.train.minutes} min" if c.train.minutes else f"{c.train.steps} steps"
        world = trainer.placement.world
        processes = f" x {world} processes" if world > 1 else ""
        say(f"training {c.model.name}{' (conditional)' if c.model.conditional else ''} on "
            f"{c.data.dataset} ({len(trainer.dataset)} images) for {budget}, batch {c.train.batch_size}, "
            f"loss {c.loss.name}, device {trainer.device}{processes} -> {run_dir}")
        again = f"couturier train --out {run_dir} --resume" + (f" --nproc {world}" if world > 1 else "")
        try:
            trainer.fit(progress=progress)
        except StopNow as exc:  # before click turns it into a bare "Aborted!"
            say(f"{exc}; continue with {again}")
            sys.exit(128 + exc.signum)
        finished = True
        if trainer.stopped_by:
            say(f"stopped at step {trainer.step}; continue with {again}")
            sys.exit(128 + trainer.stopped_by)
        say(f"done: step {trainer.step}; sample grid: {run_dir / 'samples.png'}; "
            f"curves: {run_dir / 'loss_curves.png'}; metrics: {run_dir / 'metrics.csv'}")
    finally:
        distributed.shutdown(finished)


def _launch_distributed(cfg, run_dir: Path, resume: bool, nproc: int, progress: bool) -> int:
    """`train --nproc N`: check everything here, then hand the resolved config to torchrun's N processes."""
    import torch

    from couturier import distributed
    from couturier.fileio import write_text
    from couturier.train.lock import probe
    from couturier.train.run import pick_device, prepare_run_dir

    if distributed.launched_by_torchrun():
        raise ConfigError("--nproc starts torchrun itself; under torchrun, leave it out", field="nproc")
    distributed.check_batch_split(cfg.train.batch_size, nproc)
    device = pick_device(cfg.train.device)
    if device.type == "cuda" and nproc > torch.cuda.device_count():
        raise ConfigError(f"--nproc {nproc} needs {nproc} GPUs; this machine has {torch.cuda.device_count()}",
                          field="nproc")
    probe(run_dir)  # refused here, in one line, rather than by rank 0 inside torchrun
    prepare_run_dir(run_dir, resume)
    with tempfile.TemporaryDirectory(prefix="couturier-") as folder:
        config_path = Path(folder) / "config.json"
        write_text(config_path, cfg.to_json())
        args = ["train", "--config", str(config_path), "--out", str(run_dir)]
        args += ["--resume"] if resume else []
        args += [] if progress else ["--no-progress"]
        return distributed.launch(nproc, args)


@click.command()
def models() -> None:
    """List the registered models, losses, text encoders and metrics."""
    from couturier.losses import loss_names
    from couturier.metrics.registry import metric_names
    from couturier.models import get_model, model_names
    from couturier.text2image.encoders import ENCODERS

    for name in model_names():
        spec = get_model(name)
        click.echo(f"{name:10s} {spec.summary}  [preset: loss {spec.preset['loss']['name']}, "
                   f"batch {spec.preset['train']['batch_size']}]")
    click.echo(f"losses: {', '.join(loss_names())}")
    click.echo(f"text encoders: {', '.join(ENCODERS.names())}")
    click.echo(f"metrics: {', '.join(metric_names())}")


COMMANDS = (train, models)
