"""Text-conditional GAN: garments from descriptions (64x64 RGB by default).

G: conditioning augmentation (StackGAN, Zhang et al. 2017) maps the text embedding to a
Gaussian and samples a 64-d code from it, so that the few thousand descriptions of a catalogue
become a smooth conditioning manifold rather than isolated points; a KL term keeps that
Gaussian near N(0, I). The code is concatenated with the noise at G's input and also sets the
scale and shift of every BatchNorm (conditional BatchNorm as in BigGAN): fed only at the input,
the text had to survive four layers and after 2,000 steps on a CPU moved no attribute off chance.

D: the spectral-norm CNN with a projection head for the text (Miyato & Koyama 2018): logit =
linear(h) + <W t, h>. Projection scores how well image and text agree without an extra
classifier, and the trainer also shows D real images with mismatched descriptions as fakes
(GAN-INT-CLS, Reed et al. 2016), which teaches it to check the agreement directly rather than
realism alone. Hinge loss, EMA generator and DiffAugment as in sngan.

What made the words stick on a CPU budget (each a config value; BENCHMARKS.md has the probes): D
also classifies the catalogue's attribute columns and G must satisfy it (models/attributes.py);
fakes are drawn for the real batch's own descriptions and their 16x16 average must match the
paired photo's (colour and silhouette in a few hundred steps); two seeds of one description
must differ (mode seeking); and G may upsample with skip-layer excitation instead of transposed
convolutions (models/upsample_generator.py).

128x128 (or any size) can grow progressively: with `model.grow_steps = K` the last doubling is
trained at half resolution for K steps, then faded in over K steps (ProGAN), so early training
runs at a quarter of the pixels.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from couturier.config import Config
from couturier.data import ImageDataset
from couturier.losses import mode_seeking_penalty
from couturier.models.attributes import (AttributeHead, attribute_ids, attribute_loss, attribute_vocabulary,
                                         twin_attribute_loss)
from couturier.models.base import GAN, Judge
from couturier.models.contrastive import ContrastiveHead, contrastive_loss, with_auxiliary
from couturier.models.dcgan import ConvGenerator
from couturier.models.layers import init_dcgan_weights, maybe_sn
from couturier.models.registry import register_model
from couturier.models.sngan import SNDiscriminator
from couturier.models.upsample_generator import UpsampleGenerator
from couturier.noise import Noise
from couturier.text.encoders import TextEncoder, build_text_encoder, load_text_encoder
from couturier.text.grounding import catalogue_looks

CODE_DIM = 64  # the conditioning-augmentation code fed to G
RECONSTRUCTED = 16  # side of the averaged picture the reconstruction term compares: colour and silhouette, not detail


class ConditioningAugmentation(nn.Module):
    def __init__(self, text_dim: int, code_dim: int):
        super().__init__()
        self.fc = nn.Linear(text_dim, 2 * code_dim)
        # Text embeddings are unit-length: each of 384 components is about 0.05, and through a
        # freshly initialised layer the code's mean moved by 0.06 between descriptions while the
        # sampled noise had std 1, so G learned to treat the code as noise and ignored the words.
        # Scaled to unit variance per component, the descriptions differ by about as much as the noise.
        self.scale = text_dim ** 0.5

    def forward(self, text: torch.Tensor, eps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(code, KL to N(0, I)) for standard-normal noise `eps`: drawn by the objective in
        training, taken from the seed's noise when sampling (`code_noise`)."""
        mu, logvar = self.fc(text * self.scale).chunk(2, dim=1)
        logvar = logvar.clamp(-8.0, 8.0)
        code = mu + eps.to(mu.dtype) * (0.5 * logvar).exp()
        # mean over the code's dimensions, as StackGAN does: summed over 64 dimensions the KL
        # outweighs the adversarial loss and pushes every description onto the same N(0, I)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).mean()
        return code, kl


class TextBatchNorm(nn.Module):
    """BatchNorm whose scale (1 + W_g c) and shift (W_b c) are linear in the text code c.
    Zero-initialised, so training starts from a plain BatchNorm and learns how much text to let in."""

    def __init__(self, channels: int, code_dim: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gain = nn.Linear(code_dim, channels)
        self.bias = nn.Linear(code_dim, channels)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for layer in (self.gain, self.bias):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        return self.bn(x) * (1.0 + self.gain(code))[:, :, None, None] + self.bias(code)[:, :, None, None]


class TextGenerator(nn.Module):
    """G(z, text) -> image; G(z, text, eps) -> (image, KL of the conditioning augmentation).
    `code_spread` scales the code's noise when sampling (`code_noise`)."""

    def __init__(self, z_dim: int, text_dim: int, channels: int, resolution: int, width: int,
                 code_dim: int = CODE_DIM, body: str = "transposed", code_spread: float = 1.0):
        super().__init__()
        self.z_dim, self.code_spread = z_dim, code_spread
        self.augment = ConditioningAugmentation(text_dim, code_dim)
        make_norm = lambda ch: TextBatchNorm(ch, code_dim)  # noqa: E731
        if body == "upsample":
            self.body = UpsampleGenerator(z_dim + code_dim, channels, resolution, width, make_norm)
        else:
            self.body = ConvGenerator(z_dim + code_dim, channels, resolution, width, None, make_norm=make_norm)

    def render(self, h: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.body.to_image(h))

    def forward(self, z: torch.Tensor, text: torch.Tensor, eps: torch.Tensor | None = None):
        code, kl = self.augment(text, code_noise(z, self.code_spread) if eps is None else eps)
        image = self.render(self.body.features(torch.cat([z, code], dim=1), code))
        return image if eps is None else (image, kl)


def code_noise(z: torch.Tensor, spread: float) -> torch.Tensor:
    """The conditioning augmentation's noise when sampling: the seed's own first CODE_DIM noise
    values (zero-padded if z is shorter) times `spread`, so a seed and a prompt still fix the
    image. Spread 0 samples at the code's mean, which drew one garment per description (G varies
    its pictures with this noise as much as with z, benchmarks/code_noise.py); 1 draws codes as in training, the most
    variety and the words followed least (BENCHMARKS.md). Truncating z truncates both."""
    eps = z[:, :CODE_DIM] * spread
    return eps if eps.shape[1] == CODE_DIM else F.pad(eps, (0, CODE_DIM - eps.shape[1]))


class TextDiscriminator(nn.Module):
    """D(image, condition): the condition is the text embedding, followed by attribute ids when
    `attribute_sizes` asks for an auxiliary head; with it or the `contrastive` head the output is
    (N, 1 + K) (models/contrastive.py `with_auxiliary`)."""

    # D(x, y, rows) scores x[rows]: a real batch judged with its own and with mismatched descriptions
    # goes through the convolutions once (the trainer's judge)
    SHARES_ROWS = True

    def __init__(self, channels: int, resolution: int, width: int, text_dim: int,
                 attribute_sizes: tuple[int, ...] = (), contrastive: bool = False):
        super().__init__()
        self.text_dim = text_dim
        self.image = SNDiscriminator(channels, resolution, width, None)
        features = self.image.head.linear.in_features
        self.text = maybe_sn(nn.Linear(text_dim, features, bias=False), True)
        self.attributes = AttributeHead(features, attribute_sizes) if attribute_sizes else None
        self.contrast = ContrastiveHead(features, text_dim) if contrastive else None

    def score(self, h: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        text = condition[:, :self.text_dim]
        logit = self.image.head(h, None) + (self.text(text) * h).sum(dim=1)
        return with_auxiliary(logit, h, text, self.attributes, self.contrast)

    def forward(self, x: torch.Tensor, condition: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        """Logits of images x (x[rows] when given) under their conditions."""
        h = self.image.features(x)
        return self.score(h if rows is None else h[rows], condition)


class GrowingTextGenerator(TextGenerator):
    """Progressive growing (Karras et al. 2018) of the last doubling: while `alpha` is 0 the
    image comes from a 1/2-resolution RGB head and is upsampled; as alpha rises to 1 the full
    resolution head fades in. `alpha` is a buffer, so checkpoints and the EMA copy carry it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channels = self.body.to_image.out_channels
        self.to_half = nn.Conv2d(self.body.to_image.in_channels, channels, 3, padding=1)
        self.register_buffer("alpha", torch.zeros(()))

    def set_alpha(self, alpha: float) -> None:
        self.alpha.fill_(alpha)

    def render(self, h: torch.Tensor) -> torch.Tensor:
        alpha = float(self.alpha)
        half = nn.functional.interpolate(torch.tanh(self.to_half(h)), scale_factor=2, mode="nearest")
        if alpha <= 0.0:
            return half
        full = super().render(h)
        return full if alpha >= 1.0 else torch.lerp(half, full, alpha)


class GrowingTextDiscriminator(TextDiscriminator):
    """D's mirror image of the growth: at alpha 0 it judges the image average-pooled to half
    resolution through its own RGB input layer and skips the full-resolution block."""

    def __init__(self, channels: int, resolution: int, width: int, text_dim: int,
                 attribute_sizes: tuple[int, ...] = (), contrastive: bool = False):
        super().__init__(channels, resolution, width, text_dim, attribute_sizes, contrastive)
        layers = list(self.image.features)
        self.full_block = nn.Sequential(*layers[:6])  # conv 3x3, stride-2 conv, conv 3x3 (+ activations)
        self.rest = nn.Sequential(*layers[6:])
        self.from_half = nn.Sequential(maybe_sn(nn.Conv2d(channels, width * 2, 3, 1, 1), True), nn.LeakyReLU(0.1))
        self.register_buffer("alpha", torch.zeros(()))

    def set_alpha(self, alpha: float) -> None:
        self.alpha.fill_(alpha)

    def forward(self, x: torch.Tensor, condition: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        alpha = float(self.alpha)
        h = self.from_half(nn.functional.avg_pool2d(x, 2)) if alpha < 1.0 else None
        if alpha > 0.0:
            full = self.full_block(x)
            h = full if h is None else torch.lerp(h, full, alpha)
        h = self.rest(h)
        return self.score(h if rows is None else h[rows], condition)


# What made the words stick in 5-minute probes on 2 cores (BENCHMARKS.md): the attribute head,
# the coarse reconstruction of the paired photo, a little mode seeking, and the upsampling G.
TEXT_OBJECTIVE = {"attribute_weight": 1.0, "reconstruction_weight": 10.0, "variety_weight": 0.1,
                  "generator": "upsample"}
# Twice the steps of batch 64 in the same minutes: at 5 minutes FID 171 against 188, all three attributes 0.05 against 0.03.
TEXT_BATCH = 32
# Never colour: colour is in the words, and a red shirt desaturated to grey would be a real "red shirt" to D.
TEXT_AUGMENT = "translation,cutout"


def growth_alpha(step: int, grow_steps: int) -> float:
    """0 for the first grow_steps steps (half resolution), then a linear fade-in over as many."""
    return min(max((step - grow_steps) / grow_steps, 0.0), 1.0)


@register_model(
    "text2image",
    preset={"model": {"width": 16, "task": "text2image", **TEXT_OBJECTIVE}, "loss": {"name": "hinge"},
            "data": {"resolution": 64, "channels": 3},
            "train": {"batch_size": TEXT_BATCH, "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.0, "beta2": 0.9,
                      "ema_decay": 0.999, "diffaugment": TEXT_AUGMENT}},
    summary="text-conditional GAN: conditioning augmentation in G, projection + mismatch-aware D",
)
class TextToImage(GAN):
    """Conditioned on the embedding of each image's description; the encoder is fitted on the
    training descriptions and saved in checkpoint meta, so a checkpoint is self-contained."""

    task = "text2image"
    kl_weight = 1.0

    def __init__(self, cfg: Config, encoder: TextEncoder, prompts: tuple[str, ...] = (),
                 attributes: dict[str, tuple[str, ...]] | None = None, looks: dict | None = None):
        super().__init__(cfg)
        self.encoder = encoder
        self.prompts = list(prompts)  # the descriptions of the progress grid's rows
        # the catalogue columns D's auxiliary head classifies (model.attribute_weight > 0), with their values
        self.attributes = {name: tuple(values) for name, values in (attributes or {}).items()}
        self.looks = looks  # the catalogue's (colour, article, gender) looks, to read prompts by (text/grounding.py)

    @classmethod
    def prepare(cls, cfg: Config, dataset: ImageDataset | None = None,
                log: Callable[[str], None] = print) -> tuple["TextToImage", ImageDataset]:
        """Fit the encoder on the catalogue's descriptions (or a given dataset's texts) and make
        their embeddings the labels. TF-IDF fitting is deterministic, so a resumed run gets the same."""
        columns: dict[str, list[str]] = {}
        if dataset is None:
            from couturier.text.data import text_dataset

            dataset, encoder, columns = text_dataset(cfg, log)
        else:
            encoder = build_text_encoder(cfg.model.text_encoder).fit(dataset.texts)
            dataset = dataclasses.replace(dataset, labels=encoder.encode(list(dataset.texts)))
        start = time.perf_counter()
        looks = catalogue_looks(columns, dataset.labels.numpy())
        if looks and "reader" in looks:
            log(f"prompt reader: fitted on {len(dataset.labels)} descriptions in {time.perf_counter() - start:.0f} s")
        attributes = attribute_vocabulary(columns) if cfg.model.attribute_weight > 0 else {}
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

    def encode_prompts(self, texts: list[str]) -> torch.Tensor:
        """G's condition for descriptions (what sampling and the training monitor feed G)."""
        return self.encoder.encode(texts)

    @property
    def attribute_sizes(self) -> tuple[int, ...]:
        return tuple(len(values) for values in self.attributes.values())

    @property
    def head_sizes(self) -> tuple[int, ...]:
        """D's attribute outputs: one classifier per attribute, twice over with the twin."""
        return self.attribute_sizes * 2 if self.cfg.model.attribute_twin else self.attribute_sizes

    def build(self) -> tuple[nn.Module, nn.Module]:
        generator = self.build_generator()  # G first: initialisation draws from the seeded stream in order
        d, m = self.cfg.data, self.cfg.model
        discriminator = (GrowingTextDiscriminator if m.grow_steps > 0 else TextDiscriminator)(
            d.channels, d.resolution, m.width, self.encoder.dim, self.head_sizes, m.contrastive_weight > 0)
        return generator, discriminator

    def build_generator(self) -> nn.Module:
        d, m = self.cfg.data, self.cfg.model
        generator = (GrowingTextGenerator if m.grow_steps > 0 else TextGenerator)(
            m.z_dim, self.encoder.dim, d.channels, d.resolution, m.width, body=m.generator,
            code_spread=m.code_spread)
        init_dcgan_weights(generator.body)  # the text layer keeps PyTorch's default init: N(0, 0.02) mutes the text
        for norm in generator.body.norms:
            norm.reset_parameters()  # start as plain BatchNorm (DCGAN's init drew random text weights)
        return generator

    # ----- the objective --------------------------------------------------------------------
    def real_condition(self, labels: torch.Tensor) -> torch.Tensor:
        return labels

    def fake_condition(self, n: int, noise: Noise, pool: torch.Tensor, real_condition: torch.Tensor) -> torch.Tensor:
        """The descriptions of random catalogue images, or with reconstruction the real batch's own.
        With the mode-seeking term the second half of the batch repeats the first half's
        descriptions, so each pair differs only in noise."""
        if self.cfg.model.reconstruction_weight > 0:
            return self._paired(real_condition)
        return self._paired(pool[noise.integers(pool.shape[0], n, pool.device)])

    def _paired(self, batch: torch.Tensor) -> torch.Tensor:
        if self.cfg.model.variety_weight <= 0:
            return batch
        half = batch.shape[0] // 2
        return torch.cat([batch[:half], batch[:half], batch[2 * half:]])

    def generate(self, generator, z, condition, noise: Noise, real: torch.Tensor):
        eps = noise.normal(z.shape[0], CODE_DIM, device=z.device)
        fake, kl = generator(z, condition[:, :self.encoder.dim], eps)
        extra = self.kl_weight * kl
        m = self.cfg.model
        if m.variety_weight > 0:
            extra = extra + m.variety_weight * mode_seeking_penalty(fake, z)
        if m.reconstruction_weight > 0:
            extra = extra + m.reconstruction_weight * self.reconstruction_loss(fake, real)
        return fake, extra

    def reconstruction_loss(self, fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """L1 between the 16x16 averages (colour and silhouette) of the fakes and their paired photos.
        With `reconstruction_nearest` only the closer seed of each mode-seeking pair counts: pulled
        to one photo, both seeds would be pulled onto the same average garment of the description."""
        fake, real = F.adaptive_avg_pool2d(fake, RECONSTRUCTED), F.adaptive_avg_pool2d(self._paired(real), RECONSTRUCTED)
        if not self.cfg.model.reconstruction_nearest:
            return F.l1_loss(fake, real)
        gap = (fake - real).abs().flatten(1).mean(dim=1)
        half = gap.shape[0] // 2
        return torch.cat([torch.minimum(gap[:half], gap[half:2 * half]), gap[2 * half:]]).mean()

    def auxiliary_loss(self, outputs: torch.Tensor, condition: torch.Tensor, role: str) -> torch.Tensor:
        """D's auxiliary outputs: attribute logits, then the contrastive embeddings (`with_auxiliary`)."""
        m, attribute_outputs = self.cfg.model, sum(self.head_sizes)
        loss = outputs.new_zeros(())
        if attribute_outputs:
            loss = loss + self._attribute_loss(outputs[:, :attribute_outputs], condition, role)
        if m.contrastive_weight > 0 and role != "fake":  # XMC-GAN: D learns the pairing on real photos only
            text = condition[:, :self.encoder.dim]
            loss = loss + m.contrastive_weight * contrastive_loss(outputs[:, attribute_outputs:], text)
        return loss

    def _attribute_loss(self, outputs: torch.Tensor, condition: torch.Tensor, role: str) -> torch.Tensor:
        ids, sizes, m = condition[:, self.encoder.dim:].long(), self.attribute_sizes, self.cfg.model
        if not m.attribute_twin:
            if role == "fake":  # a lone classifier learns from real photos only
                return outputs.new_zeros(())
            confidence = m.attribute_confidence if role == "generator" else 0.0
            return m.attribute_weight * attribute_loss(outputs, ids, sizes, confidence)
        return m.attribute_weight * twin_attribute_loss(outputs, ids, sizes, role)

    def discriminator_logits(self, judge: Judge, real, real_condition, fake, fake_condition, mismatched):
        """GAN-INT-CLS: real images with another image's description count as fake too."""
        real_logits, fake_logits, mismatch_logits = judge((real, real_condition), (fake, fake_condition),
                                                          (real, mismatched()))
        return real_logits, fake_logits, torch.cat([fake_logits, mismatch_logits])

    def before_step(self, step: int, generator: nn.Module, discriminator: nn.Module) -> None:
        if self.cfg.model.grow_steps:  # progressive growing: the fade-in follows the step
            alpha = growth_alpha(step, self.cfg.model.grow_steps)
            generator.set_alpha(alpha)
            discriminator.set_alpha(alpha)

    @property
    def has_unused_parameters(self) -> bool:
        return self.cfg.model.grow_steps > 0  # the fading-out branch is unused at alpha 0 or 1

    def grid_inputs(self, columns: int, seed: int, dataset: ImageDataset):
        """One row per description: the first distinct ones of a seeded shuffle of the catalogue."""
        g = torch.Generator().manual_seed(seed + 12345)
        rows = 10
        z = torch.randn(rows * columns, self.cfg.model.z_dim, generator=g)
        self.prompts = []
        for i in torch.randperm(len(dataset), generator=g).tolist():
            if dataset.texts[i] not in self.prompts:
                self.prompts.append(dataset.texts[i])
            if len(self.prompts) == rows:
                break
        y = self.encoder.encode(self.prompts).repeat_interleave(columns, dim=0)
        return z[:len(y)], y

    def grid_labels(self, dataset: ImageDataset) -> list[str]:
        return list(self.prompts)
