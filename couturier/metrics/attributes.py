"""Does the picture match the words? An attribute classifier for catalogue images.

A small CNN with one head per attribute (colour, article type, gender by default) trained on the
catalogue's own images. It judges generated images: the share whose predicted attributes match
the prompt's, with real held-out images as the ceiling, and FID in its penultimate layer.
Values seen fewer than `min_count` times are not classes (their rows are ignored by that head).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm import tqdm

from couturier.fileio import atomic_path, write_text


class AttributeNet(nn.Module):
    feature_dim = 256

    def __init__(self, heads: dict[str, int], width: int = 32):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                    nn.MaxPool2d(2)]

        self.body = nn.Sequential(*block(3, width), *block(width, width * 2), *block(width * 2, width * 4),
                                  *block(width * 4, width * 8), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(width * 8, self.feature_dim), nn.ReLU(inplace=True))
        self.heads = nn.ModuleDict({name: nn.Linear(self.feature_dim, n) for name, n in heads.items()})

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """x: (N, 3, 64, 64) in [-1, 1] -> (features, logits per attribute)."""
        features = self.body(x)
        return features, {name: head(features) for name, head in self.heads.items()}


def _as_input(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    x = torch.as_tensor(images).float().div(127.5).sub(1.0)
    if x.shape[-1] != 64:  # the net judges at 64x64 whatever the generator's size
        x = nn.functional.interpolate(x, size=(64, 64), mode="area")
    return x


class AttributeJudge:
    """The trained net with its class lists: predicts attribute values and extracts features."""

    def __init__(self, net: AttributeNet, classes: dict[str, list[str]]):
        self.net, self.classes = net.eval(), classes

    @torch.no_grad()
    def predict(self, images: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, dict[str, list[str]]]:
        features, predicted = [], {name: [] for name in self.classes}
        for start in range(0, len(images), batch_size):
            f, logits = self.net(_as_input(images[start:start + batch_size]))
            features.append(f.numpy())
            for name, values in self.classes.items():
                predicted[name] += [values[i] for i in logits[name].argmax(1).tolist()]
        return np.concatenate(features), predicted

    @torch.no_grad()
    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Features of a float batch in [-1, 1] (N, 3, H, W), at the 64x64 the net judges."""
        if x.shape[-1] != 64:
            x = nn.functional.interpolate(x, size=(64, 64), mode="area")
        return self.net(x)[0]

    def save(self, path: Path) -> None:
        state = {k: v.contiguous() for k, v in self.net.state_dict().items()}
        with atomic_path(path) as tmp:
            save_file(state, str(tmp))
        write_text(path.with_suffix(".json"), json.dumps(self.classes))

    @classmethod
    def load(cls, path: Path) -> "AttributeJudge":
        classes = json.loads(path.with_suffix(".json").read_text())
        net = AttributeNet({k: len(v) for k, v in classes.items()})
        net.load_state_dict(load_file(str(path)))
        return cls(net, classes)


def load_attribute_judge(path: Path) -> AttributeJudge:
    """A saved classifier (FILE.safetensors beside FILE.json), or a one-line FeatureNetError."""
    from couturier.errors import FeatureNetError

    try:
        return AttributeJudge.load(Path(path))
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise FeatureNetError(f"{path} is not an attribute classifier with its .json class lists "
                              f"({str(exc).splitlines()[0][:120]}); train one on the catalogue first") from exc


def attribute_classes(attributes: dict[str, list[str]], min_count: int = 20) -> dict[str, list[str]]:
    return {name: sorted(v for v, c in Counter(values).items() if c >= min_count and v)
            for name, values in attributes.items()}


def train_attribute_judge(images: np.ndarray, attributes: dict[str, list[str]], epochs: int = 8,
                          seed: int = 0, batch_size: int = 64, progress: bool = True,
                          min_count: int = 20) -> AttributeJudge:
    """Train on uint8 (N, 3, S, S) images and their attribute values; horizontal flips augment."""
    torch.manual_seed(seed)
    batch_size = min(batch_size, len(images))  # a small catalogue still takes steps
    classes = attribute_classes(attributes, min_count)
    targets = {name: torch.tensor([values.index(v) if v in values else -1 for v in attributes[name]])
               for name, values in classes.items()}
    net = AttributeNet({k: len(v) for k, v in classes.items()})
    optimizer = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * (len(images) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
    pixels = _as_input(images)
    generator = torch.Generator().manual_seed(seed)
    net.train()
    with tqdm(total=steps, desc="attribute classifier", unit="step", disable=not progress) as bar:
        for _ in range(epochs):
            order = torch.randperm(len(images), generator=generator)
            for start in range(0, len(order) - batch_size + 1, batch_size):
                ids = order[start:start + batch_size]
                x = pixels[ids]
                flip = torch.rand(len(ids), generator=generator) < 0.5
                x = torch.where(flip[:, None, None, None], x.flip(-1), x)
                _, logits = net(x)
                loss = sum(loss_fn(logits[name], targets[name][ids]) for name in classes)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    return AttributeJudge(net, classes)


def match_rates(predicted: dict[str, list[str]], wanted: dict[str, list[str]],
                classes: dict[str, list[str]]) -> dict[str, float]:
    """Share of images whose predicted value equals the wanted one, per attribute, and for all of
    them at once. Wanted values the classifier has no class for count as misses."""
    rates, all_match = {}, None
    for name, values in wanted.items():
        hits = np.array([p == w and w in classes[name] for p, w in zip(predicted[name], values)])
        rates[name] = float(hits.mean())
        all_match = hits if all_match is None else all_match & hits
    rates["all"] = float(all_match.mean()) if all_match is not None else float("nan")
    return rates
