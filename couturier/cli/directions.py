"""`couturier directions` and `couturier edit`: named directions in a run's latent space, and pictures moved along them."""
from __future__ import annotations

import json
from pathlib import Path

import click

from couturier.cli.generate import refuse_existing
from couturier.errors import ConfigError

MAX_SAMPLES = 4096  # samples each direction is judged on, at 7 steps each


@click.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), help="A folder for directions.json and directions.png [RUN/directions].")
@click.option("--k", type=int, default=5, show_default=True, help="How many directions (the method's strongest).")
@click.option("--n", "n", type=int, default=32, show_default=True, help="Samples each direction is judged on.")
@click.option("--method", type=click.Choice(["sefa", "ganspace"]), default="sefa", show_default=True,
              help="sefa: closed form from the first layer's weight; ganspace: PCA of its activations.")
@click.option("--attribute", "attributes", multiple=True,
              help="Also the direction that raises a judge's score, e.g. class=Dress or baseColour=Black "
                   "(InterFaceGAN: a linear SVM on sampled latents); repeatable.")
@click.option("--keep", "kept", multiple=True,
              help="With --attribute: hold this one still, e.g. class=Coat (its direction projected off).")
@click.option("--classifier", type=click.Path(),
              help="A catalogue's attribute classifier (.safetensors, `couturier train-classifier`): judges colour, "
                   "article type and gender of colour runs.")
@click.option("--prompt", "prompts", multiple=True,
              help="Text-to-image runs: the words held while the noise moves [the run's grid descriptions].")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace --out's files if they exist.")
def directions(run, out, k, n, method, attributes, kept, classifier, prompts, seed, force) -> None:
    """Find the directions in RUN's latent space that change its pictures most, name each by what
    it measurably changes, and write them with a panel (rows: directions; columns: -3 to +3)."""
    from couturier import directions as steer
    from couturier.directions import runs
    from couturier.fileio import write_text

    if not 2 <= n <= MAX_SAMPLES:
        raise ConfigError(f"--n {n}: judge directions on 2 to {MAX_SAMPLES} samples", field="n")
    if kept and not attributes:
        raise ConfigError("--keep holds an attribute still while another moves; give --attribute too", field="keep")
    out = Path(out) if out else Path(run) / "directions"
    refuse_existing(out, force, folder=True)
    loaded = _loaded(run)
    judges = steer.judges_for(loaded.config.data.channels, _classifier(classifier, loaded))
    for spec in (*attributes, *kept):  # a bad name is refused before any work
        runs.judge_named(spec, judges)
    drawn = runs.samples(loaded, n, seed, prompts)
    found = runs.named_directions(loaded, method, k, drawn, judges, seed)
    chance = runs.random_directions(loaded, k, drawn, judges, seed)
    named = [(f"{method}-{i + 1}", d) for i, d in enumerate(found)]
    named += runs.attribute_directions(loaded, list(attributes), list(kept), judges, drawn, seed, prompts)
    out.mkdir(parents=True, exist_ok=True)
    record = runs.record(loaded, run, method, named, chance)
    write_text(out / "directions.json", json.dumps(record, indent=2))
    _panel(loaded, named, drawn, out / "directions.png")
    for entry in record["directions"]:
        click.echo(f"{entry['id']}: {entry['name']} ({entry['effect']:.2f} spreads a step; others "
                   f"{entry['entanglement']:.2f})")
    click.echo(f"random directions: {record['random_directions']['effect']:.2f} spreads a step; wrote "
               f"{out / 'directions.json'} and {out / 'directions.png'}")


@click.command()
@click.argument("run", type=click.Path())
@click.option("--directions", "found", type=click.Path(),
              help="directions.json from `couturier directions` [RUN/directions/directions.json].")
@click.option("--direction", "moves", multiple=True, required=True,
              help="ID=STRENGTH, e.g. sefa-2=+2 or baseColour=Black=+1.5 (strength -5 to 5, in z's standard "
                   "deviations); repeatable.")
@click.option("--seed", type=int, default=0, show_default=True, help="Which sample to edit.")
@click.option("--prompt", help="Text-to-image runs: the words drawn (held while the noise moves).")
@click.option("--out", type=click.Path(), required=True, help="The edited picture (.png), beside the original.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def edit(run, found, moves, seed, prompt, out, force) -> None:
    """Move one of RUN's samples along named directions and write it beside the original."""
    from couturier.data.images import save_grid
    from couturier.directions import runs

    out = Path(out)
    refuse_existing(out, force)
    loaded = _loaded(run)
    vectors = runs.read_directions(Path(found or Path(run) / "directions"), loaded)
    runs.parse_moves(list(moves), vectors)  # each ID=STRENGTH checked as written
    chosen = {spec.rpartition("=")[0]: float(spec.rpartition("=")[2]) for spec in moves}
    save_grid(runs.edit(loaded, vectors, chosen, seed, prompt), out, 2, scale=4)
    click.echo(f"wrote {out}: sample {seed} as drawn, then moved by {', '.join(moves)}")


def _loaded(run):
    from couturier import sampling

    return sampling.load_generator(run)


def _classifier(path, loaded):
    """The attribute classifier --classifier names, for colour runs."""
    if path is None:
        return None
    if loaded.config.data.channels != 3:
        raise ConfigError("--classifier judges colour catalogue pictures; this run draws grayscale ones",
                          field="classifier")
    from couturier.metrics.attributes import load_attribute_judge

    return load_attribute_judge(Path(path))


def _panel(loaded, named, drawn, path: Path) -> None:
    """One row per direction, one column per step, named and measured beside it."""
    import numpy as np

    from couturier import directions as steer
    from couturier.data.images import to_uint8
    from couturier.directions import runs
    from couturier.viz import new_figure, save_figure

    fig, axes = new_figure(len(named), len(steer.STEPS), (1.1 * len(steer.STEPS) + 2.2, 1.25 * len(named)),
                           squeeze=False)
    for row, (_, direction) in zip(axes, named):
        judge = direction.name.partition(" ")[2]
        y = runs.of_class(loaded, judge, drawn.y, len(drawn.z)) if direction.attribute else drawn.y
        for ax, step in zip(row, steer.STEPS):
            picture = to_uint8(steer.move(loaded.generator, drawn.z[:1], None if y is None else y[:1],
                                          [(direction.vector, step)]))[0]
            ax.imshow(np.moveaxis(picture, 0, -1).squeeze(), cmap="gray" if picture.shape[0] == 1 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if row is axes[0]:
                ax.set_title(f"{step:+g}", fontsize=8)
        row[-1].yaxis.set_label_position("right")
        row[-1].set_ylabel(f"{direction.name}\n{direction.effect:.2f} / step", fontsize=7, rotation=0,
                           ha="left", va="center")
    save_figure(fig, path, "Directions (the method's strongest, then the attributes'), each row from -3 to +3")


COMMANDS = (directions, edit)
