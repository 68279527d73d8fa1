"""Pictures moved along directions; a direction named by the judge that moves most along it.

Samples moved from -3 to +3 along a direction (z's standard deviation is 1) are scored by every
judge; the one whose mean score changes most per unit step, over its spread across the samples,
names the direction with its sign ("more ink area", "less p(trouser)"). The other judges' moves are
its entanglement. Hand-written: no library measures a latent direction's effect.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from couturier.directions.judges import Judges
from couturier.directions.methods import Direction, Space, embedded

STEPS = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)  # how far samples are moved along a direction (z's std is 1)
SHARE = 0.3  # InterFaceGAN's split: the samples the judge scores highest and lowest, this share each


def move(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None, moves: list[tuple[np.ndarray, float]]
         ) -> torch.Tensor:
    """G's pictures of z moved by each (direction, strength), in [-1, 1]."""
    shifted = z.clone()
    for vector, strength in moves:
        shifted += strength * torch.as_tensor(vector, dtype=z.dtype)
    with torch.no_grad():
        return generator(shifted, y).float().cpu()


def name_directions(generator: torch.nn.Module, directions: list[Direction], z: torch.Tensor,
                    y: torch.Tensor | None, judges: Judges, spread: np.ndarray | None = None) -> list[Direction]:
    """Each direction named by the judge that moves most along it: its slope over its spread, across
    the samples z unless `spread` (one per judge) says across what else."""
    judges = judges if isinstance(judges, Judges) else Judges.of(judges)
    names = judges.names
    for direction in directions:
        # (steps, judges, samples): each step drawn once for all judges
        scores = np.stack([judges.score(move(generator, z, y, [(direction.vector, step)])) for step in STEPS])
        slope = np.polyfit(np.array(STEPS), scores.mean(2), 1)[0]  # per judge: change per unit step
        normalised = slope / ((scores[STEPS.index(0.0)].std(1) if spread is None else spread) + 1e-6)
        best = int(np.argmax(np.abs(normalised)))
        direction.effects = {name: round(float(v), 4) for name, v in zip(names, normalised)}
        direction.name = f"{'more' if slope[best] > 0 else 'less'} {names[best]}"
        direction.effect = float(abs(normalised[best]))
        others = np.delete(np.abs(normalised), best)
        direction.entanglement = float(others.mean()) if others.size else 0.0
    return directions


def attribute_direction(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None,
                        judge: Callable[[torch.Tensor], np.ndarray], keep: list[np.ndarray] = (),
                        space: Space | None = None) -> np.ndarray:
    """InterFaceGAN (Shen et al. 2020): the unit normal of a linear SVM (scikit-learn) that tells the
    latents the judge scores highest from those it scores lowest (in one part of the latent, when
    `space` is given); with `keep`, made orthogonal to those directions so that what they measure
    stays put ("conditional manipulation")."""
    from sklearn.svm import LinearSVC

    scores = judge(move(generator, z, y, []))
    order = np.argsort(scores)
    count = max(2, int(SHARE * len(order)))
    chosen = np.concatenate([order[:count], order[-count:]])
    labels = np.r_[np.zeros(count), np.ones(count)]
    part = z if space is None else z[:, space.columns]
    svm = LinearSVC(C=1.0, max_iter=5000).fit(part[chosen].numpy(), labels)
    normal = embedded(svm.coef_.astype(np.float64), space, z.shape[1])[0]
    for other in keep:
        other = np.asarray(other, dtype=np.float64) / np.linalg.norm(other)
        normal -= normal @ other * other
    return (normal / max(np.linalg.norm(normal), 1e-12)).astype(np.float32)


SUBSTEPS = 8  # gradient steps per unit of a walk: short enough that each one raises the judge's score


def walk(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None,
         log_probability: Callable[[torch.Tensor], torch.Tensor], strength: float,
         space: Space | None = None) -> torch.Tensor:
    """z moved |strength| units along the path that climbs (strength > 0) or descends the judge's
    log-probability fastest (within one part of the latent, when `space` is given): each sample
    follows its own gradient, a unit length per unit of strength. A linear direction is one way for
    every sample and can pass through another class on the way; a walk turns where the judge says,
    so the score rises at every step for nearly all."""
    count = int(round(abs(strength) * SUBSTEPS))
    sign = 1.0 if strength > 0 else -1.0
    z = z.detach().clone()
    for _ in range(count):
        moving = z.clone().requires_grad_(True)
        (gradient,) = torch.autograd.grad(log_probability(generator(moving, y)).sum(), moving)
        if space is not None:  # the rest of the latent held
            held = torch.ones_like(gradient, dtype=torch.bool)
            held[:, space.columns] = False
            gradient = gradient.masked_fill(held, 0.0)
        z += sign * gradient / gradient.norm(dim=1, keepdim=True).clamp_min(1e-12) / SUBSTEPS
    return z


MONOTONE_STEPS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
TOLERANCE = 0.01  # a fall smaller than this (in probability) between steps is the judge's noise, not a turn


def monotone_share(generator: torch.nn.Module, z: torch.Tensor, y: torch.Tensor | None,
                   judge: Callable[[torch.Tensor], np.ndarray], vector: np.ndarray | None = None,
                   log_probability: Callable[[torch.Tensor], torch.Tensor] | None = None,
                   space: Space | None = None) -> tuple[float, float]:
    """Along a direction (`vector`) or a walk up the judge (`log_probability`) from 0 to +3: the
    share of samples whose score never falls (by more than TOLERANCE) from one step to the next,
    and the share whose score ends higher than it began."""
    if (vector is None) == (log_probability is None):
        raise ValueError("give a vector or a log_probability")
    if vector is not None:
        scores = np.stack([judge(move(generator, z, y, [(vector, step)])) for step in MONOTONE_STEPS])
    else:
        scores, at = [], z
        for previous, step in zip((0.0, *MONOTONE_STEPS), MONOTONE_STEPS):
            at = walk(generator, at, y, log_probability, step - previous, space)  # continued, not restarted
            with torch.no_grad():
                scores.append(judge(generator(at, y).float()))
        scores = np.stack(scores)
    never_falls = (np.diff(scores, axis=0) >= -TOLERANCE).all(0)
    return float(never_falls.mean()), float((scores[-1] > scores[0]).mean())
