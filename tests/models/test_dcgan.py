"""models/dcgan.py."""
import torch

from couturier.data.fashion_mnist import CLASS_NAMES
from couturier.models import get_model
from couturier.presets import build_config


def build_models(cfg, class_names=CLASS_NAMES):
    return get_model(cfg.model.name)(cfg, class_names).build()


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

