"""Fast style transfer: AdaIN (Huang & Belongie 2017), one forward pass for any fabric.

The encoder is the style network up to relu4_1; AdaIN gives the content's features the style's
channel means and standard deviations; a decoder trained by `couturier train-stylizer` turns
them back into pixels. Chosen over per-style feed-forward networks (Johnson et al. 2016) because
a designer's fabric is new every time: AdaIN needs no training per style.
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
from couturier.style.features import VGGFeatures, random_vgg
from couturier.style.images import StyleInputError

ENCODER_LAYER = "relu4_1"
LOSS_LAYERS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")
DECODER_WEIGHTS = Path(__file__).with_name("weights") / "adain_decoder.safetensors"


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


class FastStylizer(nn.Module):
    def __init__(self, encoder: VGGFeatures, decoder: Decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    @torch.no_grad()
    def forward(self, content: torch.Tensor, style: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
        """content, style (1, 3, H, W) in [0, 1] -> stylised content; alpha < 1 keeps more content."""
        h, w = content.shape[-2:]
        padded = F.pad(content, (0, -w % 8, 0, -h % 8), mode="reflect")  # three halvings need a multiple of 8
        c = self.encoder(padded, (ENCODER_LAYER,))[ENCODER_LAYER]
        s = self.encoder(style, (ENCODER_LAYER,))[ENCODER_LAYER]
        t = torch.lerp(c, adain(c, s), alpha)
        return self.decoder(t)[..., :h, :w].clamp(0, 1)


def load_fast_stylizer(path: str | Path | None = None) -> FastStylizer:
    """The shipped decoder (for the default random encoder), or one trained by `train-stylizer`."""
    path = Path(path) if path else DECODER_WEIGHTS
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise StyleInputError(f"no fast-stylizer weights at {path} (and its .json); train a decoder with "
                              f"train_decoder, or use the optimising transfer", field="stylizer")
    meta = json.loads(meta_path.read_text())
    if sha256_file(path) != meta.get("sha256"):
        raise StyleInputError(f"{path} does not match the checksum in {meta_path.name}; retrain or reinstall it")
    encoder = random_vgg(meta["encoder_seed"], meta["encoder_width_divisor"])
    decoder = Decoder(meta["channels"])
    decoder.load_state_dict(load_file(str(path)))
    return FastStylizer(encoder, decoder.eval())


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


def train_decoder(content_dir: str | Path, style_dir: str | Path, out: str | Path, steps: int = 3000,
                  size: int = 128, batch_size: int = 8, lr: float = 1e-3, style_weight: float = 2.0,
                  seed: int = 0, progress: bool = True) -> dict:
    """Train the AdaIN decoder on content and style pictures; writes OUT.safetensors and OUT.json."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    contents, styles = _load_crops(Path(content_dir), size), _load_crops(Path(style_dir), size)
    encoder = random_vgg()
    decoder = Decoder(_relu4_channels(encoder))
    optimiser = torch.optim.Adam(decoder.parameters(), lr=lr)
    history = []
    with tqdm(total=steps, desc="train-stylizer", unit="step", disable=not progress, dynamic_ncols=True) as bar:
        for step in range(steps):
            c, s = _batch(contents, batch_size, size, rng), _batch(styles, batch_size, size, rng)
            with torch.no_grad():
                c_feat = encoder(c, (ENCODER_LAYER,))[ENCODER_LAYER]
                s_feats = encoder(s, LOSS_LAYERS)
                target = adain(c_feat, s_feats[ENCODER_LAYER])
            out_feats = encoder(decoder(target), LOSS_LAYERS)
            content_loss = F.mse_loss(out_feats[ENCODER_LAYER], target) / target.pow(2).mean()
            style_loss = sum(F.mse_loss(out_feats[k].mean((2, 3)), s_feats[k].mean((2, 3))) +
                             F.mse_loss(out_feats[k].std((2, 3)), s_feats[k].std((2, 3)))
                             for k in LOSS_LAYERS) / len(LOSS_LAYERS)
            loss = content_loss + style_weight * style_loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            history.append((content_loss.item(), style_loss.item()))
            bar.set_postfix(content=f"{history[-1][0]:.3f}", style=f"{history[-1][1]:.3f}", refresh=False)
            bar.update()
    out = Path(out).with_suffix(".safetensors")
    with atomic_path(out) as tmp:
        save_file({k: v.contiguous() for k, v in decoder.state_dict().items()}, str(tmp))
    meta = {"sha256": sha256_file(out), "channels": decoder.channels, "encoder": "random",
            "encoder_seed": 0, "encoder_width_divisor": 4, "steps": steps, "size": size,
            "final_content_loss": float(np.mean([h[0] for h in history[-50:]])),
            "final_style_loss": float(np.mean([h[1] for h in history[-50:]]))}
    write_text(out.with_suffix(".json"), json.dumps(meta, indent=2))
    return meta


def _relu4_channels(encoder: VGGFeatures) -> int:
    return next(layer.out_channels for name, layer in zip(encoder.names, encoder.layers) if name == "conv4_1")
