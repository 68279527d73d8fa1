"""metrics/text_monitor.py: seeds of one description must differ; a generator that ignores its noise raises the alarm."""
from __future__ import annotations

import numpy as np
import torch

from couturier.metrics.text_monitor import TextMonitor, leading_clause


class Painter(torch.nn.Module):
    """A stand-in G: paints the whole picture in a colour from the text (and the noise, if asked)."""

    def __init__(self, use_noise: bool):
        super().__init__()
        self.use_noise = use_noise

    def forward(self, z, text):
        colour = torch.tanh(text[:, :3] * 3)
        if self.use_noise:
            colour = torch.tanh(colour + z[:, :3])
        image = colour[:, :, None, None].expand(-1, 3, 32, 32).clone()
        image[:, :, 8:24, 8:24] = -colour[:, :, None, None] if self.use_noise else image[:, :, 8:24, 8:24]
        return image


def _monitor(shop):
    """4 descriptions x 4 photos, each photo a coloured box at its own place (real photos of one description differ)."""
    rng = np.random.default_rng(0)
    texts, images = [], []
    for colour, rgb in {"Red": (200, 30, 30), "Blue": (30, 30, 200), "Black": (20, 20, 20), "Green": (30, 160, 30)}.items():
        for _ in range(4):
            image = np.full((3, 32, 32), 255, np.uint8)
            top, left = rng.integers(0, 16, size=2)
            image[:, top:top + 16, left:left + 16] = np.array(rgb)[:, None, None]
            texts.append(f"{colour} Shirts for Men, Casual. Shirt no {len(texts)}")
            images.append(image)
    encode = lambda texts: torch.tensor([[len(t) % 7, t.count("e"), t.count("o")] for t in texts], dtype=torch.float)
    return TextMonitor(tuple(texts), torch.from_numpy(np.stack(images)), encode, seed=0, descriptions=6, seeds=4)


def test_leading_clause_is_what_a_group_shares():
    assert leading_clause("Blue Tshirts for Men, Sports, Summer. Nike Sahara Jersey") == "blue tshirts for men"


def test_noise_ignored_is_zero_variety_and_raises_the_alarm_when_it_stays():
    monitor = _monitor(None)
    assert len(monitor.prompts) == 4 and monitor.real_spread > 0
    painter = Painter(use_noise=False)
    first = monitor.evaluate(*monitor.samples(painter, 8, None, "cpu"))
    assert first["variety"] == 0.0 and first["variety_ratio"] == 0.0
    assert first["warning"] == ""  # no trend yet
    second = monitor.evaluate(*monitor.samples(painter, 8, None, "cpu"))
    assert second["warning"].startswith("mode collapse? variety 0.00") and second["collapse"] == 1.0


def test_noise_that_changes_the_picture_is_measured_against_the_real_spread():
    monitor = _monitor(None)
    results = monitor.evaluate(*monitor.samples(Painter(use_noise=True), 8, None, "cpu"))
    assert results["variety_ratio"] > 0.25 and results["warning"] == ""
    images, requested = monitor.samples(Painter(use_noise=True), 8, None, "cpu")
    assert images.shape == (16, 3, 32, 32) and np.array_equal(requested, np.repeat(np.arange(4), 4))
