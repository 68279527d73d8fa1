"""models/base.py: the contract every registered model signs."""
import numpy as np
import pytest
import torch

from couturier.data.fashion_mnist import CLASS_NAMES
from couturier.models import get_model, model_names
from couturier.presets import build_config


def build_models(cfg, class_names=CLASS_NAMES):
    return get_model(cfg.model.name)(cfg, class_names).build()


@pytest.mark.parametrize("name", ["mlp", "dcgan", "sngan"])
@pytest.mark.parametrize("conditional", [False, True])
@pytest.mark.parametrize("resolution, channels", [(28, 1), (32, 3)])
def test_shapes_for_every_model(name, conditional, resolution, channels):
    torch.manual_seed(0)
    cfg = build_config({"model": {"name": name, "conditional": conditional, "width": 8},
                        "data": {"dataset": "folder", "resolution": resolution, "channels": channels}})
    G, D = build_models(cfg)
    z = torch.randn(4, cfg.model.z_dim)
    y = torch.tensor([0, 3, 9, 1]) if conditional else None
    images = G(z, y)
    assert images.shape == (4, channels, resolution, resolution)
    assert images.min() >= -1 and images.max() <= 1
    logits = D(images, y)
    assert logits.shape == (4,) and torch.isfinite(logits).all()


def test_every_registered_model_trains_with_every_loss_saves_and_samples(tmp_path, fmnist_slice, catalogue,
                                                                        monkeypatch):
    """The contract a model file signs by registering: build, one step with each loss, a checkpoint
    that reloads, and sampling from it. New models are covered without editing this test."""
    from conftest import tiny_config

    from couturier.losses import loss_names
    from couturier.sampling import generate, load_generator, sample
    from couturier.train import Trainer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in model_names():
        for loss in loss_names():
            text = get_model(name).reads_prompts
            data = {"dataset": str(catalogue), "resolution": 32, "channels": 3} if text else None
            cfg = tiny_config(name, data=data, loss=loss, steps=1, batch_size=8, checkpoint_every=1)
            run = tmp_path / f"{name}-{loss}"
            row = Trainer(cfg, run, dataset=None if text else fmnist_slice, log=lambda _: None).fit(progress=False)
            assert row["step"] == 1 and torch.isfinite(torch.tensor([row["loss_d"], row["loss_g"]])).all()
            loaded = load_generator(run)
            if text:
                images = generate(loaded, ["Red Dresses for Women"], n=2)
                assert images.shape == (2, 3, 32, 32)
            else:
                images, _ = sample(loaded, n=3)
                assert images.shape == (3, 1, 28, 28) and images.dtype == np.uint8

