"""Next season's collection, drawn: the forecast's top combinations as descriptions, drawn by a
text-to-image run, one row per description."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from couturier.data.catalogue import compose_description
from couturier.data.images import make_grid
from couturier.trends.forecast import GroupForecast
from couturier.trends.history import COMBINED, History
from couturier.viz import new_figure, save_figure


@dataclass
class Look:
    group: str
    description: str  # "Navy Blue Shirts for Men, Casual"
    share: float  # the forecast share of its combination in the next period


def collection_looks(history: History, forecasts: list[GroupForecast], per_group: int = 4) -> list[Look]:
    """The `per_group` largest forecast values of each group, worded the way catalogue descriptions
    are composed (colour, article, "for" gender, then usage and the rest)."""
    attributes = tuple(a.strip() for a in history.attribute.split(","))
    columns = attributes + ((history.by,) if history.by else ())
    looks = []
    for fc in forecasts:
        for value, share in fc.top(per_group):
            row = dict(zip(attributes, value.split(COMBINED)))
            if history.by:
                row[history.by] = fc.history.group
            looks.append(Look(fc.history.group, compose_description(row, columns), share))
    return looks


def draw_collection(looks: list[Look], loaded, path: str | Path, per_look: int = 6, seed: int = 0,
                    title: str = "") -> list[dict]:
    """Draw `per_look` seeds of each look with a loaded text-to-image generator into `path`, one
    row per look; returns the looks as table rows."""
    from couturier.errors import ConfigError
    from couturier.sampling import generate

    if not loaded.reads_prompts:
        raise ConfigError("drawing the collection needs a text-to-image run; train one with task text2image",
                          field="run")
    images = generate(loaded, [look.description for look in looks], n=per_look, seed=seed)
    plot_collection(looks, images, path, title)
    return [{"group": x.group, "description": x.description, "share": round(x.share, 4)} for x in looks]


def plot_collection(looks: list[Look], images: np.ndarray, path: str | Path, title: str = "") -> None:
    per_look = len(images) // max(len(looks), 1)
    fig, axes = new_figure(len(looks), 1, (1.1 * per_look + 3.2, 1.25 * len(looks) + 0.6), squeeze=False)
    for i, (ax, look) in enumerate(zip(axes[:, 0], looks)):
        row = make_grid(images[i * per_look:(i + 1) * per_look], per_look)
        ax.imshow(np.asarray(row), interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(f"{look.description}\n{look.share * 100:.1f}%", rotation=0, ha="right", va="center",
                      fontsize=8)
        for spine in ax.spines.values():
            spine.set_visible(False)
    save_figure(fig, path, title)
