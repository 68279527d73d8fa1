import pytest
import torch

from couturier.config import build_config
from couturier.models import build_models, model_names
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


def test_registry_lists_models():
    assert {"mlp", "dcgan", "sngan"} <= set(model_names())
