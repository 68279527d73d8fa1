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

import numpy as np
import torch

from couturier.errors import ConfigError

@dataclass
class Direction:
    vector: np.ndarray  # (z_dim,), unit length
    strength: float  # SeFa's eigenvalue or GANSpace's explained variance: how much the layer moves along it
    name: str = ""  # the judge that moves most, with its sign
    effect: float = 0.0  # that judge's change per unit step, over its spread across samples
    entanglement: float = 0.0  # the other judges' mean |change per unit step| over their spreads
    effects: dict[str, float] | None = None  # every judge's change per unit step, over its spread
    attribute: str = ""  # for an attribute's direction, what it raises ("baseColour=Black"): a second id


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


def sefa(weight: torch.Tensor, k: int) -> list[Direction]:
    """The k directions of z that move the layer most, strongest first (orthonormal)."""
    _check_k(k, weight.shape[1])
    columns = weight / weight.norm(dim=0, keepdim=True).clamp_min(1e-12)
    values, vectors = torch.linalg.eigh((columns.T @ columns).double())
    order = torch.argsort(values, descending=True)[:k]
    return [Direction(vectors[:, i].float().numpy(), float(values[i])) for i in order]


def ganspace(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None, k: int) -> list[Direction]:
    """The k principal components of the early layer's activations over the latents z, as
    directions of z (unit length, most variance first; not orthogonal in z in general)."""
    from sklearn.decomposition import PCA

    _check_k(k, z.shape[1])
    early = getattr(generator, "early_features", None)
    if early is None:
        raise ConfigError(f"{type(generator).__name__} has no early layer to analyse; use SeFa",
                          field="method")
    with torch.no_grad():
        activations = early(z, y).flatten(1).double().numpy()
    pca = PCA(n_components=k, random_state=0).fit(activations)
    coordinates = pca.transform(activations)  # (N, k)
    # least squares: the z-offset each unit of a component comes from
    back, *_ = np.linalg.lstsq(coordinates, z.double().numpy() - z.double().numpy().mean(0), rcond=None)
    vectors = back / np.linalg.norm(back, axis=1, keepdims=True).clip(1e-12)
    return [Direction(v.astype(np.float32), float(r)) for v, r in zip(vectors, pca.explained_variance_ratio_)]


METHODS = ("sefa", "ganspace")


def find(method: str, generator: torch.nn.Module, k: int, z: torch.Tensor | None = None,
         y: torch.Tensor | None = None) -> list[Direction]:
    """Directions by `method`; GANSpace needs sampled latents z (and their condition y)."""
    if method == "sefa":
        return sefa(latent_weight(generator), k)
    if method == "ganspace":
        return ganspace(generator, z, y, k)
    raise ConfigError(f"no direction method {method!r}; choose from {', '.join(METHODS)}", field="method")
