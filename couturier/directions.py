"""Directions in a generator's latent space a designer can steer by, named by what they change.

SeFa (Shen & Zhou, CVPR 2021): the unit directions of z that move the first layer's output most are
the top eigenvectors of AᵀA, A the weight of the layer that acts on z with its columns normalised.
Closed form: no sampling, a fraction of a second. Each direction is then named by what it
measurably changes: samples moved along it from -3 to +3 (z's standard deviation is 1) are scored
by judges, and the judge whose score moves most for its spread across the samples names it, with
the sign ("more ink", "less p(Trouser)"). The other judges' moves are its entanglement.

Judges: for Fashion-MNIST runs, the shipped classifier's class probabilities and simple shape
measures (brightness, ink area, width, height of what is drawn); for colour runs, brightness and the
CIELab a* (green to red) and b* (blue to yellow) of the garment, and its width and height.
Hand-written: SeFa is one eigendecomposition (torch.linalg.eigh), and no library measures these.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from couturier.errors import ConfigError

STEPS = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)  # how far samples are moved along a direction (z's std is 1)
INK = -0.8  # a pixel in [-1, 1] above this on a Fashion-MNIST picture (black background) is drawn
PAPER = 0.9  # a colour picture's pixel whose three channels are all above this (in [-1, 1]) is background


@dataclass
class Direction:
    vector: np.ndarray  # (z_dim,), unit length
    strength: float  # SeFa's eigenvalue: how much the first layer moves along it
    name: str = ""  # the judge that moves most, with its sign
    effect: float = 0.0  # that judge's change per unit step, over its spread across samples
    entanglement: float = 0.0  # the other judges' mean |change per unit step| over their spreads
    effects: dict[str, float] | None = None  # every judge's change per unit step, over its spread


def latent_weight(generator: torch.nn.Module) -> torch.Tensor:
    """(features, z_dim): the weight of the generator's layer that acts on z."""
    weight = getattr(generator, "latent_weight", None)
    if weight is None:
        raise ConfigError(f"{type(generator).__name__} does not say which layer acts on z; directions need a "
                          "dcgan, sngan or mlp run", field="run")
    return weight().detach().float().cpu()


def sefa(weight: torch.Tensor, k: int) -> list[Direction]:
    """The k directions of z that move the layer most, strongest first (orthonormal)."""
    if not 1 <= k <= weight.shape[1]:
        raise ConfigError(f"ask for 1 to {weight.shape[1]} directions (the run's z has {weight.shape[1]}), "
                          f"not {k}", field="k")
    columns = weight / weight.norm(dim=0, keepdim=True).clamp_min(1e-12)
    values, vectors = torch.linalg.eigh((columns.T @ columns).double())
    order = torch.argsort(values, descending=True)[:k]
    return [Direction(vectors[:, i].float().numpy(), float(values[i])) for i in order]


def judges_for(channels: int) -> dict[str, Callable[[torch.Tensor], np.ndarray]]:
    """Scores of images in [-1, 1], (N, C, H, W) -> (N,), by name."""
    if channels == 1:
        from couturier.data.fashion_mnist import CLASS_NAMES
        from couturier.metrics.features import load_fashion_classifier

        classifier = load_fashion_classifier().eval()

        def probability(index: int) -> Callable[[torch.Tensor], np.ndarray]:
            def judge(images: torch.Tensor) -> np.ndarray:
                with torch.no_grad():
                    small = torch.nn.functional.interpolate(images, size=(28, 28), mode="area")
                    return classifier(small).softmax(1)[:, index].numpy()
            return judge

        drawn = lambda x: x[:, 0] > INK  # noqa: E731
        judges = {f"p({name})": probability(i) for i, name in enumerate(CLASS_NAMES)}
    else:
        drawn = lambda x: ~(x > PAPER).all(1)  # noqa: E731
        judges = {"a* (green to red)": lambda x: _lab(x)[..., 1], "b* (blue to yellow)": lambda x: _lab(x)[..., 2]}
    judges.update({"brightness": lambda x: x.mean((1, 2, 3)).numpy(),
                   "ink area": lambda x: drawn(x).float().mean((1, 2)).numpy(),
                   "width": lambda x: drawn(x).any(1).float().mean(1).numpy(),
                   "height": lambda x: drawn(x).any(2).float().mean(1).numpy()})
    return judges


def _lab(images: torch.Tensor) -> np.ndarray:
    """(N, 3): each picture's mean CIELab over what is drawn (scikit-image's conversion)."""
    from skimage.color import rgb2lab

    rgb = ((images.permute(0, 2, 3, 1).numpy() + 1) / 2).clip(0, 1)
    out = []
    for picture in rgb:
        drawn = ~(picture > (PAPER + 1) / 2).all(-1)
        lab = rgb2lab(picture)
        out.append(lab[drawn].mean(0) if drawn.any() else lab.reshape(-1, 3).mean(0))
    return np.array(out)


def move(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None, moves: list[tuple[np.ndarray, float]]
         ) -> torch.Tensor:
    """G's pictures of z moved by each (direction, strength), in [-1, 1]."""
    shifted = z.clone()
    for vector, strength in moves:
        shifted += strength * torch.as_tensor(vector, dtype=z.dtype)
    with torch.no_grad():
        return generator(shifted, y).float().cpu()


def name_directions(generator: torch.nn.Module, directions: list[Direction], z: torch.Tensor,
                    y: torch.Tensor | None, judges: dict[str, Callable]) -> list[Direction]:
    """Each direction named by the judge that moves most along it (slope over spread across z)."""
    for direction in directions:
        moved = [move(generator, z, y, [(direction.vector, step)]) for step in STEPS]  # drawn once a step
        scores = np.stack([np.stack([judge(images) for judge in judges.values()]) for images in moved])
        means = scores.mean(2)
        slope = np.polyfit(np.array(STEPS), means, 1)[0]  # per judge: change per unit step
        spread = scores[STEPS.index(0.0)].std(1) + 1e-6
        normalised = slope / spread
        best = int(np.argmax(np.abs(normalised)))
        direction.effects = {name: round(float(v), 4) for name, v in zip(judges, normalised)}
        direction.name = f"{'more' if slope[best] > 0 else 'less'} {list(judges)[best]}"
        direction.effect = float(abs(normalised[best]))
        others = np.delete(np.abs(normalised), best)
        direction.entanglement = float(others.mean()) if others.size else 0.0
    return directions


SHARE = 0.3  # InterFaceGAN's split: the samples the judge scores highest and lowest, this share each


def attribute_direction(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None,
                        judge: Callable[[torch.Tensor], np.ndarray], keep: list[np.ndarray] = ()) -> np.ndarray:
    """InterFaceGAN (Shen et al. 2020): the unit normal of a linear SVM (scikit-learn) that tells the
    latents the judge scores highest from those it scores lowest; with `keep`, made orthogonal to
    those directions so that what they measure stays put ("conditional manipulation")."""
    from sklearn.svm import LinearSVC

    scores = judge(move(generator, z, y, []))
    order = np.argsort(scores)
    count = max(2, int(SHARE * len(order)))
    chosen = np.concatenate([order[:count], order[-count:]])
    labels = np.r_[np.zeros(count), np.ones(count)]
    svm = LinearSVC(C=1.0, max_iter=5000).fit(z[chosen].numpy(), labels)
    normal = svm.coef_[0].astype(np.float64)
    for other in keep:
        other = np.asarray(other, dtype=np.float64) / np.linalg.norm(other)
        normal -= normal @ other * other
    return (normal / max(np.linalg.norm(normal), 1e-12)).astype(np.float32)
