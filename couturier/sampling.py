"""Load a trained generator from a run and draw samples, walks and variations."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from couturier import deadline
from couturier.best_of import check_best_of, draw_best
from couturier.checkpoint import load_checkpoint, load_module
from couturier.config import Config
from couturier.data.images import save_folder, save_gif, save_grid, to_uint8
from couturier.errors import CheckpointError, ConfigError
from couturier.fileio import atomic_path, check_output, replace_folder
from couturier.models import GAN, get_model


@dataclass
class LoadedGenerator:
    generator: nn.Module
    config: Config
    class_names: tuple[str, ...]
    step: int
    device: torch.device
    model: GAN | None = None  # the model as its checkpoint describes it: what it is conditioned on
    prompts: tuple[str, ...] = ()  # the descriptions its training grids showed (models that read them)
    critic: nn.Module | None = None  # the run's D, for best-of-K draws (None: the checkpoint holds only G)
    run_id: str = ""  # the run's own id (runs older than ids: a digest of their config)

    @property
    def reads_prompts(self) -> bool:
        """Conditioned on written descriptions rather than classes."""
        return self.model is not None and self.model.reads_prompts

    @property
    def conditional(self) -> bool:
        return self.config.model.conditional

    def class_index(self, name: str | int) -> int:
        """Map a class name (case-insensitive) or index to its index; unknown names list the valid ones."""
        if isinstance(name, int) or str(name).isdigit():
            index = int(name)
            if 0 <= index < len(self.class_names):
                return index
        else:
            lowered = [c.lower() for c in self.class_names]
            if str(name).lower() in lowered:
                return lowered.index(str(name).lower())
        raise ConfigError(f"unknown class {name!r}; valid classes: {', '.join(self.class_names)}", field="class_name")


def load_generator(path: str | Path, device: str = "cpu", use_ema: bool = True,
                   options: dict | None = None) -> LoadedGenerator:
    """Rebuild G from a run folder or checkpoint; the EMA weights are used when the run kept them.
    `options` replace some of the run's model options (those that act when sampling, e.g. a text
    model's code_spread: variety against fidelity)."""
    checkpoint = load_checkpoint(path)
    try:
        config = Config.from_saved(checkpoint.config)
    except (ConfigError, TypeError) as exc:
        raise CheckpointError(f"{path}: the checkpoint's config is not valid for this version ({exc})") from exc
    if options:
        if config.model.options is None:
            first = next(iter(options))
            raise ConfigError(f"this run's model ({config.model.name}) has no option {first}",
                              field=f"model.options.{first}")
        config = config.replace("model", options=options)
    model = get_model(config.model.name).from_meta(config, checkpoint.meta)
    generator, critic = model.build()
    prefix = "G_ema" if use_ema and checkpoint.has("G_ema") else "G"
    load_module(generator, checkpoint, prefix, str(path))
    generator.to(device).eval().requires_grad_(False)
    if checkpoint.has("D"):
        load_module(critic, checkpoint, "D", str(path))
        critic.to(device).eval().requires_grad_(False)
    else:
        critic = None
    run_id = checkpoint.meta.get("run_id") or hashlib.sha256(
        json.dumps(checkpoint.config, sort_keys=True).encode()).hexdigest()[:12]
    return LoadedGenerator(generator, config, model.class_names, checkpoint.step, torch.device(device), model,
                           tuple(checkpoint.meta.get("prompts") or ()), critic, str(run_id))


MIN_TRUNCATION = 0.1  # below this nearly every draw is redrawn, and all samples look alike anyway
MAX_PIXELS = 2 ** 31  # samples held in memory at once: n * channels * height * width bytes


def latents(n: int, z_dim: int, seed: int, truncation: float | None = None) -> torch.Tensor:
    """Standard-normal noise from a seed; with truncation T (at least MIN_TRUNCATION), values
    beyond +-T are redrawn. At T >= 0.1 each round keeps at least 8% of the values it redraws, so
    the loop ends within a few hundred rounds."""
    if n <= 0:
        raise ConfigError(f"n must be positive, got {n}", field="n")
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(n, z_dim, generator=generator)
    if truncation is not None:
        if not truncation >= MIN_TRUNCATION:  # also refuses NaN
            raise ConfigError(f"truncation must be at least {MIN_TRUNCATION}, got {truncation}", field="truncation")
        outside = z.abs() > truncation
        while outside.any():
            z[outside] = torch.randn(int(outside.sum()), generator=generator)
            outside = z.abs() > truncation
    return z


def check_draws(loaded: "LoadedGenerator", n: int, prompts: int = 1, best_of: int = 1) -> None:
    """Refuse what cannot be drawn (no images, more than fit in memory, a best_of the run cannot
    rank) before any work, and before `generate` prints how it read the prompts."""
    if n <= 0:
        raise ConfigError(f"n must be positive, got {n}", field="n")
    if loaded.reads_prompts:
        check_count(loaded, n * prompts)
    check_best_of(best_of, loaded.critic)


def check_count(loaded: "LoadedGenerator", n: int) -> None:
    """Refuse a request for more images than fit in memory at once, before any work."""
    d = loaded.config.data
    if n * d.channels * d.resolution ** 2 > MAX_PIXELS:
        most = MAX_PIXELS // (d.channels * d.resolution ** 2)
        raise ConfigError(f"n {n:,} images of {d.resolution}x{d.resolution} would not fit in memory; "
                          f"ask for at most {most:,} at a time", field="n")


def candidates(n: int, z_dim: int, seed: int, truncation: float | None = None, best_of: int = 1) -> torch.Tensor:
    """(n, best_of, z_dim) noise: best_of draws per picture. best_of 1 gives `latents(n, ...)`, so
    a seed draws the same pictures with or without best-of."""
    return latents(n * best_of, z_dim, seed, truncation).reshape(n, best_of, z_dim)


@torch.no_grad()
def _run(loaded: LoadedGenerator, z: torch.Tensor, y: torch.Tensor | None, batch_size: int = 500) -> np.ndarray:
    """G's pictures, uint8; z is (N, z_dim), or (N, K, z_dim) to keep D's favourite of K per picture
    (K checked by the caller, `check_best_of`)."""
    z = z[:, None] if z.dim() == 2 else z
    batch_size = max(1, batch_size // z.shape[1])
    out = []
    for start in range(0, z.shape[0], batch_size):
        deadline.check()
        zb = z[start:start + batch_size].to(loaded.device)
        yb = y[start:start + batch_size].to(loaded.device) if y is not None else None
        out.append(to_uint8(draw_best(loaded.generator, loaded.critic, zb, yb)))
    return np.concatenate(out)


def sample(loaded: LoadedGenerator, n: int = 64, seed: int = 0, class_name: str | int | None = None,
           truncation: float | None = None, best_of: int = 1) -> tuple[np.ndarray, np.ndarray | None]:
    """Draw n images (uint8 N,C,H,W). Conditional models spread them evenly over the classes,
    in class order, unless one class is asked for. With best_of K, each is D's favourite of K draws."""
    if loaded.reads_prompts:
        raise ConfigError("this is a text-to-image model: generate from descriptions (prompts) instead", field="run")
    check_count(loaded, n)
    z = candidates(n, loaded.config.model.z_dim, seed, truncation, check_best_of(best_of, loaded.critic))
    labels = None
    if loaded.conditional:
        if class_name is not None:
            labels = torch.full((n,), loaded.class_index(class_name), dtype=torch.long)
        else:
            per_class = math.ceil(n / len(loaded.class_names))
            labels = torch.arange(len(loaded.class_names)).repeat_interleave(per_class)[:n]
    elif class_name is not None:
        raise ConfigError("a class needs a class-conditional model (model.conditional)", field="class_name")
    images = _run(loaded, z, labels)
    return images, (labels.numpy() if labels is not None else None)


def read_prompts(loaded: LoadedGenerator, prompts: list[str], literal: bool = False) -> list:
    """How each prompt will be read (each reading's `.text` is what conditions G): the model's own
    reading, e.g. in its catalogue's words, or as written with `literal`."""
    _check_reads_prompts(loaded)
    return loaded.model.read_prompts(list(prompts), literal)


def explain_prompt(loaded: LoadedGenerator, prompt: str) -> dict[str, list[tuple[str, float]]]:
    """Per value the model read from the prompt, the words that led to it (how much its
    log-probability falls without each), for models that explain their reading; else empty."""
    _check_reads_prompts(loaded)
    explain = getattr(loaded.model, "explain_prompt", None)
    return explain(prompt) if explain is not None else {}


def encode_prompts(loaded: LoadedGenerator, prompts: list[str], literal: bool = False) -> torch.Tensor:
    """G's conditions for the prompts, as they are read."""
    return loaded.model.prompt_condition([r.text for r in read_prompts(loaded, prompts, literal)])


def _check_reads_prompts(loaded: LoadedGenerator) -> None:
    if not loaded.reads_prompts:
        raise ConfigError("this model was not trained on descriptions; sample it by class or noise instead "
                          "(descriptions need a text-to-image run)", field="run")


def generate(loaded: LoadedGenerator, prompts: list[str], n: int = 8, seed: int = 0,
             truncation: float | None = None, literal: bool = False, best_of: int = 1) -> np.ndarray:
    """n images per prompt, uint8 (len(prompts) * n, C, H, W), prompt by prompt. Column j draws
    from the same noise in every row, so rows differ only by their words (with best_of K, D picks
    each picture's favourite of the column's K draws for that row's words)."""
    check_draws(loaded, n, len(prompts), best_of)
    text = encode_prompts(loaded, prompts, literal)
    z = candidates(n, loaded.config.model.z_dim, seed, truncation, best_of).repeat(len(prompts), 1, 1)
    return _run(loaded, z, text.repeat_interleave(n, dim=0))


def generate_each(loaded: LoadedGenerator, prompts: list[str], seed: int = 0,
                  truncation: float | None = None, literal: bool = False, best_of: int = 1) -> np.ndarray:
    """One image per prompt, each with its own noise (for judging a model over many descriptions):
    uint8 (len(prompts), C, H, W)."""
    if loaded.reads_prompts:
        check_count(loaded, len(prompts))
    text = encode_prompts(loaded, prompts, literal)
    z = candidates(len(prompts), loaded.config.model.z_dim, seed, truncation, check_best_of(best_of, loaded.critic))
    return _run(loaded, z, text)


def interpolate_prompts(loaded: LoadedGenerator, prompt_a: str, prompt_b: str, steps: int = 8,
                        rows: int = 2, seed: int = 0) -> np.ndarray:
    """Walk from one description to another (their embeddings blended linearly), one row per
    noise seed: uint8 (rows, steps, C, H, W)."""
    if not loaded.reads_prompts:
        raise ConfigError("prompt interpolation needs a model trained on descriptions (a text-to-image run)",
                          field="run")
    if steps < 2 or rows < 1:
        raise ConfigError("a walk needs steps of at least 2 and rows of at least 1", field="steps")
    a, b = encode_prompts(loaded, [prompt_a, prompt_b])
    t = torch.linspace(0, 1, steps)[:, None]
    text = ((1 - t) * a + t * b).repeat(rows, 1)
    z = torch.cat([latents(1, loaded.config.model.z_dim, seed + r) for r in range(rows)]).repeat_interleave(steps, 0)
    images = _run(loaded, z, text)
    return images.reshape(rows, steps, *images.shape[1:])


def variations(loaded: LoadedGenerator, seed: int, n: int = 8, spread: float = 0.5,
               class_name: str | int | None = None, prompt: str | None = None, index: int = 0) -> np.ndarray:
    """"More like this one": image `index` of the grid drawn with `seed` first, then n - 1 images whose
    noise is its noise plus `spread` times fresh noise, rescaled to its length. uint8 (n, C, H, W)."""
    if not 0.0 < spread <= 2.0:
        raise ConfigError(f"spread must be in (0, 2], got {spread}", field="spread")
    z_dim = loaded.config.model.z_dim
    if index < 0:
        raise ConfigError(f"index must be 0 or more, got {index}", field="index")
    base = latents(index + 1, z_dim, seed)[index:]
    offsets = torch.cat([torch.zeros(1, z_dim), latents(n - 1, z_dim, seed + 1)]) if n > 1 else torch.zeros(1, z_dim)
    z = base + spread * offsets
    z = z / z.norm(dim=1, keepdim=True) * base.norm()
    if prompt is not None:
        if not loaded.reads_prompts:
            raise ConfigError("this model was not trained on descriptions; send a class, not a prompt", field="prompt")
        return _run(loaded, z, encode_prompts(loaded, [prompt]).repeat(n, 1))
    if loaded.reads_prompts:
        raise ConfigError("this is a text-to-image model: send a prompt", field="prompt")
    y = None
    if loaded.conditional:
        y = torch.full((n,), loaded.class_index(class_name if class_name is not None else 0), dtype=torch.long)
    elif class_name is not None:
        raise ConfigError("a class needs a class-conditional model (model.conditional)", field="class_name")
    return _run(loaded, z, y)


def _slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation: keeps the walk at the norm Gaussian noise actually has."""
    a_n, b_n = a / a.norm(dim=-1, keepdim=True), b / b.norm(dim=-1, keepdim=True)
    omega = torch.acos((a_n * b_n).sum(-1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    return (torch.sin((1 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b


def interpolate(loaded: LoadedGenerator, seed_a: int, seed_b: int, steps: int = 10, rows: int = 4,
                class_a: str | int | None = None, class_b: str | int | None = None) -> np.ndarray:
    """Latent walks: `rows` walks of `steps` images, row r from seed_a+r to seed_b+r.

    For conditional models the class mixes from class_a to class_b along the walk.
    Returns uint8 (rows, steps, C, H, W).
    """
    if steps < 2 or rows < 1:
        raise ConfigError("a walk needs steps of at least 2 and rows of at least 1", field="steps")
    if loaded.reads_prompts:
        raise ConfigError("this is a text-to-image model: walk between two descriptions instead",
                          field="prompt_a")
    z_dim = loaded.config.model.z_dim
    za = torch.cat([latents(1, z_dim, seed_a + r) for r in range(rows)])
    zb = torch.cat([latents(1, z_dim, seed_b + r) for r in range(rows)])
    t = torch.linspace(0, 1, steps)
    z = _slerp(za[:, None], zb[:, None], t[None, :, None]).reshape(rows * steps, z_dim)
    y = None
    if loaded.conditional:
        classes = len(loaded.class_names)
        a = loaded.class_index(class_a if class_a is not None else 0)
        b = loaded.class_index(class_b if class_b is not None else a)
        mix = torch.zeros(steps, classes)
        mix[:, a] += 1 - t
        mix[:, b] += t
        y = mix.repeat(rows, 1)
    elif class_a is not None or class_b is not None:
        raise ConfigError("class_a and class_b need a class-conditional model (model.conditional)", field="class_a")
    images = _run(loaded, z, y)
    return images.reshape(rows, steps, *images.shape[1:])


def save_samples(images: np.ndarray, labels: np.ndarray | None, out: str | Path, class_names=(),
                 columns: int = 10) -> str:
    """Write samples as a PNG grid (.png), an .npz (images N,H,W[,3] uint8 + labels) or a folder of PNGs.

    Returns what was written, in words."""
    out = Path(out)
    suffix = out.suffix.lower()
    check_output(out, folder=not suffix)
    if suffix in (".png", ".jpg", ".jpeg"):
        save_grid(images, out, columns, scale=2)
        return f"grid of {len(images)} images"
    if suffix == ".npz":
        hwc = images[:, 0] if images.shape[1] == 1 else images.transpose(0, 2, 3, 1)
        arrays = {"images": hwc, "labels": labels if labels is not None else np.full(len(images), -1),
                  "class_names": np.asarray(class_names, dtype=str)}
        with atomic_path(out) as tmp:
            with tmp.open("wb") as fh:
                np.savez_compressed(fh, **arrays)
        return f"{len(images)} images"
    if suffix:
        raise ConfigError(f"{out}: use a .png grid, an .npz file or a folder name without a suffix", field="out")
    names = [f"{i:05d}" + (f"_{class_names[labels[i]].replace('/', '-').replace(' ', '_')}"
                           if labels is not None and class_names else "") + ".png" for i in range(len(images))]
    replace_folder(out, lambda folder: save_folder(images, folder, names))  # replaced whole, never merged
    return f"{len(images)} PNG files"


def save_walk(walk: np.ndarray, out: str | Path) -> tuple[Path, Path]:
    """A walk as a grid PNG (one row per walk) and an animated GIF of the same rows moving."""
    out = Path(out)
    rows, steps = walk.shape[:2]
    png, gif = out.with_suffix(".png"), out.with_suffix(".gif")
    save_grid(walk.reshape(rows * steps, *walk.shape[2:]), png, steps, scale=2)
    frames = [walk[:, i] for i in range(steps)] + [walk[:, i] for i in range(steps - 2, 0, -1)]
    save_gif(frames, gif, columns=rows, scale=3)
    return png, gif
