"""models/mlp.py: the original design's dense GAN."""
import torch

from couturier.data.fashion_mnist import CLASS_NAMES
from couturier.models import get_model
from couturier.presets import build_config


def build_models(cfg, class_names=CLASS_NAMES):
    return get_model(cfg.model.name)(cfg, class_names).build()


def test_mlp_is_the_original_design():
    G, D = build_models(build_config({"model": {"name": "mlp"}}))
    linear = [m.out_features for m in G.modules() if isinstance(m, torch.nn.Linear)]
    assert linear == [256, 512, 1024, 784]
    norms = [m for m in G.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    assert all(abs(m.momentum - 0.2) < 1e-9 for m in norms) and len(norms) == 3
    assert [m.out_features for m in D.modules() if isinstance(m, torch.nn.Linear)] == [512, 256, 1]

