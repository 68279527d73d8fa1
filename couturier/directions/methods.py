"""Where directions come from: SeFa (closed form) and GANSpace (PCA of an early layer).

SeFa: the unit directions of z that move the first layer's output most are the top eigenvectors of
AᵀA, A the weight of the layer that acts on z with its columns normalised. One eigendecomposition
(torch.linalg.eigh), no sampling. GANSpace: the principal components (scikit-learn's PCA) of the
activations after that layer's norm and nonlinearity, over sampled z, each mapped back to the z
that produces it by least squares; it sees what the norm and the ReLU do, which SeFa's linear view
of the first layer cannot.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch

from couturier.errors import ConfigError


class Space(NamedTuple):
    """A part of a run's latent: its noise, or a text run's words (directions/latent.py)."""
    name: str
    columns: slice


@dataclass
class Direction:
    vector: np.ndarray  # (z_dim,), unit length
    strength: float  # SeFa's eigenvalue or GANSpace's explained variance: how much the layer moves along it
    name: str = ""  # the judge that moves most, with its sign
    effect: float = 0.0  # that judge's change per unit step, over its spread across samples
    entanglement: float = 0.0  # the other judges' mean |change per unit step| over their spreads
    effects: dict[str, float] | None = None  # every judge's change per unit step, over its spread
    attribute: str = ""  # for an attribute's direction, what it raises ("baseColour=Black"): a second id
    space: str = "noise"  # what it moves: the noise, or a text run's words (directions/latent.py)
    method: str = ""  # what found it: sefa, ganspace, or an attribute's judge (empty)


def embedded(vectors: np.ndarray, space: Space | None, dim: int) -> np.ndarray:
    """(k, dim): vectors of a part of the latent as vectors of the whole."""
    if space is None:
        return vectors
    whole = np.zeros((len(vectors), dim), dtype=vectors.dtype)
    whole[:, space.columns] = vectors
    return whole


def latent_weight(generator: torch.nn.Module) -> torch.Tensor:
    """(features, z_dim): the weight of the generator's layer that acts on z."""
    weight = getattr(generator, "latent_weight", None)
    if weight is None:
        raise ConfigError(f"{type(generator).__name__} does not say which layer acts on z; directions need a "
                          "dcgan, sngan, mlp or text-to-image run", field="run")
    return weight().detach().float().cpu()


def _check_k(k: int, z_dim: int) -> None:
    if not 1 <= k <= z_dim:
        raise ConfigError(f"ask for 1 to {z_dim} directions (the run's z has {z_dim}), not {k}", field="k")


def sefa(weight: torch.Tensor, k: int, space: Space | None = None) -> list[Direction]:
    """The k directions of z that move the layer most, strongest first (orthonormal); with `space`,
    those of that part of the latent alone (the rest held)."""
    part = weight if space is None else weight[:, space.columns]
    _check_k(k, part.shape[1])
    columns = part / part.norm(dim=0, keepdim=True).clamp_min(1e-12)
    values, vectors = torch.linalg.eigh((columns.T @ columns).double())
    order = torch.argsort(values, descending=True)[:k]
    whole = embedded(vectors[:, order].T.float().numpy(), space, weight.shape[1])
    return [Direction(v, float(values[i]), space=_name(space), method="sefa") for v, i in zip(whole, order)]


def ganspace(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None, k: int,
             space: Space | None = None) -> list[Direction]:
    """The k principal components of the early layer's activations over the latents z, as
    directions of z (unit length, most variance first; not orthogonal in z in general); with
    `space`, mapped back to that part of the latent alone."""
    from sklearn.decomposition import PCA

    part = z if space is None else z[:, space.columns]
    _check_k(k, part.shape[1])
    early = getattr(generator, "early_features", None)
    if early is None:
        raise ConfigError(f"{type(generator).__name__} has no early layer to analyse; use SeFa",
                          field="method")
    with torch.no_grad():
        activations = early(z, y).flatten(1).double().numpy()
    pca = PCA(n_components=k, random_state=0).fit(activations)
    coordinates = pca.transform(activations)  # (N, k)
    # least squares: the z-offset each unit of a component comes from
    latent = part.double().numpy()
    back, *_ = np.linalg.lstsq(coordinates, latent - latent.mean(0), rcond=None)
    vectors = embedded(back / np.linalg.norm(back, axis=1, keepdims=True).clip(1e-12), space, z.shape[1])
    return [Direction(v.astype(np.float32), float(r), space=_name(space), method="ganspace")
            for v, r in zip(vectors, pca.explained_variance_ratio_)]


# "best": each part of the latent by the method that moves the judges most there. SeFa for the
# noise (GANSpace finds the same directions at hundreds of times the cost); GANSpace for a text
# run's words, which also scale every normalisation after the first layer, where SeFa's linear
# view of that layer cannot see them (BENCHMARKS.md, "Steering by name")
BEST = {"noise": "sefa", "words": "ganspace"}
METHODS = ("best", "sefa", "ganspace")


def find(method: str, generator: torch.nn.Module, k: int, z: torch.Tensor | None = None,
         y: torch.Tensor | None = None, space: Space | None = None) -> list[Direction]:
    """Directions by `method` (in one part of the latent, when `space` is given); GANSpace needs
    sampled latents z (and their condition y)."""
    if method == "best":
        method = BEST[_name(space)]
    if method == "sefa":
        return sefa(latent_weight(generator), k, space)
    if method == "ganspace":
        return ganspace(generator, z, y, k, space)
    raise ConfigError(f"no direction method {method!r}; choose from {', '.join(METHODS)}", field="method")


def _name(space: Space | None) -> str:
    return "noise" if space is None else space.name
