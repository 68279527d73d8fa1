"""models/text2image.py: progressive growing."""


def test_progressive_growing_fades_in_the_full_resolution(catalogue, tmp_path, monkeypatch):
    import torch

    from couturier.models.text2image import growth_alpha
    from couturier.presets import build_config
    from couturier.sampling import generate, load_generator
    from couturier.train import Trainer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert [growth_alpha(s, 4) for s in (0, 3, 4, 6, 8, 20)] == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]
    cfg = build_config({"model": {"name": "text2image", "width": 8, "z_dim": 16, "grow_steps": 2},
                        "data": {"dataset": str(catalogue), "resolution": 32},
                        "train": {"steps": 5, "batch_size": 8, "checkpoint_every": 5, "sample_every": 5}})
    trainer = Trainer(cfg, tmp_path / "grow", log=lambda _: None)
    z, text = torch.randn(2, 16), trainer.sampler.dataset.labels[:2]
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

