"""`text2image`: garments from descriptions (64x64 RGB by default), the objective of the wing.

The networks (text2image/networks.py): G with conditioning augmentation and text-conditional
BatchNorm, D with a projection of the text. D also sees real images with mismatched descriptions
as fakes (GAN-INT-CLS, Reed et al. 2016), which teaches it to check the agreement directly rather
than realism alone. Hinge loss, EMA generator and DiffAugment as in sngan.

What made the words stick on a CPU budget (each an option; BENCHMARKS.md "Text to image"): D
also classifies the catalogue's attribute columns and G must satisfy it (text2image/attributes.py);
fakes are drawn for the real batch's own descriptions and their 16x16 average must match the
paired photo's (colour and silhouette in a few hundred steps); two seeds of one description
must differ (mode seeking); and G may upsample with skip-layer excitation instead of transposed
convolutions (layers/upsample.py).

128x128 (or any size) can grow progressively: with `grow_steps = K` the last doubling is trained
at half resolution for K steps, then faded in over K steps (ProGAN), so early training runs at a
quarter of the pixels.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Callable

import torch
from torch import nn

from couturier.config import Config
from couturier.data import ImageDataset
from couturier.layers import init_dcgan_weights
from couturier.models.base import GAN, Judge
from couturier.models.outputs import DiscriminatorOutput
from couturier.models.registry import register_model
from couturier.noise import Noise
from couturier.text2image.attributes import attribute_ids, attribute_vocabulary
from couturier.text2image.condition import TextCondition
from couturier.text2image.encoders import TextEncoder, build_text_encoder, check_prompts, load_text_encoder
from couturier.text2image.grounding import PromptGrounder, catalogue_looks
from couturier.text2image.monitor import TextMonitor  # noqa: F401  (registers the "variety" monitor)
from couturier.text2image.options import TextOptions
from couturier.text2image.reading import Reading
from couturier.text2image.terms import Term
from couturier.text2image.terms.attribute import AttributeClassification
from couturier.text2image.terms.contrastive import Contrastive
from couturier.text2image.terms.mode_seeking import ModeSeeking, pair_up
from couturier.text2image.terms.reconstruction import Reconstruction
from couturier.text2image.terms.twin_attribute import TwinAttributeClassification
from couturier.text2image.networks import (CODE_DIM, GrowingTextDiscriminator, GrowingTextGenerator,
                                           TextDiscriminator, TextGenerator)

# What made the words stick in short probes on 2 cores (the probe log is in BENCHMARKS.md's history):
# the attribute head, the coarse reconstruction of the paired photo, a little mode seeking, the upsampling G.
TEXT_OBJECTIVE = {"attribute_weight": 1.0, "reconstruction_weight": 10.0, "variety_weight": 0.1,
                  "generator": "upsample"}
# Twice the steps of batch 64 in the same minutes, which drew better pictures that followed the words more often.
TEXT_BATCH = 32
# Never colour: colour is in the words, and a red shirt desaturated to grey would be a real "red shirt" to D.
TEXT_AUGMENT = "translation,cutout"


def growth_alpha(step: int, grow_steps: int) -> float:
    """0 for the first grow_steps steps (half resolution), then a linear fade-in over as many."""
    return min(max((step - grow_steps) / grow_steps, 0.0), 1.0)


@register_model(
    "text2image",
    preset={"model": {"width": 16, "options": TEXT_OBJECTIVE}, "loss": {"name": "hinge"},
            "data": {"resolution": 64, "channels": 3},
            "train": {"batch_size": TEXT_BATCH, "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.0, "beta2": 0.9,
                      "ema_decay": 0.999, "diffaugment": TEXT_AUGMENT}},
    summary="text-conditional GAN: conditioning augmentation in G, projection + mismatch-aware D",
)
class TextToImage(GAN):
    """Conditioned on the embedding of each image's description; the encoder is fitted on the
    training descriptions and saved in checkpoint meta, so a checkpoint is self-contained."""

    task = "text2image"
    Options = TextOptions
    monitor = "variety"  # does the noise still matter? (text2image/monitor.py)
    kl_weight = 1.0

    def __init__(self, cfg: Config, encoder: TextEncoder, prompts: tuple[str, ...] = (),
                 attributes: dict[str, tuple[str, ...]] | None = None, looks: dict | None = None):
        super().__init__(cfg)
        self.encoder = encoder
        self.prompts = list(prompts)  # the descriptions of the progress grid's rows
        # the catalogue columns D's auxiliary head classifies (options.attribute_weight > 0), with their values
        self.attributes = {name: tuple(values) for name, values in (attributes or {}).items()}
        self.looks = looks  # the catalogue's (colour, article, gender) looks, to read prompts by (text2image/grounding.py)
        self._grounder: PromptGrounder | None = None

    @classmethod
    def prepare(cls, cfg: Config, dataset: ImageDataset | None = None, log: Callable[[str], None] = print,
                saved: dict | None = None, main: bool = True) -> tuple["TextToImage", ImageDataset]:
        """Fit the encoder on the catalogue's descriptions (or a given dataset's texts) and make
        their embeddings the labels. TF-IDF fitting is deterministic, so a resumed run gets the same.
        The prompt reader is fitted once per run: a resumed run reuses the one it saved (for the same
        looks), and a distributed run's other ranks, which save nothing, fit none."""
        columns: dict[str, list[str]] = {}
        product_rows: list[dict[str, str]] = []
        if dataset is None:
            from couturier.text2image.data import reader_names, text_dataset

            product_rows = reader_names(cfg.data, log)  # first: a named table that is missing fails at once
            dataset, encoder, columns = text_dataset(cfg, log)
        else:
            encoder = build_text_encoder(cfg.model.options.text_encoder).fit(dataset.captions)
            dataset = dataclasses.replace(dataset, labels=encoder.encode(list(dataset.captions)))
        start = time.perf_counter()
        looks = catalogue_looks(columns)
        earlier = (saved or {}).get("looks") or {}
        if looks and earlier.get("reader") and all(earlier.get(k) == looks[k] for k in ("values", "counts")):
            looks = {**looks, "reader": earlier["reader"]}
            log("prompt reader: the one the run saved")
        elif looks and main:
            looks = catalogue_looks(columns, dataset.labels.numpy(), encoder, log, product_rows)
            if "reader" in looks:
                log(f"prompt reader: fitted in {time.perf_counter() - start:.0f} s")
        attributes = attribute_vocabulary(columns) if cfg.model.options.attribute_weight > 0 else {}
        if attributes:  # the ids ride after the embedding in each training condition
            ids = attribute_ids(columns, attributes).to(dataset.labels.dtype)
            dataset = dataclasses.replace(dataset, labels=torch.cat([dataset.labels, ids], dim=1))
            log("attribute head: " + ", ".join(f"{name} ({len(values)})" for name, values in attributes.items()))
        return cls(cfg, encoder, attributes=attributes, looks=looks), dataset

    @classmethod
    def from_meta(cls, cfg: Config, meta: dict) -> "TextToImage":
        return cls(cfg, load_text_encoder(meta.get("text_encoder")), tuple(meta.get("prompts") or ()),
                   meta.get("attributes") or {}, meta.get("looks"))

    def meta(self) -> dict:
        return {**super().meta(), "text_encoder": self.encoder.state(), "text_dim": self.encoder.dim,
                "prompts": list(self.prompts), "attributes": {k: list(v) for k, v in self.attributes.items()},
                **({"looks": self.looks} if self.looks else {})}

    reads_prompts = True

    def prompt_condition(self, texts: list[str]) -> torch.Tensor:
        return self.encoder.encode(texts)

    def read_prompts(self, prompts: list[str], literal: bool = False) -> list[Reading]:
        """In the catalogue's words where a prompt names a look in other words (grounding.py), as
        written with `literal` or for runs saved before their looks were."""
        prompts = check_prompts(prompts)
        if literal or (not self.looks and self._grounder is None):
            return [Reading(p, p, {}) for p in prompts]
        return self.grounder.read(prompts)

    def explain_prompt(self, prompt: str) -> dict[str, list[tuple[str, float]]]:
        return self.grounder.explain(prompt) if self.looks else {}

    @property
    def grounder(self) -> PromptGrounder:
        if self._grounder is None:
            self._grounder = PromptGrounder(self.looks, self.encoder)
        return self._grounder

    @grounder.setter
    def grounder(self, grounder: PromptGrounder) -> None:
        self._grounder = grounder

    @property
    def attribute_sizes(self) -> tuple[int, ...]:
        return tuple(len(values) for values in self.attributes.values())

    @property
    def head_sizes(self) -> tuple[int, ...]:
        """D's attribute outputs: one classifier per attribute, twice over with the twin."""
        return self.attribute_sizes * 2 if self.cfg.model.options.attribute_twin else self.attribute_sizes

    def build(self) -> tuple[nn.Module, nn.Module]:
        generator = self.build_generator()  # G first: initialisation draws from the seeded stream in order
        d, m = self.cfg.data, self.cfg.model
        discriminator = (GrowingTextDiscriminator if m.options.grow_steps > 0 else TextDiscriminator)(
            d.channels, d.resolution, m.width, self.encoder.dim, self.head_sizes, m.options.contrastive_weight > 0)
        return generator, discriminator

    def build_generator(self) -> nn.Module:
        d, m = self.cfg.data, self.cfg.model
        generator = (GrowingTextGenerator if m.options.grow_steps > 0 else TextGenerator)(
            m.z_dim, self.encoder.dim, d.channels, d.resolution, m.width, body=m.options.generator,
            code_spread=m.options.code_spread)
        init_dcgan_weights(generator.body)  # the text layer keeps PyTorch's default init: N(0, 0.02) mutes the text
        for norm in generator.body.norms:
            norm.reset_parameters()  # start as plain BatchNorm (DCGAN's init drew random text weights)
        return generator

    # ----- the objective --------------------------------------------------------------------
    def objective_terms(self) -> list[Term]:
        """The terms besides the adversarial loss and the KL, in the order they add up (text2image/terms/)."""
        o = self.cfg.model.options
        attributes = (TwinAttributeClassification(o.attribute_weight, self.attribute_sizes) if o.attribute_twin
                      else AttributeClassification(o.attribute_weight, self.attribute_sizes, o.attribute_confidence))
        terms = [ModeSeeking(o.variety_weight),
                 Reconstruction(o.reconstruction_weight, o.reconstruction_nearest, self._paired),
                 *([attributes] if self.attribute_sizes else []),  # a catalogue without attribute columns has none
                 Contrastive(o.contrastive_weight)]
        return [term for term in terms if term.weight > 0]

    def real_condition(self, labels: torch.Tensor) -> TextCondition:
        return TextCondition.from_labels(labels, self.encoder.dim)

    def fake_condition(self, n: int, noise: Noise, pool: torch.Tensor, real_condition: TextCondition) -> TextCondition:
        """The descriptions of random catalogue images, or with reconstruction the real batch's own.
        With the mode-seeking term the second half of the batch repeats the first half's
        descriptions, so each pair differs only in noise."""
        if self.cfg.model.options.reconstruction_weight > 0:
            return self._paired(real_condition)
        return self._paired(self.real_condition(pool[noise.integers(pool.shape[0], n, pool.device)]))

    def _paired(self, batch):
        return pair_up(batch) if self.cfg.model.options.variety_weight > 0 else batch

    def generate(self, generator, z, condition: TextCondition, noise: Noise, real: torch.Tensor):
        eps = noise.normal(z.shape[0], CODE_DIM, device=z.device)
        fake, kl = generator(z, condition.embedding, eps)
        extra = self.kl_weight * kl
        for term in self.terms:
            added = term.generator(fake, z, real)
            if added is not None:
                extra = extra + added
        return fake, extra

    def auxiliary_loss(self, output: DiscriminatorOutput, condition: TextCondition, role: str) -> torch.Tensor:
        loss = output.logit.new_zeros(())
        for term in self.terms:
            added = term.auxiliary(output, condition, role)
            if added is not None:
                loss = loss + added
        return loss

    @property
    def terms(self) -> list[Term]:
        if getattr(self, "_terms", None) is None:
            self._terms = self.objective_terms()
        return self._terms

    def discriminator_logits(self, judge: Judge, real, real_condition, fake, fake_condition, mismatched):
        """GAN-INT-CLS: real images with another image's description count as fake too."""
        real_out, fake_out, mismatch_out = judge((real, real_condition), (fake, fake_condition),
                                                 (real, self.real_condition(mismatched())))
        return real_out, fake_out, torch.cat([fake_out.logit, mismatch_out.logit])

    def before_step(self, step: int, generator: nn.Module, discriminator: nn.Module) -> None:
        if self.cfg.model.options.grow_steps:  # progressive growing: the fade-in follows the step
            alpha = growth_alpha(step, self.cfg.model.options.grow_steps)
            generator.set_alpha(alpha)
            discriminator.set_alpha(alpha)

    @property
    def has_unused_parameters(self) -> bool:
        return self.cfg.model.options.grow_steps > 0  # the fading-out branch is unused at alpha 0 or 1

    def grid_inputs(self, columns: int, seed: int, dataset: ImageDataset):
        """One row per description: the first distinct ones of a seeded shuffle of the catalogue."""
        g = torch.Generator().manual_seed(seed + 12345)
        rows = 10
        z = torch.randn(rows * columns, self.cfg.model.z_dim, generator=g)
        self.prompts = []
        for i in torch.randperm(len(dataset), generator=g).tolist():
            if dataset.captions[i] not in self.prompts:
                self.prompts.append(dataset.captions[i])
            if len(self.prompts) == rows:
                break
        y = self.encoder.encode(self.prompts).repeat_interleave(columns, dim=0)
        return z[:len(y)], y

    def grid_labels(self, dataset: ImageDataset) -> list[str]:
        return list(self.prompts)
