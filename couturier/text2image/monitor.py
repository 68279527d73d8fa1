"""Evaluation during text-to-image training: does the noise still matter?

Collapse in a text-conditional GAN looks different from Fashion-MNIST's: every class is still
drawn, but each description gets one picture whatever the seed. So every N steps this monitor
draws eight seeds of fixed catalogue descriptions and measures how far apart they are in the
frozen ImageNet backbone's pooled features, beside the same among the real photos that share the
description's leading clause ("Blue Tshirts for Men"). Two measures are logged: the mean distance
to the group's centre (`within_group_spread`) and the typical pair (`typical_pair_distance`).
The alarm watches the typical pair: a G that draws one garment per description and, for a seed
or two, a broken picture has a wide mean distance but a typical pair near 0. Its ratio falling
under VARIETY_ALARM without rising is the collapse alarm.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import torch

from couturier.data.images import to_uint8
from couturier.metrics.monitor import MONITORS
from couturier.metrics.variety import VARIETY_ALARM, ratio_to_real, typical_pair_distance, within_group_spread

RISING = 0.01


def leading_clause(text: str) -> str:
    """'Blue Tshirts for Men' of 'Blue Tshirts for Men, Sports, Summer. Nike ...': what a group shares."""
    return text.split(". ")[0].split(",")[0].strip().lower()


@MONITORS.register("variety")
class TextMonitor:
    @classmethod
    def check(cls, cfg) -> None:
        """Any catalogue will do: the reference is the training photos themselves."""

    @classmethod
    def create(cls, cfg, dataset, model) -> "TextMonitor":
        return cls(dataset.captions, dataset.images, model.prompt_condition, cfg.train.seed)

    def __init__(self, texts: tuple[str, ...], images: torch.Tensor, encode, seed: int = 0,
                 descriptions: int = 32, seeds: int = 8):
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
        real = self.features(images[[i for _, i in members]])
        groups_of_real = np.array([k for k, _ in members])
        self.real_spread = within_group_spread(real, groups_of_real)
        self.real_typical = typical_pair_distance(real, groups_of_real)
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
        features = self.features(torch.from_numpy(images))
        spread, typical = within_group_spread(features, requested), typical_pair_distance(features, requested)
        results = {"variety": spread, "variety_real": self.real_spread,
                   "variety_ratio": ratio_to_real(spread, self.real_spread),
                   "variety_typical": typical, "variety_typical_real": self.real_typical,
                   "variety_typical_ratio": ratio_to_real(typical, self.real_typical)}
        ratio = results["variety_typical_ratio"]
        # a run resumed from a log written before the typical pair was logged has no trend yet
        before = (self.previous or {}).get("variety_typical_ratio")
        warning = ""
        if ratio < VARIETY_ALARM and before is not None and ratio <= before + RISING:
            warning = f"mode collapse? seeds {ratio:.2f} as far apart as real photos < {VARIETY_ALARM}"
        self.previous = results
        return {**results, "collapse": 1.0 if warning else 0.0, "warning": warning, "is_best": False}

    @staticmethod
    def summary(results: dict) -> str:
        return (f"variety {results['variety_typical_ratio']:.2f} of real photos' by typical pairs "
                f"({results['variety_ratio']:.2f} by distance to the centre)")
