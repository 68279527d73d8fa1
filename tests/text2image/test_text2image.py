"""text2image/models/text2image.py: progressive growing, the reconstruction term."""
import pytest
import torch


def test_progressive_growing_fades_in_the_full_resolution(catalogue, tmp_path, monkeypatch):
    from couturier.presets import build_config
    from couturier.sampling import generate, load_generator
    from couturier.text2image.models.text2image import growth_alpha
    from couturier.train import Trainer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert [growth_alpha(s, 4) for s in (0, 3, 4, 6, 8, 20)] == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]
    cfg = build_config({"model": {"name": "text2image", "width": 8, "z_dim": 16, "options": {"grow_steps": 2}},
                        "data": {"dataset": str(catalogue), "resolution": 32},
                        "train": {"steps": 5, "batch_size": 8, "checkpoint_every": 5, "sample_every": 5}})
    trainer = Trainer(cfg, tmp_path / "grow", log=lambda _: None)
    z, text = torch.randn(2, 16), trainer.sampler.dataset.labels[:2, :trainer.model.encoder.dim]  # ids follow
    trainer.G.eval()
    trainer.G.set_alpha(0.0)
    half = trainer.G(z, text)
    assert half.shape == (2, 3, 32, 32) and torch.equal(half[:, :, ::2, ::2], half[:, :, 1::2, 1::2])  # upsampled
    trainer.G.set_alpha(1.0)
    assert not torch.equal(trainer.G(z, text)[:, :, ::2, ::2], trainer.G(z, text)[:, :, 1::2, 1::2])
    trainer.G.train()
    trainer.fit(progress=False)
    loaded = load_generator(tmp_path / "grow")
    assert float(loaded.generator.alpha) == growth_alpha(4, 2) == 1.0  # the checkpoint carries the fade
    assert generate(loaded, ["Red Dresses for Women"], n=2).shape == (2, 3, 32, 32)



def test_upsample_generator_draws_without_a_checkerboard_and_its_coarse_map_gates_the_fine_one():
    import torch

    from couturier.layers import UpsampleGenerator
    from couturier.text2image.networks import TextBatchNorm

    torch.manual_seed(0)
    body = UpsampleGenerator(24, 3, 64, 4, make_norm=lambda ch: TextBatchNorm(ch, 8))
    z, code = torch.randn(4, 24), torch.randn(4, 8)
    h = body.features(z, code)
    assert h.shape == (4, 8, 32, 32) and body.to_image(h).shape == (4, 3, 64, 64)
    assert not any(isinstance(m, torch.nn.ConvTranspose2d) and m.stride == (2, 2) for m in body.modules())
    gates = []
    body.excite.body[-1].register_forward_hook(lambda _m, _i, out: gates.append(out))
    body.features(z, code)
    assert gates[0].shape == (4, 8, 1, 1) and 0 < gates[0].min() and gates[0].max() < 1


def test_conditioning_augmentation_lets_descriptions_differ_as_much_as_its_noise():
    """Unit-length text embeddings are scaled up: the code's mean must move between descriptions
    by about as much as the training noise (std 1), or G learns to ignore the words."""
    import torch.nn.functional as F

    from couturier.text2image.networks import ConditioningAugmentation

    torch.manual_seed(0)
    augment = ConditioningAugmentation(384, 64)
    texts = F.normalize(torch.randn(32, 384), dim=1)
    mu, _ = augment(texts, torch.zeros(32, 64))  # no noise: the code's mean
    assert mu.std(dim=0).mean() > 0.3


def test_rows_score_one_pass_over_the_images_under_several_descriptions():
    """D(x, y, rows) == D(x[rows], y): the trainer judges a real batch with its own and with
    mismatched descriptions from one pass over it (plain and growing D)."""
    import torch

    from couturier.text2image.networks import GrowingTextDiscriminator, TextDiscriminator

    torch.manual_seed(0)
    images, text = torch.randn(3, 3, 32, 32), torch.randn(6, 12)
    rows = torch.tensor([0, 1, 2, 2, 0, 1])
    for D in (TextDiscriminator(3, 32, 4, 12), GrowingTextDiscriminator(3, 32, 4, 12)):
        D.eval()  # spectral norm's power iteration would move the weights between the two calls
        if hasattr(D, "set_alpha"):
            D.set_alpha(0.5)
        with torch.no_grad():
            assert torch.allclose(D(images, text, rows), D(images[rows], text), atol=1e-5)


def test_nearest_reconstruction_pulls_only_the_closer_seed_of_each_pair(catalogue):
    from conftest import tiny_config

    from couturier.errors import ConfigError
    from couturier.models.registry import get_model
    from couturier.text2image.terms.reconstruction import Reconstruction

    cfg = tiny_config("text2image", data={"dataset": str(catalogue), "resolution": 16, "channels": 3})
    cfg = cfg.replace("model", options={"reconstruction_weight": 1.0, "variety_weight": 1.0})
    real = torch.zeros(4, 3, 16, 16)  # photos 0 and 1 pair with fakes 0, 2 and 1, 3
    fake = torch.tensor([0.1, 0.2, 0.5, 0.05])[:, None, None, None].expand(4, 3, 16, 16).clone().requires_grad_()
    (both_term,) = [t for t in get_model("text2image")(cfg, encoder=None).objective_terms() if isinstance(t, Reconstruction)]
    both = both_term.loss(fake, real)
    assert torch.isclose(both, torch.tensor(0.85 / 4))
    nearest = get_model("text2image")(cfg.replace("model", options={"reconstruction_nearest": True}), encoder=None)
    (nearest_term,) = [t for t in nearest.objective_terms() if isinstance(t, Reconstruction)]
    loss = nearest_term.loss(fake, real)
    assert torch.isclose(loss, torch.tensor((0.1 + 0.05) / 2))
    loss.backward()
    pulled = fake.grad.flatten(1).abs().sum(dim=1) > 0
    assert pulled.tolist() == [True, False, False, True]  # 0.1 beats 0.5, 0.05 beats 0.2
    with pytest.raises(ConfigError, match="variety_weight above 0"):
        cfg.replace("model", options={"variety_weight": 0.0, "reconstruction_nearest": True})


def test_sampling_takes_the_conditioning_noise_from_the_seed():
    from couturier.text2image.networks import CODE_DIM, TextGenerator, code_noise

    torch.manual_seed(0)
    generator = TextGenerator(z_dim=80, text_dim=8, channels=3, resolution=32, width=4, code_spread=0.5).eval()
    z, text = torch.randn(3, 80), torch.randn(1, 8).repeat(3, 1)
    assert torch.equal(code_noise(z, 1.0), z[:, :CODE_DIM])
    with torch.no_grad():
        sampled = generator(z, text)
        trained, _ = generator(z, text, 0.5 * z[:, :CODE_DIM])
        at_the_mean, _ = generator(z, text, torch.zeros(3, CODE_DIM))
        generator.code_spread = 0.0
        spread_0 = generator(z, text)
    assert torch.allclose(sampled, trained)  # the seed fixes the image, code noise included
    assert not torch.allclose(sampled, at_the_mean, atol=1e-3)
    assert torch.allclose(spread_0, at_the_mean)
    short = torch.randn(2, 10)  # a noise shorter than the code: the rest of the code noise is 0
    assert torch.equal(code_noise(short, 1.0), torch.cat([short, torch.zeros(2, CODE_DIM - 10)], dim=1))
