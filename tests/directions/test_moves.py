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


def test_an_effect_is_measured_over_the_spread_it_is_given():
    """Samples that all hold the same words barely vary some judges: over their own spread a small
    move would look enormous, so a text run measures effects over its looks' spread instead."""
    z = torch.zeros(8, 4)  # every sample alike: no spread of their own
    judges = {"brightness": lambda x: x.mean((1, 2, 3)).numpy()}
    up = steer.Direction(np.eye(4, dtype=np.float32)[0], 1.0)
    own = steer.name_directions(Brightens(), [up], z, None, judges)[0].effect
    given = steer.name_directions(Brightens(), [steer.Direction(up.vector, 1.0)], z, None, judges,
                                  spread=np.array([0.5]))[0].effect
    assert own > 1e4 and 0.2 < given < 0.6  # a slope under 0.3 brightness a step, over a spread of 0.5


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
    never_falls, rises = steer.monotone_share(Brightens(), z, None, brightness, vector=up)
    assert never_falls == 1.0 and rises == 1.0
    never_falls, rises = steer.monotone_share(Brightens(wobble=0.5), z, None, brightness, vector=up)
    assert never_falls < 0.5  # sin(8 z0) turns several times between 0 and +3
    never_falls, rises = steer.monotone_share(Brightens(), z, None, brightness, vector=-up)
    assert never_falls == 0.0 and rises == 0.0


def test_a_walk_up_a_judge_raises_it_at_every_step_where_a_straight_line_turns():
    """The judge peaks where z0 = 1: a straight line through it rises then falls; a walk that
    follows the judge's gradient stops climbing at the peak and never falls."""
    class Peak(torch.nn.Module):
        def forward(self, z, y=None):
            return (-(z[:, :1] - 1.0) ** 2)[:, :, None, None].expand(-1, 1, 2, 2)

    log_p = lambda x: x[:, 0, 0, 0]  # noqa: E731  (the picture is its own log-probability)
    judge = lambda x: x[:, 0, 0, 0].exp().numpy()  # noqa: E731
    z = torch.zeros(20, 3)
    z[:, 1:] = torch.randn(20, 2, generator=torch.Generator().manual_seed(0))
    straight, _ = steer.monotone_share(Peak(), z, None, judge, vector=np.eye(3, dtype=np.float32)[0])
    walked, rises = steer.monotone_share(Peak(), z, None, judge, log_probability=log_p)
    assert straight == 0.0 and walked == 1.0 and rises == 1.0
    moved = steer.walk(Peak(), z, None, log_p, 0.5)
    assert torch.allclose(moved[:, 0], torch.full((20,), 0.5), atol=1e-5) and torch.equal(moved[:, 1:], z[:, 1:])


def test_on_a_trained_conditional_run_a_walk_up_a_class_raises_it_at_every_step_for_nearly_every_seed(
        conditional_run):
    from couturier import sampling
    from couturier.directions import runs

    loaded = sampling.load_generator(conditional_run)
    judges = steer.judges_for(1)
    held = runs.samples(loaded, 60, 1000)
    for judge in ("p(dress)", "p(sneaker)"):
        y = runs.of_class(loaded, judge, held.y, len(held.z))
        never_falls, rises = steer.monotone_share(loaded.generator, held.z, y, judges.one(judge),
                                                  log_probability=judges.gradients[judge])
        assert never_falls >= 0.9 and rises >= 0.9, (judge, never_falls, rises)
