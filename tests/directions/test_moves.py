"""couturier/directions/moves.py: naming a direction, InterFaceGAN's attribute directions, monotonicity."""
import numpy as np
import torch

from couturier import directions as steer


class Brightens(torch.nn.Module):
    """Brightness follows z0 + z1 (through tanh, so it saturates)."""

    def __init__(self, gain: float = 0.3, wobble: float = 0.0):
        super().__init__()
        self.gain, self.wobble = gain, wobble

    def forward(self, z, y=None):
        level = (z[:, :1] + z[:, 1:2]) * self.gain + self.wobble * torch.sin(8 * z[:, :1])
        return torch.tanh(level[:, :, None, None].expand(-1, 1, 8, 8))


def test_a_direction_is_named_by_the_judge_that_moves_most_along_it():
    z = torch.randn(16, 4, generator=torch.Generator().manual_seed(0))
    judges = {"brightness": lambda x: x.mean((1, 2, 3)).numpy(), "noise": lambda x: np.zeros(len(x))}
    found = steer.name_directions(Brightens(), [steer.Direction(np.eye(4, dtype=np.float32)[0], 1.0)], z, None,
                                  judges)
    assert found[0].name == "more brightness" and found[0].effect > 0.4 and found[0].entanglement < 0.01
    darker = steer.name_directions(Brightens(), [steer.Direction(-np.eye(4, dtype=np.float32)[1], 1.0)], z, None,
                                   judges)
    assert darker[0].name == "less brightness"


def test_judges_of_one_network_are_scored_in_one_pass():
    calls = []

    def both(x):
        calls.append(len(x))
        return np.stack([x.mean((1, 2, 3)).numpy(), -x.mean((1, 2, 3)).numpy()])

    judges = steer.Judges()
    judges.add(["light", "dark"], both)
    scores = judges.score(torch.zeros(5, 1, 4, 4) + 0.5)
    assert scores.shape == (2, 5) and calls == [5] and np.allclose(scores[1], -0.5)
    assert np.allclose(judges.one("dark")(torch.ones(2, 1, 4, 4)), -1) and "light" in judges


def test_an_attribute_direction_is_the_svms_normal_and_keeps_what_it_is_told_to():
    z = torch.randn(400, 6, generator=torch.Generator().manual_seed(0))
    brightness = lambda x: x.mean((1, 2, 3)).numpy()  # noqa: E731
    found = steer.attribute_direction(Brightens(), z, None, brightness)
    assert abs(np.linalg.norm(found) - 1) < 1e-5 and found[0] > 0.6 and found[1] > 0.6  # along z0 + z1
    kept = steer.attribute_direction(Brightens(), z, None, brightness, keep=[np.eye(6, dtype=np.float32)[0]])
    assert abs(kept[0]) < 1e-5 and kept[1] > 0.95  # z0 held still: only z1 moves the brightness


def test_monotone_share_tells_a_steady_rise_from_a_wobble():
    z = torch.randn(200, 6, generator=torch.Generator().manual_seed(1))
    brightness = lambda x: x.mean((1, 2, 3)).numpy()  # noqa: E731
    up = np.eye(6, dtype=np.float32)[0]
    never_falls, rises = steer.monotone_share(Brightens(), z, None, up, brightness)
    assert never_falls == 1.0 and rises == 1.0
    never_falls, rises = steer.monotone_share(Brightens(wobble=0.5), z, None, up, brightness)
    assert never_falls < 0.5  # sin(8 z0) turns several times between 0 and +3
    never_falls, rises = steer.monotone_share(Brightens(), z, None, -up, brightness)
    assert never_falls == 0.0 and rises == 0.0
