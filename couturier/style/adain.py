"""Fast style transfer: AdaIN (Huang & Belongie 2017), one forward pass for any fabric.

AdaIN gives the content's features the style's channel means and standard deviations; a decoder
trained by `couturier train-stylizer` turns them back into pixels. Chosen over per-style
feed-forward networks (Johnson et al. 2016) because a designer's fabric is new every time: AdaIN
needs no training per style.

Two encoders. `lite0` (the default): pretrained EfficientNet-Lite0, AdaIN at four levels (strides
2 to 16) and a decoder that joins them coarse to fine, as a U-Net does. One level is not enough
here: Lite0's stride-8 stage has 40 channels, too few to carry both the garment and the pattern,
and the earlier single-level decoder on random features only recoloured the garment. `random`:
the random VGG-19 to relu4_1 with the original single-level decoder.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm import tqdm

from couturier.data.images import UNREADABLE, list_images, open_picture
from couturier.fileio import atomic_path, sha256_file, write_text
from couturier.style.features import load_style_net, random_vgg
from couturier.style.images import StyleInputError

ENCODER_LAYER = "relu4_1"
LOSS_LAYERS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")
LITE0_LEVELS = ("stage1", "stage2", "stage3", "stage4")  # strides 2, 4, 8, 16
LITE0_WIDTHS = {"stage1": 16, "stage2": 24, "stage3": 40, "stage4": 80}
DECODER_WEIGHTS = Path(__file__).with_name("weights") / "adain_lite0_decoder.safetensors"
ENCODERS = ("lite0", "random")
STYLE_WEIGHT = 3.0  # the shipped decoder's; 0.5 and 2 at 400 steps transferred colour but fainter stripes


def adain(content: torch.Tensor, style: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    c_mean, c_std = content.mean((2, 3), keepdim=True), content.std((2, 3), keepdim=True) + eps
    s_mean, s_std = style.mean((2, 3), keepdim=True), style.std((2, 3), keepdim=True) + eps
    return (content - c_mean) / c_std * s_std + s_mean


class Decoder(nn.Module):
    """The encoder's mirror image: three nearest-neighbour upsamplings back to full resolution
    (upsample + conv rather than transposed convolutions, which leave checkerboards)."""

    def __init__(self, channels: int = 128):
        super().__init__()

        def conv(cin, cout, relu=True):
            layers = [nn.Conv2d(cin, cout, 3, padding=1, padding_mode="reflect")]
            return layers + [nn.ReLU()] if relu else layers

        c = channels
        self.net = nn.Sequential(
            *conv(c, c // 2), nn.Upsample(scale_factor=2),
            *conv(c // 2, c // 2), *conv(c // 2, c // 2), *conv(c // 2, c // 4), nn.Upsample(scale_factor=2),
            *conv(c // 4, c // 4), *conv(c // 4, c // 8), nn.Upsample(scale_factor=2),
            *conv(c // 8, c // 8), *conv(c // 8, 3, relu=False))
        self.channels = channels

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)


def _conv(cin: int, cout: int, relu: bool = True) -> list[nn.Module]:
    layers = [nn.Conv2d(cin, cout, 3, padding=1, padding_mode="reflect")]
    return layers + [nn.ReLU()] if relu else layers


class SkipDecoder(nn.Module):
    """AdaIN'd features at strides 16, 8, 4 and 2 back to pixels: each level is upsampled and
    joined with the next finer level's features (nearest-neighbour upsampling, no checkerboard)."""

    widths = (96, 64, 48, 32, 16)

    def __init__(self, levels: dict[str, int] | None = None):
        super().__init__()
        levels = levels or LITE0_WIDTHS
        self.levels = tuple(reversed(list(levels)))  # coarse to fine
        w = self.widths
        self.start = nn.Sequential(*_conv(levels[self.levels[0]], w[0]), *_conv(w[0], w[0]))
        self.joins = nn.ModuleList(nn.Sequential(*_conv(w[i] + levels[name], w[i + 1]), *_conv(w[i + 1], w[i + 1]))
                                   for i, name in enumerate(self.levels[1:]))
        self.out = nn.Sequential(*_conv(w[len(self.levels) - 1], w[-1]), *_conv(w[-1], 3, relu=False))

    def forward(self, features: dict[str, torch.Tensor]) -> torch.Tensor:
        h = self.start(features[self.levels[0]])
        for name, join in zip(self.levels[1:], self.joins):
            h = join(torch.cat([F.interpolate(h, scale_factor=2.0, mode="nearest"), features[name]], dim=1))
        return self.out(F.interpolate(h, scale_factor=2.0, mode="nearest"))


class FastStylizer(nn.Module):
    """encoder + decoder; `levels` are where AdaIN acts (one for the random VGG, four for Lite0)."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, levels: tuple[str, ...], multiple: int):
        super().__init__()
        self.encoder, self.decoder, self.levels, self.multiple = encoder, decoder, levels, multiple

    def decode(self, features: dict[str, torch.Tensor]) -> torch.Tensor:
        if isinstance(self.decoder, SkipDecoder):
            return self.decoder(features)
        return self.decoder(features[self.levels[0]])

    @torch.no_grad()
    def forward(self, content: torch.Tensor, style: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
        """content, style (1, 3, H, W) in [0, 1] -> stylised content; alpha < 1 keeps more content."""
        h, w = content.shape[-2:]
        m = self.multiple  # the encoder halves the picture log2(m) times
        padded = F.pad(content, (0, -w % m, 0, -h % m), mode="reflect")
        sh, sw = style.shape[-2:]
        style = F.pad(style, (0, -sw % m, 0, -sh % m), mode="reflect")
        c, s = self.encoder(padded, self.levels), self.encoder(style, self.levels)
        target = {k: torch.lerp(c[k], adain(c[k], s[k]), alpha) for k in self.levels}
        return self.decode(target)[..., :h, :w].clamp(0, 1)


def build_stylizer(encoder: str, decoder_state: dict | None = None, channels: int = 128) -> FastStylizer:
    if encoder == "lite0":
        stylizer = FastStylizer(load_style_net("lite0"), SkipDecoder(), LITE0_LEVELS, 16)
    elif encoder == "random":
        stylizer = FastStylizer(random_vgg(0, 4), Decoder(channels), (ENCODER_LAYER,), 8)
    else:
        raise StyleInputError(f"unknown stylizer encoder {encoder!r}; use one of {', '.join(ENCODERS)}",
                              field="encoder")
    if decoder_state is not None:
        stylizer.decoder.load_state_dict(decoder_state)
    stylizer.decoder.eval()
    return stylizer


def load_fast_stylizer(path: str | Path | None = None) -> FastStylizer:
    """The shipped decoder (Lite0 encoder), or one trained by `train-stylizer`."""
    path = Path(path) if path else DECODER_WEIGHTS
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise StyleInputError(f"no fast-stylizer weights at {path} (and its .json); train a decoder with "
                              f"train_decoder, or use the optimising transfer", field="stylizer")
    try:
        meta = json.loads(meta_path.read_text())
        damaged = sha256_file(path) != meta.get("sha256")
    except (OSError, ValueError, AttributeError):
        damaged = True
    if damaged:
        raise StyleInputError(f"{path} does not match the checksum in {meta_path.name}; retrain the decoder "
                              f"(train_decoder) or reinstall couturier", field="stylizer")
    return build_stylizer(meta.get("encoder", "random"), load_file(str(path)), meta.get("channels", 128))


def _load_crops(folder: Path, size: int) -> list[np.ndarray]:
    images = []
    for path in list_images(folder):
        try:
            rgb = open_picture(path, 3)
        except UNREADABLE:
            continue  # an unreadable file among many training pictures is skipped
        scale = size * 1.25 / min(rgb.size)
        rgb = rgb.resize((max(size, round(rgb.width * scale)), max(size, round(rgb.height * scale))),
                         Image.Resampling.BICUBIC)
        images.append(np.asarray(rgb, dtype=np.uint8))
    if not images:
        raise StyleInputError(f"no readable images in {folder}")
    return images


def _batch(images: list[np.ndarray], n: int, size: int, rng: random.Random) -> torch.Tensor:
    crops = []
    for image in rng.choices(images, k=n):
        top, left = rng.randrange(image.shape[0] - size + 1), rng.randrange(image.shape[1] - size + 1)
        crop = image[top:top + size, left:left + size]
        crops.append(crop[:, ::-1] if rng.random() < 0.5 else crop)
    return torch.from_numpy(np.stack(crops).astype(np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()


def _moments_loss(out: dict[str, torch.Tensor], style: dict[str, torch.Tensor]) -> torch.Tensor:
    """AdaIN's style loss: channel means and standard deviations of each level, matched."""
    return sum(F.mse_loss(out[k].mean((2, 3)), style[k].mean((2, 3))) + F.mse_loss(out[k].std((2, 3)), style[k].std((2, 3)))
               for k in style) / len(style)


def train_decoder(content_dir: str | Path, style_dir: str | Path, out: str | Path, steps: int = 3000,
                  size: int = 128, batch_size: int = 8, lr: float = 1e-3, style_weight: float = STYLE_WEIGHT,
                  seed: int = 0, progress: bool = True, encoder: str = "lite0") -> dict:
    """Train the AdaIN decoder on content and style pictures; writes OUT.safetensors and OUT.json."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    contents, styles = _load_crops(Path(content_dir), size), _load_crops(Path(style_dir), size)
    stylizer = build_stylizer(encoder)
    if size % stylizer.multiple:
        raise StyleInputError(f"the training crop size must be a multiple of {stylizer.multiple}", field="size")
    stylizer.decoder.train()
    net, levels = stylizer.encoder, stylizer.levels
    loss_layers = levels if encoder == "lite0" else LOSS_LAYERS
    optimiser = torch.optim.Adam(stylizer.decoder.parameters(), lr=lr)
    history = []
    with tqdm(total=steps, desc="train-stylizer", unit="step", disable=not progress, dynamic_ncols=True) as bar:
        for step in range(steps):
            c, s = _batch(contents, batch_size, size, rng), _batch(styles, batch_size, size, rng)
            with torch.no_grad():
                c_feats, s_feats = net(c, levels), net(s, loss_layers)
                target = {k: adain(c_feats[k], s_feats[k]) for k in levels}
            out_feats = net(stylizer.decode(target), loss_layers)
            deepest = levels[-1]
            content_loss = F.mse_loss(out_feats[deepest], target[deepest]) / target[deepest].pow(2).mean()
            style_loss = _moments_loss(out_feats, s_feats)
            loss = content_loss + style_weight * style_loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            history.append((content_loss.item(), style_loss.item()))
            bar.set_postfix(content=f"{history[-1][0]:.3f}", style=f"{history[-1][1]:.3f}", refresh=False)
            bar.update()
    out = Path(out).with_suffix(".safetensors")
    with atomic_path(out) as tmp:
        save_file({k: v.contiguous() for k, v in stylizer.decoder.state_dict().items()}, str(tmp))
    meta = {"sha256": sha256_file(out), "encoder": encoder, "steps": steps, "size": size,
            "style_weight": style_weight, "batch_size": batch_size,
            "final_content_loss": float(np.mean([h[0] for h in history[-50:]])),
            "final_style_loss": float(np.mean([h[1] for h in history[-50:]]))}
    if encoder == "random":
        meta["channels"] = stylizer.decoder.channels
    write_text(out.with_suffix(".json"), json.dumps(meta, indent=2))
    return meta
