"""The feature network for Fashion-MNIST metrics: a compact CNN classifier trained on the
training set by `scripts/train_feature_net.py` and shipped with the package.

Inception features fit 28x28 grayscale garments poorly and Inception weights cannot be
downloaded here, so FID and friends are computed in this network's 256-d penultimate
layer, and its softmax gives the class histogram and classifier score.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

WEIGHTS = Path(__file__).with_name("weights") / "fashion_classifier.safetensors"
# Checked on every load, so a damaged or swapped file is an error rather than wrong metrics.
WEIGHTS_SHA256 = "63901a29035c3a30019743a13f28b8568b0e91efbf66cb223545d95308f5cc11"


class FeatureNetError(RuntimeError):
    """The feature network's weights are missing or fail their checksum."""


class FashionClassifier(nn.Module):
    feature_dim = 256

    def __init__(self, num_classes: int = 10):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.body = nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2),
                                  *block(32, 64), *block(64, 64), nn.MaxPool2d(2), nn.Flatten())
        self.embed = nn.Linear(64 * 7 * 7, self.feature_dim)
        self.head = nn.Sequential(nn.BatchNorm1d(self.feature_dim), nn.ReLU(inplace=True), nn.Dropout(0.3),
                                  nn.Linear(self.feature_dim, num_classes))

    def features_and_logits(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x in [-1, 1], (N, 1, 28, 28) -> (256-d features, class logits)."""
        features = self.embed(self.body(x))
        return features, self.head(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features_and_logits(x)[1]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_fashion_classifier(path: str | Path | None = None, expected_sha256: str | None = None) -> FashionClassifier:
    """Load the shipped classifier (checksum verified), or one at `path`."""
    path = Path(path) if path else WEIGHTS
    expected = expected_sha256 if expected_sha256 is not None else (WEIGHTS_SHA256 if path == WEIGHTS else None)
    if not path.is_file():
        raise FeatureNetError(f"feature network weights {path} not found; "
                              f"reinstall couturier or run scripts/train_feature_net.py")
    if expected and sha256_of(path) != expected:
        raise FeatureNetError(f"{path} fails its SHA-256 check; reinstall couturier or rerun "
                              f"scripts/train_feature_net.py")
    model = FashionClassifier()
    model.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    return model.eval().requires_grad_(False)


@torch.no_grad()
def extract(model: FashionClassifier, images: np.ndarray, batch_size: int = 1000,
            device: str = "cpu") -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, 1, 28, 28) or (N, 28, 28) -> (features float32 (N, 256), probabilities (N, 10))."""
    if images.ndim == 3:
        images = images[:, None]
    model = model.to(device)
    features, probs = [], []
    for start in range(0, len(images), batch_size):
        x = torch.tensor(images[start:start + batch_size], dtype=torch.float32, device=device).div_(127.5).sub_(1.0)
        f, logits = model.features_and_logits(x)
        features.append(f.float().cpu())
        probs.append(torch.softmax(logits.float(), dim=1).cpu())
    return torch.cat(features).numpy(), torch.cat(probs).numpy()
