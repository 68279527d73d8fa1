import numpy as np
import pytest
import torch

from couturier.data.fashion_mnist import CLASS_NAMES
from couturier.models import get_model, model_names
from couturier.presets import build_config


def build_models(cfg, class_names=CLASS_NAMES):
    return get_model(cfg.model.name)(cfg, class_names).build()
from couturier.models.layers import resolution_plan


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


def test_conditional_generator_depends_on_the_class():
    torch.manual_seed(0)
    G, _ = build_models(build_config({"model": {"name": "dcgan", "conditional": True, "width": 8}}))
    G.eval()
    z = torch.randn(1, 100).repeat(2, 1)
    a, b = G(z, torch.tensor([0, 9])).detach()
    assert (a - b).abs().mean() > 1e-3
    # a one-hot weight vector gives the same image as the index (used by class walks)
    one_hot = torch.nn.functional.one_hot(torch.tensor([0, 9]), 10).float()
    assert torch.allclose(G(z, one_hot), G(z, torch.tensor([0, 9])), atol=1e-5)


def test_mlp_is_the_original_design():
    G, D = build_models(build_config({"model": {"name": "mlp"}}))
    linear = [m.out_features for m in G.modules() if isinstance(m, torch.nn.Linear)]
    assert linear == [256, 512, 1024, 784]
    norms = [m for m in G.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    assert all(abs(m.momentum - 0.2) < 1e-9 for m in norms) and len(norms) == 3
    assert [m.out_features for m in D.modules() if isinstance(m, torch.nn.Linear)] == [512, 256, 1]


def test_sngan_discriminator_is_spectrally_normalised():
    _, D = build_models(build_config({"model": {"name": "sngan"}}))
    convs = [m for m in D.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(hasattr(m, "parametrizations") for m in convs)
    D.train()
    for _ in range(20):  # power iteration converges; largest singular value ~ 1
        D(torch.randn(2, 1, 28, 28))
    w = convs[1].weight.flatten(1)
    assert torch.linalg.matrix_norm(w.detach(), ord=2).item() == pytest.approx(1.0, abs=0.1)


def test_resolution_plan():
    assert resolution_plan(28) == (7, 2) and resolution_plan(64) == (4, 4) and resolution_plan(128) == (4, 5)
    with pytest.raises(ValueError, match="use 28, 32, 64 or 128"):
        resolution_plan(100)


def test_every_registered_model_trains_with_every_loss_saves_and_samples(tmp_path, fmnist_slice, catalogue,
                                                                        monkeypatch):
    """The contract a model file signs by registering: build, one step with each loss, a checkpoint
    that reloads, and sampling from it. New models are covered without editing this test."""
    from couturier.losses import loss_names
    from couturier.sampling import generate, load_generator, sample
    from couturier.train import Trainer
    from conftest import tiny_config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in model_names():
        for loss in loss_names():
            text = get_model(name).preset.get("model", {}).get("task") == "text2image"
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


def test_registry_finds_a_new_file_without_an_import_list(tmp_path, monkeypatch):
    from couturier.registry import Registry

    package = tmp_path / "plugins"
    package.mkdir()
    (package / "__init__.py").write_text("from couturier.registry import Registry\nTHINGS = Registry('thing', 'plugins')\n")
    for name in ("alpha", "beta"):
        (package / f"{name}.py").write_text(f"from plugins import THINGS\nTHINGS.register('{name}')(object())\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import plugins

    assert isinstance(plugins.THINGS, Registry) and plugins.THINGS.names() == ["alpha", "beta"]
    with pytest.raises(ValueError, match="valid things: alpha, beta"):
        plugins.THINGS.get("gamma")
