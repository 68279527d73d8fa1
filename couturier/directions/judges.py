"""What a direction is named by: scores of pictures, by name.

For Fashion-MNIST runs, the shipped classifier's class probabilities ("p(dress)"); for colour runs,
the garment's CIELab lightness, a* (green to red) and b* (blue to yellow), and with a catalogue's
attribute classifier (couturier.metrics.attributes) its probability of each value it knows
("p(baseColour=Black)"); for both, simple shape measures (ink area, width, height of what is drawn).
Judges that share one network are scored in one pass.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

INK = -0.8  # a pixel in [-1, 1] above this on a Fashion-MNIST picture (black background) is drawn
PAPER = 0.9  # a colour picture's pixel whose three channels are all above this (in [-1, 1]) is background

Scorer = Callable[[torch.Tensor], np.ndarray]  # pictures (N, C, H, W) in [-1, 1] -> (judges, N)
LogProbabilities = Callable[[torch.Tensor], torch.Tensor]  # pictures -> (N, judges), differentiable


class Judges:
    """Named scores of pictures; groups of judges that share one network are scored together."""

    def __init__(self) -> None:
        self.groups: list[tuple[list[str], Scorer]] = []
        self.gradients: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {}  # name -> log p, differentiable

    @classmethod
    def of(cls, judges: dict[str, Callable[[torch.Tensor], np.ndarray]]) -> "Judges":
        """One judge per function (pictures -> (N,))."""
        made = cls()
        for name, judge in judges.items():
            made.add([name], lambda x, judge=judge: np.asarray(judge(x))[None])
        return made

    def add(self, names: list[str], scorer: Scorer, log_probabilities: LogProbabilities | None = None) -> None:
        """Judges scored together; with `log_probabilities`, they are probabilities a path can climb."""
        self.groups.append((list(names), scorer))
        for i, name in enumerate(names if log_probabilities is not None else ()):
            self.gradients[name] = lambda x, i=i: log_probabilities(x)[:, i]

    @property
    def names(self) -> list[str]:
        return [name for names, _ in self.groups for name in names]

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def score(self, images: torch.Tensor) -> np.ndarray:
        """(judges, N): every judge's score of every picture."""
        return np.concatenate([np.asarray(scorer(images), dtype=np.float64) for _, scorer in self.groups])

    def one(self, name: str) -> Callable[[torch.Tensor], np.ndarray]:
        """One judge's scores (N,), its group scored alone."""
        for names, scorer in self.groups:
            if name in names:
                return lambda x, scorer=scorer, i=names.index(name): scorer(x)[i]
        raise KeyError(name)


def judges_for(channels: int, attributes=None) -> Judges:
    """The judges of a run's pictures: `attributes` is a catalogue's AttributeJudge (colour runs)."""
    judges = Judges()
    if channels == 1:
        from couturier.data.fashion_mnist import CLASS_NAMES
        from couturier.metrics.features import load_fashion_classifier

        classifier = load_fashion_classifier().eval().requires_grad_(False)

        def log_probabilities(images: torch.Tensor) -> torch.Tensor:
            return classifier(torch.nn.functional.interpolate(images, size=(28, 28), mode="area")).log_softmax(1)

        def probabilities(images: torch.Tensor) -> np.ndarray:
            with torch.no_grad():
                return log_probabilities(images).exp().T.numpy()

        judges.add([f"p({name})" for name in CLASS_NAMES], probabilities, log_probabilities)
        judges.add(["brightness"], lambda x: x.mean((1, 2, 3)).numpy()[None])
        drawn = lambda x: x[:, 0] > INK  # noqa: E731
    else:
        judges.add(["lightness L*", "a* (green to red)", "b* (blue to yellow)"], lambda x: _lab(x).T)
        if attributes is not None:
            judges.add(*_attribute_probabilities(attributes.net.requires_grad_(False), attributes.classes))
        drawn = lambda x: ~(x > PAPER).all(1)  # noqa: E731
    judges.add(["ink area", "width", "height"], lambda x: np.stack([
        drawn(x).float().mean((1, 2)).numpy(), drawn(x).any(1).float().mean(1).numpy(),
        drawn(x).any(2).float().mean(1).numpy()]))
    return judges


def _attribute_probabilities(net: torch.nn.Module, classes: dict[str, list[str]]
                              ) -> tuple[list[str], Scorer, LogProbabilities]:
    names = [f"p({column}={value})" for column, values in classes.items() for value in values]

    def log_probabilities(images: torch.Tensor) -> torch.Tensor:
        x = images if images.shape[-1] == 64 else torch.nn.functional.interpolate(images, size=(64, 64), mode="area")
        _, logits = net(x)
        return torch.cat([logits[column].log_softmax(1) for column in classes], 1)

    def probabilities(images: torch.Tensor) -> np.ndarray:
        with torch.no_grad():
            return log_probabilities(images).exp().T.numpy()

    return names, probabilities, log_probabilities


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
