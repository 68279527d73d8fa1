"""Evaluation during text-to-image training: does the noise still matter?

Collapse in a text-conditional GAN looks different from Fashion-MNIST's: every class is still
drawn, but each description gets one picture whatever the seed. So every N steps this monitor
draws a few seeds of fixed catalogue descriptions and measures their spread (the `variety`
metric) in the frozen ImageNet backbone's pooled features, beside the spread of the real photos
that share the description's leading clause ("Blue Tshirts for Men"). The ratio falling under
VARIETY_ALARM without rising is the collapse alarm.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import torch

from couturier.data.images import to_uint8
from couturier.metrics.variety import within_group_spread

VARIETY_ALARM = 0.25  # seeds of one description spread less than a quarter of real photos of it
RISING = 0.01


def leading_clause(text: str) -> str:
    """'Blue Tshirts for Men' of 'Blue Tshirts for Men, Sports, Summer. Nike ...': what a group shares."""
    return text.split(". ")[0].split(",")[0].strip().lower()


class TextMonitor:
    def __init__(self, texts: tuple[str, ...], images: torch.Tensor, encode, seed: int = 0,
                 descriptions: int = 32, seeds: int = 4):
        from couturier.backbones import load_backbone

        self.backbone = load_backbone()
        self.seed, self.seeds = seed, seeds
        groups: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(texts):
            groups[leading_clause(text)].append(i)
        shared = sorted(g for g, members in groups.items() if len(members) >= 2)
        rng = np.random.default_rng(seed)
        chosen = [shared[i] for i in rng.permutation(len(shared))[:descriptions]]
        # each chosen group's first description is drawn; its real members set the scale
        self.prompts = [texts[groups[g][0]] for g in chosen]
        self.condition = encode(self.prompts)
        members = [(k, i) for k, g in enumerate(chosen) for i in groups[g][:16]]
        real = images[[i for _, i in members]]
        self.real_spread = within_group_spread(self.features(real), np.array([k for k, _ in members]))
        self.best_fid = float("inf")  # the trainer's interface; this monitor keeps no FID
        self.previous: dict | None = None

    @torch.no_grad()
    def features(self, images: torch.Tensor) -> np.ndarray:
        """Pooled last-stage backbone features of uint8 (N, 3, H, W) images."""
        from couturier.backbones import normalise

        out = []
        for start in range(0, len(images), 256):
            x = images[start:start + 256].float().div(127.5).sub(1.0)
            out.append(self.backbone.stages(normalise(x))[-1].mean(dim=(2, 3)))
        return torch.cat(out).numpy()

    @torch.no_grad()
    def samples(self, generator: torch.nn.Module, z_dim: int, num_classes, device) -> tuple[np.ndarray, np.ndarray]:
        rng = torch.Generator().manual_seed(self.seed)
        n = len(self.prompts) * self.seeds
        z = torch.randn(n, z_dim, generator=rng).to(device)
        y = self.condition.repeat_interleave(self.seeds, dim=0).to(device)
        was_training = generator.training
        generator.eval()
        images = to_uint8(generator(z, y))
        generator.train(was_training)
        return images, np.repeat(np.arange(len(self.prompts)), self.seeds)

    def evaluate(self, images: np.ndarray, requested: np.ndarray) -> dict:
        spread = within_group_spread(self.features(torch.from_numpy(images)), requested)
        ratio = spread / self.real_spread if self.real_spread > 0 else float("nan")
        results = {"variety": spread, "variety_real": self.real_spread, "variety_ratio": ratio}
        warning = ""
        low = results["variety_ratio"] < VARIETY_ALARM
        if low and self.previous is not None and results["variety_ratio"] <= self.previous["variety_ratio"] + RISING:
            warning = f"mode collapse? variety {results['variety_ratio']:.2f} of real < {VARIETY_ALARM}"
        self.previous = results
        return {**results, "collapse": 1.0 if warning else 0.0, "warning": warning, "is_best": False}

    @staticmethod
    def summary(results: dict) -> str:
        return (f"variety {results['variety']:.2f} (real photos {results['variety_real']:.2f}, "
                f"ratio {results['variety_ratio']:.2f})")
