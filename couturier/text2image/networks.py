"""The text-conditional networks: G with conditioning augmentation and text-conditional BatchNorm,
D with a projection of the text, and both grown progressively for the last doubling.

G: conditioning augmentation (StackGAN, Zhang et al. 2017) maps the text embedding to a
Gaussian and samples a 64-d code from it, so that the few thousand descriptions of a catalogue
become a smooth conditioning manifold rather than isolated points; a KL term keeps that
Gaussian near N(0, I). The code is concatenated with the noise at G's input and also sets the
scale and shift of every BatchNorm (conditional BatchNorm as in BigGAN): fed only at the input,
the text had to survive four layers and after 2,000 steps on a CPU moved no attribute off chance.

D: the spectral-norm CNN with a projection head for the text (Miyato & Koyama 2018): logit =
linear(h) + <W t, h>.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from couturier.layers import UpsampleGenerator, maybe_sn
from couturier.models.dcgan import ConvGenerator
from couturier.models.sngan import SNDiscriminator
from couturier.models.outputs import DiscriminatorOutput
from couturier.text2image.attributes import AttributeHead
from couturier.text2image.condition import text_of
from couturier.text2image.contrastive import ContrastiveHead

CODE_DIM = 64  # the conditioning-augmentation code fed to G


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

    def latent_weight(self) -> torch.Tensor:
        """(features, z_dim): the first layer's weight on the noise z, not on the text's code."""
        return self.body.latent_weight()[:, :self.z_dim]

    def text_weight(self) -> torch.Tensor:
        """(features, text_dim): the first layer's weight on the words, through the mean of the
        conditioning augmentation's code (the code's linear part; its noise left out)."""
        fc = self.augment.fc
        code_mean = fc.weight[: fc.out_features // 2] * self.augment.scale  # the code's mean per unit of text
        return self.body.latent_weight()[:, self.z_dim:] @ code_mean

    def early_features(self, z: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """The first layer's output after its norm and ReLU, for the noise z and the words' embedding."""
        code, _ = self.augment(text, code_noise(z, self.code_spread))
        return self.body.early_features(torch.cat([z, code], dim=1), code)

    def forward(self, z: torch.Tensor, text: torch.Tensor, eps: torch.Tensor | None = None):
        code, kl = self.augment(text, code_noise(z, self.code_spread) if eps is None else eps)
        image = self.render(self.body.features(torch.cat([z, code], dim=1), code))
        return image if eps is None else (image, kl)


def code_noise(z: torch.Tensor, spread: float) -> torch.Tensor:
    """The conditioning augmentation's noise when sampling: the seed's own first CODE_DIM noise
    values (zero-padded if z is shorter) times `spread`, so a seed and a prompt still fix the
    image. Spread 0 samples at the code's mean, which draws one garment per description (G varies
    its pictures with this noise as much as with z: benchmarks/code_noise.py); 1 draws codes as in
    training, the most variety and the words followed least (BENCHMARKS.md, "Text to image").
    Truncating z truncates both."""
    eps = z[:, :CODE_DIM] * spread
    return eps if eps.shape[1] == CODE_DIM else F.pad(eps, (0, CODE_DIM - eps.shape[1]))


def text_output(logit: torch.Tensor, h: torch.Tensor, text: torch.Tensor, attributes: nn.Module | None,
                contrast: ContrastiveHead | None) -> torch.Tensor | DiscriminatorOutput:
    """A text D's output from its pooled features `h`: the logit alone, or with the attribute head's
    logits and the contrastive head's embeddings beside it."""
    if attributes is None and contrast is None:
        return logit
    return DiscriminatorOutput.joined(logit, attributes(h) if attributes is not None else None,
                                      contrast(h, text) if contrast is not None else None)


class TextDiscriminator(nn.Module):
    """D(image, condition): the condition is a TextCondition (or, when sampling, its embedding);
    with the attribute or contrastive head the output is a DiscriminatorOutput (`text_output`)."""

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

    def score(self, h: torch.Tensor, condition) -> torch.Tensor | DiscriminatorOutput:
        text = text_of(condition)
        logit = self.image.head(h, None) + (self.text(text) * h).sum(dim=1)
        return text_output(logit, h, text, self.attributes, self.contrast)

    def forward(self, x: torch.Tensor, condition, rows: torch.Tensor | None = None):
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

    def forward(self, x: torch.Tensor, condition, rows: torch.Tensor | None = None):
        alpha = float(self.alpha)
        h = self.from_half(nn.functional.avg_pool2d(x, 2)) if alpha < 1.0 else None
        if alpha > 0.0:
            full = self.full_block(x)
            h = full if h is None else torch.lerp(h, full, alpha)
        h = self.rest(h)
        return self.score(h if rows is None else h[rows], condition)
