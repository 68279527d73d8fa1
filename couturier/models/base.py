"""What every model gives the training loop: its networks and its objective.

A model is a subclass of `GAN` in its own file, registered by name with `@register_model`. It
owns what is specific to it: what G and D are conditioned on, how fakes are drawn and judged,
extra loss terms, per-step schedules, what its progress grid shows and what goes into checkpoint
meta. The trainer owns what is common: steps, optimizers, backward passes, EMA, AMP, DDP,
penalties, checkpoints and logging.

Why this split (stylegan2-ada's `Loss` rather than mimicry's `train_step`): the model returns
logits and loss terms, the loop does the optimisation. A model's file then holds no optimizer,
autocast or DDP code, and every model gets the same NaN checks, gradient norms and
process-count-independent noise for free.

The base class is an image GAN, unconditional or class-conditional; a new architecture
usually only implements `build`.
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn

from couturier.config import Config
from couturier.data import ImageDataset, load_dataset
from couturier.errors import ConfigError
from couturier.models.outputs import DiscriminatorOutput
from couturier.noise import Noise

# judge(*(images, condition) pairs) -> D's output for each pair, after augmentation
Judge = Callable[..., list[DiscriminatorOutput]]


class GAN:
    name = ""  # set by @register_model
    task = "image"  # what it generates from: "image" (noise, maybe a class); other wings name theirs
    preset: dict[str, Any] = {}  # hyper-parameters the model was designed with
    # the dataclass of the model's own options ([model.options]; fields made with couturier.config.option,
    # an optional check() for their combinations), or None: cfg.model.options is then an instance of it
    Options: type | None = None
    monitor = "fashion-mnist"  # the training monitor (couturier.metrics.monitor.MONITORS) that judges it
    # whether train.amp's bfloat16 pays on a CPU that has it natively: convolutions run about twice
    # as fast; a model of small dense layers says False (benchmarks/step_cost.py --compare-bf16)
    cpu_bfloat16 = True
    summary = ""

    def __init__(self, cfg: Config, class_names: tuple[str, ...] = ()):
        self.cfg = cfg
        self.class_names = tuple(class_names)

    # ----- building ------------------------------------------------------------------------
    @classmethod
    def prepare(cls, cfg: Config, dataset: ImageDataset | None = None, log: Callable[[str], None] = print,
                saved: dict | None = None, main: bool = True) -> tuple["GAN", ImageDataset]:
        """The model for its training data, and that data (loaded from cfg.data unless given).
        `saved`: the meta of the checkpoint a resumed run starts from, whose model may reuse what it
        made at the run's start; `main`: whether this process saves the run (the other ranks of a
        distributed run may skip what only the checkpoints need)."""
        if dataset is None:
            dataset = load_dataset(cfg.data)
            if dataset.skipped:
                log(f"skipped {dataset.skipped} unreadable image(s) in {cfg.data.dataset}")
        return cls(cfg, dataset.class_names), dataset

    @classmethod
    def from_meta(cls, cfg: Config, meta: dict) -> "GAN":
        """The model as a checkpoint describes it (see `meta`)."""
        return cls(cfg, tuple(meta.get("class_names") or ()))

    def meta(self) -> dict:
        """What sampling needs besides the weights and the config."""
        return {"model": self.name, "class_names": list(self.class_names), "num_classes": self.num_classes}

    @property
    def num_classes(self) -> int | None:
        """Classes G and D are conditioned on (None: unconditional)."""
        return len(self.class_names) if self.cfg.model.conditional else None

    def build(self) -> tuple[nn.Module, nn.Module]:
        """(generator, discriminator), freshly initialised. G is called as G(z, condition)."""
        raise NotImplementedError

    # ----- the objective --------------------------------------------------------------------
    def real_condition(self, labels: torch.Tensor) -> torch.Tensor | None:
        return labels if self.num_classes else None

    def fake_condition(self, n: int, noise: Noise, pool: torch.Tensor,
                       real_condition: torch.Tensor | None) -> torch.Tensor | None:
        """Conditions for n fakes; `pool` holds every training label on the training device, and
        `real_condition` is the real batch's (for models whose fakes pair with the real images)."""
        return noise.integers(self.num_classes, n, pool.device) if self.num_classes else None

    def generate(self, generator: Callable, z: torch.Tensor, condition: torch.Tensor | None,
                 noise: Noise, real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Fakes for a training step, and an extra term for G's loss (or None); `real` is the step's
        real batch, for terms that compare a fake with its paired photo."""
        return generator(z, condition), None

    def discriminator_logits(self, judge: Judge, real, real_condition, fake, fake_condition,
                             mismatched: Callable[[], torch.Tensor]) -> tuple:
        """(D's output for the reals, for the fakes, and the logits D's loss counts as fake). `fake` is
        cut from G's graph, as pixels or as D's frozen front made them: pass it to `judge` as it is;
        `mismatched()` gives the labels of other images than the real batch's."""
        real_out, fake_out = judge((real, real_condition), (fake, fake_condition))
        return real_out, fake_out, fake_out.logit

    def auxiliary_loss(self, output: DiscriminatorOutput, condition, role: str) -> torch.Tensor:
        """A D with auxiliary heads fills DiscriminatorOutput's other fields; this turns them into a
        loss term (e.g. attribute classes, TAC-GAN). `role`: "real" (D's term on real images), "fake"
        (D's term on its detached fakes) or "generator" (G's term on its fakes)."""
        raise NotImplementedError(f"{self.name}'s D returned auxiliary outputs but the model scores none")

    def before_step(self, step: int, generator: nn.Module, discriminator: nn.Module) -> None:
        """Per-step schedules (e.g. progressive growing)."""

    @property
    def has_unused_parameters(self) -> bool:
        """True when some parameters get no gradient in a step (DDP must then look for them)."""
        return False

    # ----- sampling from descriptions ------------------------------------------------------
    reads_prompts = False  # conditioned on written descriptions (sampling.generate) rather than classes

    def read_prompts(self, prompts: list[str], literal: bool = False) -> list:
        """How each description will be read: objects whose `.text` conditions G (a model that reads
        them may rephrase a designer's words in its catalogue's), as written with `literal`."""
        raise ConfigError("this model was not trained on descriptions", field="run")

    def prompt_condition(self, texts: list[str]) -> torch.Tensor:
        """G's condition for descriptions (what sampling and the training monitor feed G)."""
        raise ConfigError("this model was not trained on descriptions", field="run")

    # ----- what the progress grid shows ----------------------------------------------------
    def grid_inputs(self, columns: int, seed: int, dataset: ImageDataset) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Fixed noise (and conditions) for the progress grids: one row per class when conditional,
        else ten rows. Its own RNG, so it never moves the training stream."""
        g = torch.Generator().manual_seed(seed + 12345)
        rows = self.num_classes or 10
        z = torch.randn(rows * columns, self.cfg.model.z_dim, generator=g)
        y = torch.arange(rows).repeat_interleave(columns) if self.num_classes else None
        return z, y

    def grid_labels(self, dataset: ImageDataset) -> list[str] | None:
        """What each row of the progress grid draws, written beside it (None: rows of free samples)."""
        return list(dataset.class_names) if self.num_classes else None
