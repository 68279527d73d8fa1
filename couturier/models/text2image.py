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

128x128 (or any size) can grow progressively: with `model.grow_steps = K` the last doubling is
trained at half resolution for K steps, then faded in over K steps (ProGAN), so early training
runs at a quarter of the pixels.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import torch
from torch import nn

from couturier.config import Config
from couturier.data import ImageDataset
from couturier.models.base import GAN, Judge
from couturier.models.dcgan import ConvGenerator
from couturier.models.layers import init_dcgan_weights, maybe_sn
from couturier.models.registry import register_model
from couturier.models.sngan import SNDiscriminator
from couturier.noise import Noise
from couturier.text.encoders import TextEncoder, build_text_encoder, load_text_encoder

CODE_DIM = 64  # the conditioning-augmentation code fed to G


class ConditioningAugmentation(nn.Module):
    def __init__(self, text_dim: int, code_dim: int):
        super().__init__()
        self.fc = nn.Linear(text_dim, 2 * code_dim)

    def forward(self, text: torch.Tensor, eps: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(code, KL to N(0, I)). Without `eps` (sampling) the code is the mean, so a seed and a
        prompt fix the image; in training `eps` is standard-normal noise drawn by the objective."""
        mu, logvar = self.fc(text).chunk(2, dim=1)
        logvar = logvar.clamp(-8.0, 8.0)
        if eps is None:
            return mu, mu.new_zeros(())
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
    """G(z, text) -> image; G(z, text, eps) -> (image, KL of the conditioning augmentation)."""

    def __init__(self, z_dim: int, text_dim: int, channels: int, resolution: int, width: int,
                 code_dim: int = CODE_DIM):
        super().__init__()
        self.z_dim = z_dim
        self.augment = ConditioningAugmentation(text_dim, code_dim)
        self.body = ConvGenerator(z_dim + code_dim, channels, resolution, width, None,
                                  make_norm=lambda ch: TextBatchNorm(ch, code_dim))

    def render(self, h: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.body.to_image(h))

    def forward(self, z: torch.Tensor, text: torch.Tensor, eps: torch.Tensor | None = None):
        code, kl = self.augment(text, eps)
        image = self.render(self.body.features(torch.cat([z, code], dim=1), code))
        return image if eps is None else (image, kl)


class TextDiscriminator(nn.Module):
    def __init__(self, channels: int, resolution: int, width: int, text_dim: int):
        super().__init__()
        self.image = SNDiscriminator(channels, resolution, width, None)
        features = self.image.head.linear.in_features
        self.text = maybe_sn(nn.Linear(text_dim, features, bias=False), True)

    def forward(self, x: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        h = self.image.features(x)
        return self.image.head(h, None) + (self.text(text) * h).sum(dim=1)


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

    def __init__(self, channels: int, resolution: int, width: int, text_dim: int):
        super().__init__(channels, resolution, width, text_dim)
        layers = list(self.image.features)
        self.full_block = nn.Sequential(*layers[:6])  # conv 3x3, stride-2 conv, conv 3x3 (+ activations)
        self.rest = nn.Sequential(*layers[6:])
        self.from_half = nn.Sequential(maybe_sn(nn.Conv2d(channels, width * 2, 3, 1, 1), True), nn.LeakyReLU(0.1))
        self.register_buffer("alpha", torch.zeros(()))

    def set_alpha(self, alpha: float) -> None:
        self.alpha.fill_(alpha)

    def forward(self, x: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        alpha = float(self.alpha)
        h = self.from_half(nn.functional.avg_pool2d(x, 2)) if alpha < 1.0 else None
        if alpha > 0.0:
            full = self.full_block(x)
            h = full if h is None else torch.lerp(h, full, alpha)
        h = self.rest(h)
        return self.image.head(h, None) + (self.text(text) * h).sum(dim=1)


def growth_alpha(step: int, grow_steps: int) -> float:
    """0 for the first grow_steps steps (half resolution), then a linear fade-in over as many."""
    return min(max((step - grow_steps) / grow_steps, 0.0), 1.0)


@register_model(
    "text2image",
    preset={"model": {"width": 16, "task": "text2image"}, "loss": {"name": "hinge"},
            "data": {"resolution": 64, "channels": 3},
            "train": {"batch_size": 64, "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.0, "beta2": 0.9,
                      "ema_decay": 0.999, "diffaugment": "auto"}},
    summary="text-conditional GAN: conditioning augmentation in G, projection + mismatch-aware D",
)
class TextToImage(GAN):
    """Conditioned on the embedding of each image's description; the encoder is fitted on the
    training descriptions and saved in checkpoint meta, so a checkpoint is self-contained."""

    task = "text2image"
    kl_weight = 1.0

    def __init__(self, cfg: Config, encoder: TextEncoder, prompts: tuple[str, ...] = ()):
        super().__init__(cfg)
        self.encoder = encoder
        self.prompts = list(prompts)  # the descriptions of the progress grid's rows

    @classmethod
    def prepare(cls, cfg: Config, dataset: ImageDataset | None = None,
                log: Callable[[str], None] = print) -> tuple["TextToImage", ImageDataset]:
        """Fit the encoder on the catalogue's descriptions (or a given dataset's texts) and make
        their embeddings the labels. TF-IDF fitting is deterministic, so a resumed run gets the same."""
        if dataset is None:
            from couturier.text.data import text_dataset

            dataset, encoder = text_dataset(cfg, log)
        else:
            encoder = build_text_encoder(cfg.model.text_encoder).fit(dataset.texts)
            dataset = dataclasses.replace(dataset, labels=encoder.encode(list(dataset.texts)))
        return cls(cfg, encoder), dataset

    @classmethod
    def from_meta(cls, cfg: Config, meta: dict) -> "TextToImage":
        return cls(cfg, load_text_encoder(meta.get("text_encoder")), tuple(meta.get("prompts") or ()))

    def meta(self) -> dict:
        return {**super().meta(), "text_encoder": self.encoder.state(), "text_dim": self.encoder.dim,
                "prompts": list(self.prompts)}

    def build(self) -> tuple[nn.Module, nn.Module]:
        generator = self.build_generator()  # G first: initialisation draws from the seeded stream in order
        d, m = self.cfg.data, self.cfg.model
        discriminator = (GrowingTextDiscriminator if m.grow_steps > 0 else TextDiscriminator)(
            d.channels, d.resolution, m.width, self.encoder.dim)
        return generator, discriminator

    def build_generator(self) -> nn.Module:
        d, m = self.cfg.data, self.cfg.model
        generator = (GrowingTextGenerator if m.grow_steps > 0 else TextGenerator)(m.z_dim, self.encoder.dim,
                                                                                  d.channels, d.resolution, m.width)
        init_dcgan_weights(generator.body)  # the text layer keeps PyTorch's default init: N(0, 0.02) mutes the text
        for norm in generator.body.norms:
            norm.reset_parameters()  # start as plain BatchNorm (DCGAN's init drew random text weights)
        return generator

    # ----- the objective --------------------------------------------------------------------
    def real_condition(self, labels: torch.Tensor) -> torch.Tensor:
        return labels

    def fake_condition(self, n: int, noise: Noise, pool: torch.Tensor) -> torch.Tensor:
        """The descriptions of random catalogue images."""
        return pool[noise.integers(pool.shape[0], n, pool.device)]

    def generate(self, generator, z, condition, noise: Noise):
        eps = noise.normal(z.shape[0], CODE_DIM, device=z.device)
        fake, kl = generator(z, condition, eps)
        return fake, self.kl_weight * kl

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
