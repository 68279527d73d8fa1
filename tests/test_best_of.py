"""Best of K: D's favourite of K draws, on toy networks and on real runs."""
import numpy as np
import pytest
import torch
from conftest import run_cli

from couturier import load_generator, sample
from couturier.best_of import check_best_of, draw_best, realism
from couturier.config import ConfigError
from couturier.sampling import candidates, generate, generate_each


class Brightness(torch.nn.Module):
    """A toy D that likes bright pictures, with an auxiliary output after its logit."""

    def forward(self, x, y):
        return torch.stack([x.mean(dim=(1, 2, 3)), torch.zeros(len(x))], dim=1)


def test_the_brightest_of_each_rows_draws_is_kept():
    z = torch.tensor([[[0.1], [0.9], [0.5]], [[-0.3], [-0.8], [-0.1]]])  # 2 pictures, 3 draws each
    generator = lambda z, y: z[:, :, None, None].expand(-1, 1, 2, 2)  # noqa: E731
    kept = draw_best(generator, Brightness(), z, None)
    assert kept[:, 0, 0, 0].tolist() == pytest.approx([0.9, -0.1])
    assert draw_best(generator, None, z[:, :1], None)[:, 0, 0, 0].tolist() == pytest.approx([0.1, -0.3])  # K=1: no D


def test_bad_best_of_is_refused_in_one_line():
    for bad in (0, -1, 65, 2.5, True):
        with pytest.raises(ConfigError, match="best_of must be a whole number from 1 to 64"):
            check_best_of(bad, torch.nn.Identity())
    with pytest.raises(ConfigError, match="holds only G; use best_of 1") as caught:
        check_best_of(2, None)
    assert caught.value.field == "best_of"
    assert check_best_of(1, None) == 1


def test_a_class_run_keeps_the_draw_its_own_d_scores_highest(conditional_run):
    loaded = load_generator(conditional_run)
    assert loaded.critic is not None  # the run's D is loaded with G
    plain, _ = sample(loaded, n=10, seed=3)
    assert np.array_equal(plain, sample(loaded, n=10, seed=3, best_of=1)[0])  # best_of 1 is G's draw
    best, labels = sample(loaded, n=10, seed=3, best_of=4)
    z = candidates(10, loaded.config.model.z_dim, 3, best_of=4)
    y = torch.as_tensor(labels).repeat_interleave(4)
    with torch.no_grad():
        drawn = loaded.generator(z.reshape(40, -1), y)
        scores = realism(loaded.critic, drawn, y).reshape(10, 4)
    expected = ((drawn.reshape(10, 4, *drawn.shape[1:])[torch.arange(10), scores.argmax(1)] + 1) * 127.5)
    assert np.abs(best.astype(float) - expected.round().numpy()).max() <= 1
    assert not np.array_equal(best, plain)
    loaded.critic = None  # a checkpoint that holds only G
    with pytest.raises(ConfigError, match="holds only G"):
        sample(loaded, n=2, best_of=2)


def test_text_runs_rank_draws_for_their_own_words(catalogue, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = tmp_path / "run"
    code, _, err = run_cli(monkeypatch, capsys, "train", "--task", "text2image", "--data", catalogue, "--size", "32",
                           "--width", "8", "--z-dim", "16", "--steps", "3", "--batch-size", "8", "--out", run,
                           "--no-progress")
    assert code == 0, err
    loaded = load_generator(run)
    # the task's default: the projected D, whose frozen features rank the draws
    assert (loaded.config.model.name, loaded.config.model.options.text_encoder) == ("projected-text2image", "sentence")
    prompts = ["Red Dresses for Women", "Blue Shirts for Men"]
    once, best = generate(loaded, prompts, n=3, best_of=1), generate(loaded, prompts, n=3, best_of=4)
    assert best.shape == once.shape and not np.array_equal(best, once)
    assert generate_each(loaded, prompts, best_of=4).shape == (2, 3, 32, 32)
    # `couturier generate` gives G's raw draws unless asked for best-of
    for name, extra in (("default.png", ()), ("four.png", ("--best-of", "4")), ("one.png", ("--best-of", "1"))):
        code, _, err = run_cli(monkeypatch, capsys, "generate", run, *prompts, "--n", "3", "--out", tmp_path / name,
                               *extra)
        assert code == 0, err
    read = lambda name: (tmp_path / name).read_bytes()  # noqa: E731
    assert read("default.png") == read("one.png") != read("four.png")
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "red dress", "--best-of", "0",
                           "--out", tmp_path / "bad.png")
    assert code == 2 and "--best-of" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bad.png").exists()
