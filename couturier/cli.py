"""The `couturier` command: a thin face over the library. Parse, call, print."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from couturier.config import ConfigError, build_config, load_config_file
from couturier.data.fashion_mnist import DataError
from couturier.metrics.evaluate import SampleError
from couturier.metrics.features import FeatureNetError
from couturier.style.features import StyleNetError
from couturier.style.images import StyleInputError
from couturier.text.encoders import TextEncoderError
from couturier.checkpoint import CheckpointError

# Errors the library raises on bad input: shown as one line, exit status 2.
USER_ERRORS = (ConfigError, DataError, CheckpointError, FeatureNetError, SampleError, TextEncoderError,
               StyleNetError, StyleInputError, FileNotFoundError, FileExistsError)

# train flag -> (config section, key); flags left unset do not override the file or preset.
TRAIN_FLAGS = {
    "model": ("model", "name"), "conditional": ("model", "conditional"), "z_dim": ("model", "z_dim"),
    "width": ("model", "width"), "loss": ("loss", "name"), "r1": ("loss", "r1_gamma"),
    "data": ("data", "dataset"), "data_dir": ("data", "data_dir"), "resolution": ("data", "resolution"),
    "channels": ("data", "channels"), "steps": ("train", "steps"), "minutes": ("train", "minutes"),
    "batch_size": ("train", "batch_size"), "lr_g": ("train", "lr_g"), "lr_d": ("train", "lr_d"),
    "beta1": ("train", "beta1"), "beta2": ("train", "beta2"), "d_steps": ("train", "d_steps"),
    "ema": ("train", "ema_decay"), "diffaugment": ("train", "diffaugment"), "seed": ("train", "seed"),
    "device": ("train", "device"), "compile": ("train", "compile"), "amp": ("train", "amp"), "threads": ("train", "threads"),
    "log_every": ("train", "log_every"), "sample_every": ("train", "sample_every"),
    "checkpoint_every": ("train", "checkpoint_every"), "keep_checkpoints": ("train", "keep_checkpoints"),
    "eval_every": ("train", "eval_every"), "eval_n": ("train", "eval_n"),
    "task": ("model", "task"), "encoder": ("model", "text_encoder"), "size": ("data", "resolution"),
    "image_column": ("data", "image_column"), "text_column": ("data", "text_column"),
    "attribute_columns": ("data", "attribute_columns"), "image_dir": ("data", "image_dir"),
    "grow_steps": ("model", "grow_steps"),
}


def _flags_to_layer(flags: dict) -> dict:
    layer: dict = {}
    for flag, (section, key) in TRAIN_FLAGS.items():
        if flags.get(flag) is not None:
            layer.setdefault(section, {})[key] = flags[flag]
    if flags.get("lr") is not None:
        layer.setdefault("train", {}).update(lr_g=flags["lr"], lr_d=flags["lr"])
    if flags.get("minutes") is not None:  # one budget at a time
        layer["train"]["steps"] = None
    elif flags.get("steps") is not None:
        layer["train"]["minutes"] = None
    return layer


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force and (path.is_file() or any(path.iterdir())):
        raise FileExistsError(f"{path} already exists; choose another --out or pass --force to replace it")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="couturier")
def cli() -> None:
    """couturier: train GANs on fashion images and generate new garments."""


@cli.command()
@click.option("--model", help="Model name (see `couturier models`).")
@click.option("--conditional/--unconditional", default=None, help="Class-conditional G and D.")
@click.option("--loss", help="bce, hinge or wgan-gp (default: the model's).")
@click.option("--r1", type=float, help="R1 penalty weight on real images.")
@click.option("--steps", type=int, help="Generator steps to train.")
@click.option("--minutes", type=float, help="Train for this many minutes instead of --steps.")
@click.option("--batch-size", type=int)
@click.option("--lr", type=float, help="Learning rate for both G and D.")
@click.option("--lr-g", type=float)
@click.option("--lr-d", type=float)
@click.option("--beta1", type=float, help="Adam beta1 for G and D.")
@click.option("--beta2", type=float, help="Adam beta2 for G and D.")
@click.option("--d-steps", type=int, help="D updates per G update.")
@click.option("--ema", type=float, help="EMA decay of G's weights for sampling (0 = off).")
@click.option("--diffaugment", help="DiffAugment policy, e.g. color,translation,cutout ('' = off).")
@click.option("--z-dim", type=int)
@click.option("--width", type=int, help="Channel multiplier of the networks.")
@click.option("--data", help="'fashion-mnist' (default) or a folder of images (sub-folders = classes).")
@click.option("--data-dir", help="Folder with the Fashion-MNIST IDX files.")
@click.option("--resolution", type=int, help="Image size for folder datasets (e.g. 32, 64).")
@click.option("--channels", type=int, help="1 = grayscale, 3 = RGB (folder datasets).")
@click.option("--seed", type=int)
@click.option("--device", help="cpu (default) or cuda.")
@click.option("--compile/--no-compile", default=None, help="torch.compile the networks.")
@click.option("--amp/--no-amp", default=None, help="bfloat16 mixed precision on CUDA (default on).")
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--log-every", type=int)
@click.option("--sample-every", type=int)
@click.option("--checkpoint-every", type=int)
@click.option("--keep-checkpoints", type=int, help="Older checkpoints kept besides the latest.")
@click.option("--eval-every", type=int,
              help="Every N steps: FID, coverage & co. into metrics.csv, best weights into best/ (0 = off).")
@click.option("--eval-n", type=int, help="Samples per evaluation during training (default 10000).")
@click.option("--task", type=click.Choice(["image", "text2image"]), help="text2image: garments from descriptions.")
@click.option("--encoder", type=click.Choice(["tfidf", "sentence"]), help="Text encoder (text2image).")
@click.option("--size", type=click.Choice(["32", "64", "128"]), callback=lambda _c, _p, v: int(v) if v else None,
              help="Image size for text2image catalogues (default 64).")
@click.option("--grow-steps", type=int,
              help="text2image: train the last doubling at half size for N steps, then fade it in over N.")
@click.option("--image-column", help="Catalogue column with the image path or id.")
@click.option("--text-column", help="Catalogue column with the free-text description.")
@click.option("--attribute-columns", help="Comma-separated catalogue columns to compose descriptions from.")
@click.option("--image-dir", help="Folder of the catalogue's images (default: images/ beside the table).")
@click.option("--config", "config_file", type=click.Path(), help="TOML, YAML or JSON config; flags override it.")
@click.option("--out", type=click.Path(), default=None, help="Run folder (default runs/MODEL).")
@click.option("--resume", is_flag=True, help="Continue the run in --out from its latest checkpoint.")
@click.option("--nproc", type=click.IntRange(min=1),
              help="Train on N processes of this machine with DDP (launches torchrun; --batch-size is global).")
@click.option("--progress/--no-progress", default=True)
def train(config_file, out, resume, nproc, progress, **flags) -> None:
    """Train a GAN; writes grids, metrics.csv, curves and checkpoints into --out."""
    from couturier import distributed
    from couturier.train import Trainer
    from couturier.train.trainer import saved_config

    file_layer = load_config_file(config_file) if config_file else {}
    flag_layer = _flags_to_layer(flags)
    task = flag_layer.get("model", {}).get("task") or file_layer.get("model", {}).get("task")
    model = flag_layer.get("model", {}).get("name") or file_layer.get("model", {}).get("name")
    if model is None and task == "text2image":  # the task picks its model
        model = flag_layer.setdefault("model", {})["name"] = "text2image"
    model = model or "dcgan"
    run_dir = Path(out or f"runs/{model}")
    if distributed.restarted_by_torchrun(run_dir):  # torchrun --max-restarts: carry on from the last checkpoint
        resume = True
    # On --resume the run's own config is the base; a file or flags given now override it.
    base = saved_config(run_dir) if resume else {}
    cfg = build_config(base, file_layer, flag_layer)
    if nproc and nproc > 1:
        sys.exit(_launch_distributed(cfg, run_dir, resume, nproc, progress))
    try:
        trainer = Trainer(cfg, run_dir, resume=resume)
        c = trainer.cfg
        say = click.echo if trainer.main else (lambda _: None)
        budget = f"{c.train.minutes} min" if c.train.minutes else f"{c.train.steps} steps"
        processes = f" x {trainer.placement.world} processes" if trainer.placement.distributed else ""
        say(f"training {c.model.name}{' (conditional)' if c.model.conditional else ''} on "
            f"{c.data.dataset} ({len(trainer.dataset)} images) for {budget}, batch {c.train.batch_size}, "
            f"loss {c.loss.name}, device {trainer.device}{processes} -> {run_dir}")
        trainer.fit(progress=progress)
        say(f"done: step {trainer.step}; sample grid: {run_dir / 'samples.png'}; "
            f"curves: {run_dir / 'loss_curves.png'}; metrics: {run_dir / 'metrics.csv'}")
    finally:
        distributed.shutdown()


def _launch_distributed(cfg, run_dir: Path, resume: bool, nproc: int, progress: bool) -> int:
    """`train --nproc N`: check everything here, then hand the resolved config to torchrun's N processes."""
    import tempfile

    import torch

    from couturier import distributed
    from couturier.fileio import write_text
    from couturier.train.trainer import pick_device, prepare_run_dir

    if distributed.launched_by_torchrun():
        raise ConfigError("--nproc starts torchrun itself; under torchrun, leave it out")
    distributed.check_batch_split(cfg.train.batch_size, nproc)
    device = pick_device(cfg.train.device)
    if device.type == "cuda" and nproc > torch.cuda.device_count():
        raise ConfigError(f"--nproc {nproc} needs {nproc} GPUs; this machine has {torch.cuda.device_count()}")
    prepare_run_dir(run_dir, resume)
    with tempfile.TemporaryDirectory(prefix="couturier-") as folder:
        config_path = Path(folder) / "config.json"
        write_text(config_path, cfg.to_json())
        args = ["train", "--config", str(config_path), "--out", str(run_dir)]
        args += ["--resume"] if resume else []
        args += [] if progress else ["--no-progress"]
        return distributed.launch(nproc, args)


@cli.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="grid.png, samples.npz or a folder/")
@click.option("--n", "n", type=int, default=64, show_default=True)
@click.option("--class", "class_name", help="Class name or index (conditional models).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--truncation", type=float, help="Redraw noise values beyond +-T (fidelity over variety).")
@click.option("--columns", type=int, help="Grid columns (default 10, or per-class when conditional).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--no-ema", is_flag=True, help="Use G's raw weights even when the run kept an EMA.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def sample(run, out, n, class_name, seed, truncation, columns, device, no_ema, force) -> None:
    """Generate images from a run or checkpoint."""
    from couturier import sampling

    out = Path(out)
    _refuse_existing(out, force)
    loaded = sampling.load_generator(run, device, use_ema=not no_ema)
    images, labels = sampling.sample(loaded, n, seed, class_name, truncation)
    if columns is None:
        columns = 10
        if loaded.conditional and class_name is None:
            columns = -(-n // len(loaded.class_names))
    written = sampling.save_samples(images, labels, out, loaded.class_names, columns)
    click.echo(f"wrote {written} to {out} (step {loaded.step} of {loaded.config.model.name})")


@cli.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="walk.png; walk.gif is written beside it")
@click.option("--seed-a", type=int, default=0, show_default=True)
@click.option("--seed-b", type=int, default=1, show_default=True)
@click.option("--class-a", help="Start class (conditional models).")
@click.option("--class-b", help="End class (conditional models).")
@click.option("--steps", type=int, default=10, show_default=True, help="Images per walk.")
@click.option("--rows", type=int, default=4, show_default=True, help="Walks (row r uses seeds +r).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--force", is_flag=True, help="Replace the outputs if they exist.")
def interpolate(run, out, seed_a, seed_b, class_a, class_b, steps, rows, device, force) -> None:
    """Walk the latent space between two seeds (and two classes) as a grid and a GIF."""
    from couturier import sampling

    out = Path(out)
    for path in (out.with_suffix(".png"), out.with_suffix(".gif")):
        _refuse_existing(path, force)
    loaded = sampling.load_generator(run, device)
    walk = sampling.interpolate(loaded, seed_a, seed_b, steps, rows, class_a, class_b)
    png, gif = sampling.save_walk(walk, out)
    click.echo(f"wrote {png} and {gif}")


@cli.command()
@click.argument("run", type=click.Path())
@click.argument("prompts", nargs=-1, required=True)
@click.option("--out", type=click.Path(), required=True, help="grid.png (one row per prompt)")
@click.option("--n", "n", type=int, default=8, show_default=True, help="Images per prompt.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--truncation", type=float, help="Redraw noise values beyond +-T (fidelity over variety).")
@click.option("--interpolate", is_flag=True, help="Walk from the first prompt to the second instead.")
@click.option("--steps", type=int, default=8, show_default=True, help="Images per walk (--interpolate).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def generate(run, prompts, out, n, seed, truncation, interpolate, steps, device, force) -> None:
    """Generate garments from descriptions with a text-to-image run."""
    from couturier import sampling
    from couturier.data.images import save_grid

    out = Path(out)
    _refuse_existing(out, force)
    loaded = sampling.load_generator(run, device)
    if interpolate:
        if len(prompts) != 2:
            raise ConfigError("--interpolate walks between exactly two prompts")
        walk = sampling.interpolate_prompts(loaded, prompts[0], prompts[1], steps, rows=n, seed=seed)
        png, gif = sampling.save_walk(walk, out)
        click.echo(f"wrote {png} and {gif}")
        return
    images = sampling.generate(loaded, list(prompts), n, seed, truncation)
    save_grid(images, out, n, scale=2)
    click.echo(f"wrote {len(prompts)} row(s) of {n} to {out} (step {loaded.step})")


@cli.command()
@click.argument("source", type=click.Path())
@click.option("--n", "n", type=int, default=10000, show_default=True, help="Samples to draw from a run.")
@click.option("--ref", type=click.Choice(["test", "train"]), default="test", show_default=True)
@click.option("--features", default="fashion", show_default=True,
              help="Feature network: 'fashion' (shipped), FILE.safetensors, inception:FILE, FILE.pt or FILE.onnx.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-memorisation", is_flag=True, help="Skip the nearest-training-image check.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--save", is_flag=True, help="Also write evaluation.json and nearest_neighbours.png into the run.")
@click.option("--device", default="cpu", show_default=True)
def evaluate(source, n, ref, features, seed, no_memorisation, as_json, save, device) -> None:
    """Judge samples (a run, an .npz/.npy or an image folder): FID, KID, PRDC, classes, copying."""
    import json

    from couturier.metrics.evaluate import evaluate as run_evaluation
    from couturier.metrics.evaluate import load_samples, save_evaluation
    from couturier.metrics.features import load_feature_net

    net = load_feature_net(features)
    images, requested = load_samples(source, n, seed, device)
    results = run_evaluation(images, net, ref, requested, seed, check_memorisation=not no_memorisation)
    if save:
        written = save_evaluation(source, images, results)
        click.echo(f"wrote {', '.join(str(p) for p in written)}", err=as_json)
    if as_json:
        click.echo(json.dumps(results))
        return
    click.echo(f"{source}: {results['n']} images against the {ref} split")
    for key in ("fid", "kid_mean", "kid_std", "precision", "recall", "density", "coverage", "class_entropy",
                "largest_class_share", "smallest_class_share", "classifier_score", "class_consistency",
                "memorisation_share"):
        if key in results:
            click.echo(f"  {key:22s} {results[key]:.4f}")


@cli.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), help="HTML file (default RUN/report.html).")
def report(run, out) -> None:
    """Write one self-contained HTML report of a run."""
    from couturier.report import build_report

    click.echo(f"wrote {build_report(run, out)}")


@cli.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path())
@click.option("--out", type=click.Path(), help="Also draw the metrics side by side into this PNG.")
def compare(runs, out) -> None:
    """Print (and plot) several runs' final metrics side by side."""
    from couturier.report import compare_runs

    names, table = compare_runs(list(runs), out)
    width = max(len(r["run"]) for r in table) + 2
    click.echo("metric".ljust(22) + "".join(r["run"].rjust(width) for r in table))
    for name in names:
        click.echo(name.ljust(22) + "".join(f"{r[name]:.4g}".rjust(width) for r in table))
    if out:
        click.echo(f"figure: {out}")


@cli.command()
def models() -> None:
    """List the registered models and losses."""
    from couturier.losses import LOSSES
    from couturier.models import get_model_spec, model_names

    for name in model_names():
        spec = get_model_spec(name)
        click.echo(f"{name:8s} {spec.summary}  [preset: loss {spec.preset['loss']['name']}, "
                   f"batch {spec.preset['train']['batch_size']}]")
    click.echo(f"losses: {', '.join(sorted(LOSSES))}")


STYLE_FEATURES = click.Choice(["random", "vgg19"])


def _panel_path(out: Path) -> Path:
    return out.with_name(out.stem + "-panel.png")


@cli.command()
@click.argument("content", type=click.Path())
@click.argument("style", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="Result picture (.png or .jpg).")
@click.option("--size", type=click.IntRange(32, 8192), default=512, show_default=True, help="Long side of the result in pixels.")
@click.option("--steps", type=click.IntRange(0), default=150, show_default=True, help="L-BFGS steps (optimisation mode).")
@click.option("--content-weight", type=float, default=1.0, show_default=True)
@click.option("--style-weight", type=float, default=100.0, show_default=True)
@click.option("--tv-weight", type=float, default=1.0, show_default=True, help="Smoothness (total variation).")
@click.option("--mask", type=click.Path(), help="White = garment: only it takes the fabric.")
@click.option("--auto-mask", is_flag=True, help="Find the garment on a plain background.")
@click.option("--preserve-color", is_flag=True, help="Keep the garment's colours; transfer texture only.")
@click.option("--fast", is_flag=True, help="One forward pass of the AdaIN stylizer instead of optimising.")
@click.option("--alpha", type=float, default=1.0, show_default=True, help="Fast mode: 0 = content, 1 = full style.")
@click.option("--stylizer", type=click.Path(), help="Fast mode: decoder weights from `train-stylizer`.")
@click.option("--features", type=STYLE_FEATURES, default="random", show_default=True,
              help="random (offline) or vgg19 (ImageNet weights, downloaded once or --vgg FILE).")
@click.option("--vgg", type=click.Path(), help="torchvision's vgg19-dcbb9e9d.pth.")
@click.option("--max-pixels", type=int, default=50_000_000, show_default=True, help="Refuse bigger inputs.")
@click.option("--panel/--no-panel", default=True, show_default=True, help="Also write OUT-panel.png.")
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--progress/--no-progress", default=True)
def stylize(content, style, out, size, steps, content_weight, style_weight, tv_weight, mask, auto_mask,
            preserve_color, fast, alpha, stylizer, features, vgg, max_pixels, panel, threads, force, progress):
    """Put the fabric or style of STYLE on the garment in CONTENT."""
    import torch

    from couturier import style as styling

    out = Path(out)
    _refuse_existing(out, force)
    if threads:
        torch.set_num_threads(threads)
    if mask and auto_mask:
        raise ConfigError("give --mask or --auto-mask, not both")
    content_image = styling.read_rgb(content, size, max_pixels)
    style_image = styling.read_rgb(style, size, max_pixels)
    height, width = content_image.shape[-2:]
    region = (styling.read_mask(mask, height, width) if mask else
              styling.auto_mask(content_image) if auto_mask else None)
    if fast:
        result = styling.stylize_fast(content_image, style_image, styling.load_fast_stylizer(stylizer),
                                      alpha, region, preserve_color)
    else:
        net = styling.load_style_net(features, vgg)
        result = styling.stylize(content_image, style_image, net, steps, content_weight, style_weight,
                                 tv_weight, region, preserve_color, progress)
    styling.save_rgb(result.image, out)
    message = f"wrote {out} in {result.seconds:.1f} s"
    if not fast:
        message += f" (content loss {result.content_loss:.3f}, style loss {result.style_loss:.4f})"
    if panel:
        from couturier.viz import plot_panel

        plot_panel([("content", styling.to_pil(content_image)), ("style", styling.to_pil(style_image)),
                    ("result", styling.to_pil(result.image))], _panel_path(out))
        message += f"; panel {_panel_path(out)}"
    click.echo(message)


@cli.command()
@click.argument("swatch", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="The new fabric (.png).")
@click.option("--size", type=click.IntRange(32, 8192), default=512, show_default=True, help="Side of the square result.")
@click.option("--tileable", is_flag=True, help="Wrap seamlessly when tiled (size a multiple of 16).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--steps", type=click.IntRange(0), default=40, show_default=True, help="L-BFGS refinement steps.")
@click.option("--features", type=STYLE_FEATURES, default="random", show_default=True)
@click.option("--vgg", type=click.Path(), help="torchvision's vgg19-dcbb9e9d.pth.")
@click.option("--max-pixels", type=int, default=50_000_000, show_default=True, help="Refuse bigger swatches.")
@click.option("--panel/--no-panel", default=True, show_default=True,
              help="Also write OUT-panel.png (swatch, result, result tiled 2x2).")
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--progress/--no-progress", default=True)
def texture(swatch, out, size, tileable, seed, steps, features, vgg, max_pixels, panel, threads, force, progress):
    """Grow a new, larger piece of fabric from a small SWATCH."""
    import torch

    from couturier import style as styling

    out = Path(out)
    _refuse_existing(out, force)
    if threads:
        torch.set_num_threads(threads)
    swatch_image = styling.read_rgb(swatch, size, max_pixels, enlarge=False)
    net = styling.load_style_net(features, vgg)
    result = styling.synthesize_texture(swatch_image, net, size, tileable, seed, steps, progress=progress)
    styling.save_rgb(result.image, out)
    message = (f"wrote {out} in {result.seconds:.1f} s (style loss {result.style_loss:.4f}, "
               f"seam ratio {styling.seam_ratio(result.image):.2f})")
    if panel:
        from couturier.viz import plot_panel

        tiled = torch.cat([torch.cat([result.image] * 2, 3)] * 2, 2)
        plot_panel([("swatch", styling.to_pil(swatch_image)), ("new fabric", styling.to_pil(result.image)),
                    ("tiled 2x2", styling.to_pil(tiled))], _panel_path(out))
        message += f"; panel {_panel_path(out)}"
    click.echo(message)


@cli.command("train-stylizer")
@click.option("--content", "content_dir", type=click.Path(), required=True, help="Folder of content pictures.")
@click.option("--styles", "style_dir", type=click.Path(), required=True, help="Folder of style/fabric pictures.")
@click.option("--out", type=click.Path(), required=True, help="Weights file (.safetensors; a .json goes beside).")
@click.option("--steps", type=click.IntRange(1), default=3000, show_default=True)
@click.option("--size", type=click.IntRange(32), default=128, show_default=True, help="Training crop size.")
@click.option("--batch-size", type=int, default=8, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--progress/--no-progress", default=True)
def train_stylizer(content_dir, style_dir, out, steps, size, batch_size, seed, threads, force, progress):
    """Train the fast (AdaIN) stylizer's decoder; use it with `stylize --fast --stylizer OUT`."""
    import json

    import torch

    from couturier.style import train_decoder

    out = Path(out).with_suffix(".safetensors")
    _refuse_existing(out, force)
    if threads:
        torch.set_num_threads(threads)
    meta = train_decoder(content_dir, style_dir, out, steps, size, batch_size, seed=seed, progress=progress)
    click.echo(f"wrote {out}: {json.dumps({k: meta[k] for k in ('final_content_loss', 'final_style_loss')})}")


@cli.command()
@click.option("--runs", "runs_dir", type=click.Path(), default="runs", show_default=True,
              help="Folder whose run folders are served as models.")
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 opens it to the network.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", envvar="COUTURIER_TOKEN", help="Require this token on every route but /health.")
@click.option("--max-n", type=int, default=64, show_default=True, help="Images per request.")
@click.option("--timeout", "timeout_s", type=float, default=120.0, show_default=True, help="Seconds per request.")
@click.option("--device", default="cpu", show_default=True)
def serve(runs_dir, host, port, token, max_n, timeout_s, device) -> None:
    """Serve the REST API (docs at /docs) and the designer's page (/)."""
    import uvicorn

    from couturier.serve.app import Limits, create_app

    if not Path(runs_dir).is_dir():
        raise FileNotFoundError(f"{runs_dir} is not a folder; pass --runs with your run folders")
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo(f"warning: serving on {host} without --token; anyone who can reach it can use it", err=True)
    app = create_app(runs_dir, token, Limits(max_n=max_n, timeout_s=timeout_s), device)
    uvicorn.run(app, host=host, port=port, log_level="info")


def main() -> None:
    from couturier.train import RunDirError, TrainingDiverged

    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (*USER_ERRORS, RunDirError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except TrainingDiverged as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(3)
    except KeyboardInterrupt:
        click.echo("interrupted; resume with --resume from the last checkpoint", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
