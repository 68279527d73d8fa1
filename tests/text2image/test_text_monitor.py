"""text2image/monitor.py: seeds of one description must differ; a generator that ignores its noise raises the alarm."""
from __future__ import annotations

import numpy as np
import torch

from couturier.text2image.monitor import TextMonitor, leading_clause


class Painter(torch.nn.Module):
    """A stand-in G: paints the whole picture in a colour from the text (and the noise, if asked)."""

    def __init__(self, use_noise: bool, broken_when: float | None = None):
        super().__init__()
        self.use_noise, self.broken_when = use_noise, broken_when

    def forward(self, z, text):
        colour = torch.tanh(text[:, :3] * 3)
        if self.use_noise:
            colour = torch.tanh(colour + z[:, :3])
        image = colour[:, :, None, None].expand(-1, 3, 32, 32).clone()
        image[:, :, 8:24, 8:24] = -colour[:, :, None, None] if self.use_noise else image[:, :, 8:24, 8:24]
        if self.broken_when is not None:  # the seeds whose first value is high draw a stripy mess
            broken = z[:, 0] > self.broken_when
            image[broken, :, ::2] = 1.0
            image[broken, :, 1::2] = -1.0
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
    return TextMonitor(tuple(texts), torch.from_numpy(np.stack(images)), encode, seed=0, descriptions=6)


def test_leading_clause_is_what_a_group_shares():
    assert leading_clause("Blue Tshirts for Men, Sports, Summer. Nike Sahara Jersey") == "blue tshirts for men"


def test_noise_ignored_is_zero_variety_and_raises_the_alarm_when_it_stays():
    monitor = _monitor(None)
    assert len(monitor.prompts) == 4 and monitor.real_spread > 0
    painter = Painter(use_noise=False)
    first = monitor.evaluate(*monitor.samples(painter, 8, None, "cpu"))
    assert first["variety"] < 1e-4 and first["variety_ratio"] < 1e-4 and first["variety_typical_ratio"] < 1e-4
    assert first["warning"] == ""  # no trend yet
    second = monitor.evaluate(*monitor.samples(painter, 8, None, "cpu"))
    assert second["warning"].startswith("mode collapse? seeds 0.00") and second["collapse"] == 1.0


def test_noise_that_changes_the_picture_is_measured_against_the_real_spread():
    monitor = _monitor(None)
    results = monitor.evaluate(*monitor.samples(Painter(use_noise=True), 8, None, "cpu"))
    assert results["variety_ratio"] > 0.4 and results["variety_typical_ratio"] > 0.4 and results["warning"] == ""
    images, requested = monitor.samples(Painter(use_noise=True), 8, None, "cpu")
    assert images.shape == (32, 3, 32, 32) and np.array_equal(requested, np.repeat(np.arange(4), 8))


def test_one_garment_per_description_with_a_broken_seed_raises_the_alarm_the_centre_distance_misses():
    """Seeds draw one picture per description, and the seed or two whose first value is high a
    broken one: the distance to the centre counts the broken draws as variety, the typical pair
    of seeds does not."""
    monitor = _monitor(None)
    painter = Painter(use_noise=False, broken_when=1.0)
    images, requested = monitor.samples(painter, 8, None, "cpu")
    broken = [int((images[requested == k].reshape(8, -1) != images[requested == k][0].reshape(1, -1)).any(1).sum())
              for k in range(4)]
    assert 0 < sum(broken) and max(broken) <= 2  # at most 2 of each description's 8 seeds are broken
    first = monitor.evaluate(images, requested)
    second = monitor.evaluate(images, requested)
    assert first["variety_ratio"] > 0.4 and second["variety_typical_ratio"] < 0.1
    assert second["collapse"] == 1.0


def test_a_log_from_before_the_typical_pair_gives_no_trend_yet():
    monitor = _monitor(None)
    monitor.previous = {"variety_ratio": 0.1}  # an evaluation logged by an older version, read on resume
    results = monitor.evaluate(*monitor.samples(Painter(use_noise=False), 8, None, "cpu"))
    assert results["variety_typical_ratio"] < 1e-4 and results["warning"] == ""
