"""`couturier directions` and `couturier edit`: named directions in a run's latent space, and pictures moved along them."""
from __future__ import annotations

import json
from pathlib import Path

import click

from couturier.cli.generate import refuse_existing
from couturier.errors import ConfigError

MAX_STRENGTH = 5.0  # z's standard deviation is 1: beyond 5 the pictures leave what G was trained on


@click.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="A folder: directions.json and directions.png.")
@click.option("--k", type=int, default=5, show_default=True, help="How many directions (SeFa's strongest).")
@click.option("--n", "n", type=int, default=32, show_default=True, help="Samples each direction is judged on.")
@click.option("--attribute", "attributes", multiple=True,
              help="Also the direction that raises a judge's score, e.g. class=Dress (InterFaceGAN: a linear SVM "
                   "on sampled latents); repeatable.")
@click.option("--keep", "kept", multiple=True,
              help="With --attribute: hold this one still, e.g. class=Coat (its direction projected off).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace --out's files if they exist.")
def directions(run, out, k, n, seed, attributes, kept, force) -> None:
    """Find the directions in RUN's latent space that change its pictures most (SeFa, closed form),
    name each by what it measurably changes, and write them with a panel (rows: directions;
    columns: -3 to +3)."""
    import numpy as np

    from couturier import directions as steer
    from couturier.fileio import write_text

    out = Path(out)
    refuse_existing(out, force, folder=True)
    loaded = _steerable(run)
    found = steer.sefa(steer.latent_weight(loaded.generator), k)
    z, y = _samples(loaded, n, seed)
    judges = steer.judges_for(loaded.config.data.channels)
    for spec in (*attributes, *kept):  # a bad name is refused before any work
        _judge(spec, judges)
    steer.name_directions(loaded.generator, found, z, y, judges)
    # as many random unit directions, judged the same way: what "a direction" does by chance
    rng = np.random.default_rng(seed)
    chance = steer.name_directions(loaded.generator, [steer.Direction(v / np.linalg.norm(v), 0.0) for v in
                                                      rng.normal(size=(k, z.shape[1])).astype(np.float32)], z, y, judges)
    ids = [f"sefa-{i + 1}" for i in range(len(found))]
    if attributes:
        fitted = _attribute_directions(loaded, attributes, kept, judges, seed)
        for judge, direction in fitted:  # judged on samples of its class when the run is class-conditional
            steer.name_directions(loaded.generator, [direction], z, _of_class(loaded, judge, len(z), y), judges)
        for (judge, direction), attribute in zip(fitted, attributes):
            direction.name, direction.effect = f"more {judge}", abs(direction.effects[judge])
            found.append(direction)
            ids.append(f"attr-{attribute.partition('=')[2].lower().replace(' ', '-')}")
    out.mkdir(parents=True, exist_ok=True)
    record = {"run": str(run), "step": loaded.step, "method": "sefa", "max_strength": MAX_STRENGTH,
              "random_directions": {"effect": round(float(np.mean([d.effect for d in chance])), 3),
                                    "entanglement": round(float(np.mean([d.entanglement for d in chance])), 3)},
              "directions": [{"id": i, "name": d.name, "effect": round(d.effect, 3),
                              "entanglement": round(d.entanglement, 3), "strength": round(d.strength, 4),
                              "effects": d.effects, "vector": np.round(d.vector, 6).tolist()}
                             for i, d in zip(ids, found)]}
    write_text(out / "directions.json", json.dumps(record, indent=2))
    rows = [_of_class(loaded, d.name.removeprefix("more "), 1, None if y is None else y[:1])
            if i.startswith("attr-") else (None if y is None else y[:1]) for i, d in zip(ids, found)]
    _panel(loaded, found, z[:1], rows, out / "directions.png")
    for entry in record["directions"]:
        click.echo(f"{entry['id']}: {entry['name']} ({entry['effect']:.2f} spreads a step; others "
                   f"{entry['entanglement']:.2f})")
    click.echo(f"random directions: {record['random_directions']['effect']:.2f} spreads a step; wrote "
               f"{out / 'directions.json'} and {out / 'directions.png'}")


@click.command()
@click.argument("run", type=click.Path())
@click.option("--directions", "found", type=click.Path(), required=True, help="directions.json from `couturier directions`.")
@click.option("--direction", "moves", multiple=True, required=True,
              help="ID=STRENGTH, e.g. sefa-2=+2 (strength -5 to 5, in z's standard deviations); repeatable.")
@click.option("--seed", type=int, default=0, show_default=True, help="Which sample to edit.")
@click.option("--out", type=click.Path(), required=True, help="The edited picture (.png), beside the original.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def edit(run, found, moves, seed, out, force) -> None:
    """Move one of RUN's samples along named directions and write it beside the original."""
    import numpy as np

    from couturier import directions as steer
    from couturier.data.images import save_grid, to_uint8

    out = Path(out)
    refuse_existing(out, force)
    loaded = _steerable(run)
    record = _read_directions(Path(found), loaded)
    chosen = []
    for move in moves:
        name, _, amount = move.partition("=")
        if name not in record:
            raise ConfigError(f"no direction {name!r} in {found}; choose from {', '.join(record)}", field="direction")
        try:
            strength = float(amount)
        except ValueError:
            raise ConfigError(f"{move!r}: give ID=STRENGTH, e.g. {name}=+2", field="direction") from None
        if not -MAX_STRENGTH <= strength <= MAX_STRENGTH:
            raise ConfigError(f"{move!r}: the strength must be between -{MAX_STRENGTH:g} and {MAX_STRENGTH:g}",
                              field="direction")
        chosen.append((np.asarray(record[name], dtype=np.float32), strength))
    z, y = _samples(loaded, 1, seed)
    pictures = [steer.move(loaded.generator, z, y, []), steer.move(loaded.generator, z, y, chosen)]
    save_grid(np.concatenate([to_uint8(p) for p in pictures]), out, 2, scale=4)
    click.echo(f"wrote {out}: sample {seed} as drawn, then moved by {', '.join(moves)}")


ATTRIBUTE_SAMPLES = 512  # latents the SVM of an attribute direction is fitted on


def _attribute_directions(loaded, attributes, kept, judges, seed: int) -> list:
    """(judge name, Direction) per --attribute, each made orthogonal to the --keep directions."""
    from couturier import directions as steer

    z, y = _samples(loaded, ATTRIBUTE_SAMPLES, seed + 1)
    held = []
    for spec in kept:
        judge = _judge(spec, judges)
        held.append(steer.attribute_direction(loaded.generator, z, _of_class(loaded, judge, len(z), y), judges[judge]))
    fitted = []
    for spec in attributes:
        judge = _judge(spec, judges)
        vector = steer.attribute_direction(loaded.generator, z, _of_class(loaded, judge, len(z), y), judges[judge], held)
        fitted.append((judge, steer.Direction(vector, 0.0)))
    return fitted


def _of_class(loaded, judge: str, n: int, y):
    """A class-conditional run's class labels for a class judge ("p(dress)"): all of that class, so
    that the direction found and measured is within it; y unchanged otherwise."""
    import torch

    if not loaded.conditional or not judge.startswith("p("):
        return y
    return torch.full((n,), loaded.class_index(judge[2:-1]), dtype=torch.long)


def _judge(spec: str, judges: dict) -> str:
    """The judge an --attribute/--keep names: class=NAME on runs the shipped classifier judges."""
    key, _, value = spec.partition("=")
    classes = [name[2:-1] for name in judges if name.startswith("p(")]
    if key != "class":
        raise ConfigError(f"{spec!r}: only class=NAME is judged yet (the shipped Fashion-MNIST classifier); catalogue "
                          "attributes need an attribute classifier", field="attribute")
    if not classes:
        raise ConfigError(f"{spec!r}: this run's pictures have no class judge (it judges Fashion-MNIST classes)",
                          field="attribute")
    match = next((c for c in classes if c.lower() == value.strip().lower()), None)
    if match is None:
        raise ConfigError(f"{spec!r}: no class {value!r}; choose from {', '.join(classes)}", field="attribute")
    return f"p({match})"


def _steerable(run):
    from couturier import sampling

    loaded = sampling.load_generator(run)
    if loaded.reads_prompts:
        raise ConfigError("directions of text-to-image runs are not supported yet; use a dcgan, sngan or mlp run",
                          field="run")
    return loaded


def _samples(loaded, n: int, seed: int):
    """n latents and, for a class-conditional run, their classes spread evenly."""
    import torch

    from couturier import sampling

    z = sampling.latents(n, loaded.config.model.z_dim, seed)
    y = torch.arange(n) % len(loaded.class_names) if loaded.conditional else None
    return z, y


def _read_directions(path: Path, loaded) -> dict[str, list[float]]:
    """id -> vector, from a directions.json of this run's size of z."""
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; write it with `couturier directions RUN --out DIR`",
                          field="directions")
    try:
        record = json.loads(path.read_text())
        vectors = {d["id"]: d["vector"] for d in record["directions"]}
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"{path} is not a directions.json of `couturier directions`", field="directions") from None
    z_dim = loaded.config.model.z_dim
    if any(len(v) != z_dim for v in vectors.values()):
        raise ConfigError(f"{path} was found for another run (its directions are not of this run's {z_dim}-d z)",
                          field="directions")
    return vectors


def _panel(loaded, found, z, ys, path: Path) -> None:
    """One row per direction, one column per step, named and measured beside it."""
    import numpy as np

    from couturier import directions as steer
    from couturier.data.images import to_uint8
    from couturier.viz import new_figure, save_figure

    fig, axes = new_figure(len(found), len(steer.STEPS), (1.1 * len(steer.STEPS) + 2.2, 1.25 * len(found)),
                           squeeze=False)
    for row, direction, y in zip(axes, found, ys):
        for ax, step in zip(row, steer.STEPS):
            picture = to_uint8(steer.move(loaded.generator, z, y, [(direction.vector, step)]))[0]
            ax.imshow(np.moveaxis(picture, 0, -1).squeeze(), cmap="gray" if picture.shape[0] == 1 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if direction is found[0]:
                ax.set_title(f"{step:+g}", fontsize=8)
        row[-1].yaxis.set_label_position("right")
        row[-1].set_ylabel(f"{direction.name}\n{direction.effect:.2f} / step", fontsize=7, rotation=0,
                           ha="left", va="center")
    save_figure(fig, path, "Directions (SeFa's, then the attributes'), each row from -3 to +3")


COMMANDS = (directions, edit)
