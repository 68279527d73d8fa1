"""models/sngan.py."""
import pytest
import torch

from couturier.data.fashion_mnist import CLASS_NAMES
from couturier.models import get_model
from couturier.presets import build_config


def build_models(cfg, class_names=CLASS_NAMES):
    return get_model(cfg.model.name)(cfg, class_names).build()


def test_sngan_discriminator_is_spectrally_normalised():
    _, D = build_models(build_config({"model": {"name": "sngan"}}))
    convs = [m for m in D.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(hasattr(m, "parametrizations") for m in convs)
    D.train()
    for _ in range(20):  # power iteration converges; largest singular value ~ 1
        D(torch.randn(2, 1, 28, 28))
    w = convs[1].weight.flatten(1)
    assert torch.linalg.matrix_norm(w.detach(), ord=2).item() == pytest.approx(1.0, abs=0.1)

