"""Feature networks for the metrics.

The default is a compact CNN classifier trained on the Fashion-MNIST training set by
`scripts/train_feature_net.py` and shipped with the package: Inception features fit 28x28
grayscale garments poorly and Inception weights cannot be downloaded here, so FID and friends
are computed in this network's 256-d penultimate layer, and its softmax gives the class
histogram and classifier score. `load_feature_net` also takes Inception-v3 weights the user
supplies (to compare with published FIDs) and any TorchScript or ONNX network.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

from couturier.errors import FeatureNetError, SampleError
from couturier.fileio import sha256_file

WEIGHTS = Path(__file__).with_name("weights") / "fashion_classifier.safetensors"
# Checked on every load, so a damaged or swapped file is an error rather than wrong metrics.
WEIGHTS_SHA256 = "63901a29035c3a30019743a13f28b8568b0e91efbf66cb223545d95308f5cc11"



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
    return sha256_file(path)


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
    with torch.random.fork_rng(devices=[]):  # its overwritten random init must not move a run's seeded stream
        model = FashionClassifier()
    model.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    return model.eval().requires_grad_(False)


@dataclass
class FeatureNet:
    """A feature network as the metrics see it.

    `embed` maps a float batch in [-1, 1] shaped (N, 1, 28, 28) to features (N, D), or to
    (features, logits). `fashion_classes` says whether its logits are the ten Fashion-MNIST
    classes; when they are not, class statistics come from the shipped classifier."""

    name: str
    cache_id: str  # names its cached reference statistics
    embed: Callable[[torch.Tensor], torch.Tensor | tuple[torch.Tensor, torch.Tensor]]
    fashion_classes: bool = False
    batch_size: int = 1000
    input_shape: tuple[int, int, int] | None = None  # (C, H, W) it judges; None: whatever it is given
    attribute_judge: object | None = None  # an AttributeJudge, for the attribute-match metric

    def check(self, images: np.ndarray) -> None:
        """Refuse images of another shape than the network judges (resized images are not comparable)."""
        shape = images.shape[1:] if images.ndim == 4 else (1, *images.shape[1:])
        if self.input_shape is not None and tuple(shape) != self.input_shape:
            c, h, w = self.input_shape
            raise SampleError(f"the {self.name} features judge {h}x{w} images with {c} channel(s), got "
                              f"{tuple(shape)}; for catalogue images use the features of an attribute "
                              f"classifier (attributes:FILE) or a network of your own", field="features")

    @torch.no_grad()
    def extract(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """uint8 (N, C, H, W) (or (N, 28, 28)) -> (features float32 (N, D), class probabilities or None)."""
        if images.ndim == 3:
            images = images[:, None]
        features, probs = [], []
        for start in range(0, len(images), self.batch_size):
            x = torch.tensor(images[start:start + self.batch_size], dtype=torch.float32).div_(127.5).sub_(1.0)
            out = self.embed(x)
            f, logits = out if isinstance(out, (tuple, list)) else (out, None)
            features.append(f.float().reshape(len(x), -1).cpu())
            if logits is not None and self.fashion_classes:
                probs.append(torch.softmax(logits.float(), dim=1).cpu())
        return torch.cat(features).numpy(), (torch.cat(probs).numpy() if probs else None)


FEATURE_CHOICES = ("fashion (default), FILE.safetensors (the same classifier retrained), "
                   "inception:FILE (Inception-v3 weights, torchvision or pytorch-fid layout), "
                   "attributes:FILE (a catalogue's attribute classifier, for RGB catalogue images), "
                   "FILE.pt / FILE.ts (TorchScript), FILE.pt2 (torch.export) or FILE.onnx")


CODE_FORMATS = {".pt": "TorchScript", ".ts": "TorchScript", ".pth": "TorchScript", ".pt2": "torch.export"}


def load_feature_net(name: str = "fashion", trust_code: bool = False) -> FeatureNet:
    """A feature network by name: see FEATURE_CHOICES."""
    if name == "fashion":
        return _classifier_net(WEIGHTS)
    if name.startswith("inception:"):
        from couturier.metrics.inception import load_inception

        path = _existing(name.split(":", 1)[1])
        return FeatureNet("inception-v3", "inception-" + sha256_of(path)[:16], load_inception(path), batch_size=100,
                          input_shape=(1, 28, 28))
    if name.startswith("attributes:"):
        return _attribute_net(_existing(name.split(":", 1)[1]))
    path = Path(name)
    if path.suffix in CODE_FORMATS and not trust_code:
        # TorchScript runs the file's own code, and a torch.export archive holds pickles: loading
        # either runs whatever its author put there. safetensors and ONNX files hold no code.
        raise FeatureNetError(f"{name} is a {CODE_FORMATS[path.suffix]} file, and loading one runs code from "
                              f"the file; allow it (trust_code) only for files you made or trust, or export "
                              f"the network to ONNX", field="trust_code")
    if path.suffix == ".safetensors":
        return _classifier_net(_existing(name))
    if path.suffix in (".pt", ".ts", ".pth"):
        try:
            module = torch.jit.load(str(_existing(name)), map_location="cpu").eval()
        except RuntimeError as exc:
            raise FeatureNetError(f"{name} is not a TorchScript file ({str(exc).splitlines()[0][:120]}); "
                                  f"save one with torch.jit.script(net).save(path)") from exc
        return FeatureNet(f"torchscript:{path.name}", "ts-" + sha256_of(path)[:16], module)
    if path.suffix == ".pt2":  # torch.export's format, TorchScript's successor
        try:
            module = torch.export.load(str(_existing(name))).module()
        except Exception as exc:  # export archives fail in several ways; one line for all
            raise FeatureNetError(f"{name} is not a torch.export archive ({str(exc).splitlines()[0][:120]})") from exc
        return FeatureNet(f"export:{path.name}", "pt2-" + sha256_of(path)[:16], module)
    if path.suffix == ".onnx":
        return FeatureNet(f"onnx:{path.name}", "onnx-" + sha256_of(_existing(name))[:16], _onnx_embed(path))
    raise FeatureNetError(f"unknown feature network {name!r}; use {FEATURE_CHOICES}")


def _existing(path: str) -> Path:
    if not Path(path).is_file():
        raise FeatureNetError(f"feature network file {path} not found")
    return Path(path)


def _classifier_net(path: Path) -> FeatureNet:
    model = load_fashion_classifier(path)
    cache_id = sha256_of(path)[:16]
    return FeatureNet("fashion" if path == WEIGHTS else path.name, cache_id, model.features_and_logits,
                      fashion_classes=True, input_shape=(1, 28, 28))


def _attribute_net(path: Path) -> FeatureNet:
    """The attribute classifier of a catalogue (couturier.metrics.attributes): its penultimate layer
    as the feature space, and its heads for the attribute-match metric."""
    from couturier.metrics.attributes import load_attribute_judge

    judge = load_attribute_judge(path)
    return FeatureNet(f"attributes:{path.name}", "attr-" + sha256_of(path)[:16], judge.embed, batch_size=500,
                      attribute_judge=judge)


def _onnx_embed(path: Path) -> Callable[[torch.Tensor], torch.Tensor]:
    try:
        import onnxruntime
    except ModuleNotFoundError as exc:
        raise FeatureNetError("ONNX feature networks need onnxruntime: pip install 'couturier[onnx]'") from exc
    try:
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types for bad files
        raise FeatureNetError(f"{path} is not a readable ONNX model ({str(exc).splitlines()[0][:120]})") from exc
    input_name = session.get_inputs()[0].name

    def embed(x: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(session.run(None, {input_name: x.numpy()})[0])

    return embed
