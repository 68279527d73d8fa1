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
@click.option("--method", type=click.Choice(["best", "sefa", "ganspace"]), default="best", show_default=True,
              help="sefa: closed form from the first layer's weight; ganspace: PCA of its activations; best: SeFa "
                   "for the noise, GANSpace for a text run's words (the stronger in each).")
@click.option("--attribute", "attributes", multiple=True,
              help="Also the direction that raises a judge's score, e.g. class=Dress or baseColour=Black "
                   "(InterFaceGAN: a linear SVM on sampled latents); repeatable.")
@click.option("--keep", "kept", multiple=True,
              help="With --attribute: hold this one still, e.g. class=Coat (its direction projected off).")
@click.option("--classifier", type=click.Path(),
              help="A catalogue's attribute classifier (.safetensors, `couturier train-classifier`): judges colour, "
                   "article type and gender of colour runs.")
@click.option("--prompt", "prompts", multiple=True,
              help="Text-to-image runs: the words drawn and moved [the run's grid descriptions].")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace --out's files if they exist.")
def directions(run, out, k, n, method, attributes, kept, classifier, prompts, seed, force) -> None:
    """Find the directions in RUN's latent space that change its pictures most, name each by what
    it measurably changes, and write them with a panel (rows: directions; columns: -3 to +3)."""
    if not 2 <= n <= MAX_SAMPLES:
        raise ConfigError(f"--n {n}: judge directions on 2 to {MAX_SAMPLES} samples", field="n")
    if kept and not attributes:
        raise ConfigError("--keep holds an attribute still while another moves; give --attribute too", field="keep")
    out = Path(out) if out else Path(run) / "directions"
    refuse_existing(out, force, folder=True)
    loaded = _loaded(run)
    made = _make_folder(out)  # before the work: a folder that cannot be made is said now, not after it
    try:
        _find(run, out, loaded, k, n, method, attributes, kept, classifier, prompts, seed)
    except BaseException:
        if made and not any(out.iterdir()):
            out.rmdir()  # a refusal leaves nothing behind
        raise


def _find(run, out: Path, loaded, k, n, method, attributes, kept, classifier, prompts, seed) -> None:
    from couturier import directions as steer
    from couturier.directions import runs
    from couturier.fileio import write_text

    judges = steer.judges_for(loaded.config.data.channels, _classifier(classifier, loaded))
    for spec in (*attributes, *kept):  # a bad name is refused before any work
        runs.judge_named(spec, judges)
    drawn = runs.samples(loaded, n, seed, prompts)
    spread = runs.judged_spread(loaded, judges, seed)
    found = runs.named_directions(loaded, method, k, drawn, judges, seed, spread)
    chance = runs.random_directions(loaded, k, drawn, judges, seed, spread)
    named = runs.ids(found)
    named += runs.attribute_directions(loaded, list(attributes), list(kept), judges, drawn, seed, prompts, spread)
    record = runs.record(loaded, run, method, named, chance)
    write_text(out / "directions.json", json.dumps(record, indent=2))
    _panel(loaded, named, drawn, judges, out / "directions.png")
    for entry in record["directions"]:
        moved = "" if entry["space"] == "noise" else f", moving the {entry['space']}"
        click.echo(f"{entry['id']}: {entry['name']} ({entry['effect']:.2f} spreads a step; others "
                   f"{entry['entanglement']:.2f}{moved})")
    by_chance = "; ".join(f"{space} {f['effect']:.2f}" for space, f in record["random_directions"].items())
    click.echo(f"random directions: {by_chance} spreads a step; wrote {out / 'directions.json'} and "
               f"{out / 'directions.png'}")


@click.command()
@click.argument("run", type=click.Path())
@click.option("--directions", "found", type=click.Path(),
              help="directions.json from `couturier directions` [RUN/directions/directions.json].")
@click.option("--direction", "moves", multiple=True,
              help="ID=STRENGTH, e.g. sefa-2=+2 or baseColour=Black=+1.5 (strength -5 to 5, in z's standard "
                   "deviations); repeatable.")
@click.option("--walk", "walks", multiple=True,
              help="NAME=VALUE=STRENGTH, e.g. class=Dress=+2: climb the judge's probability along its gradient, "
                   "sample by sample (it rises at every step; a straight direction can turn); repeatable.")
@click.option("--classifier", type=click.Path(), help="With --walk on colour runs: the attribute classifier to climb.")
@click.option("--seed", type=int, default=0, show_default=True, help="Which sample to edit.")
@click.option("--prompt", help="Text-to-image runs: the words drawn (moved only by directions of the words).")
@click.option("--out", type=click.Path(), required=True, help="The edited picture (.png), beside the original.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def edit(run, found, moves, walks, classifier, seed, prompt, out, force) -> None:
    """Move one of RUN's samples along named directions (or walk it up a judge) and write it
    beside the original."""
    from couturier import directions as steer
    from couturier.data.images import save_grid
    from couturier.directions import runs

    if not moves and not walks:
        raise ConfigError("say how to move the sample: --direction ID=STRENGTH or --walk NAME=VALUE=STRENGTH",
                          field="direction")
    out = Path(out)
    refuse_existing(out, force)
    loaded = _loaded(run)
    vectors = runs.read_directions(Path(found or Path(run) / "directions"), loaded) if moves else {}
    runs.parse_moves(list(moves), vectors)  # each ID=STRENGTH checked as written
    chosen = {spec.rpartition("=")[0]: spec.rpartition("=")[2] for spec in moves}
    climbs = {spec.rpartition("=")[0]: spec.rpartition("=")[2] for spec in walks}
    judges = steer.judges_for(loaded.config.data.channels, _classifier(classifier, loaded)) if walks else None
    save_grid(runs.edit(loaded, vectors, chosen, seed, prompt, climbs, judges), out, 2, scale=4)
    click.echo(f"wrote {out}: sample {seed} as drawn, then moved by {', '.join((*moves, *walks))}")


def _make_folder(out: Path) -> bool:
    """Make --out; True when it was not there before."""
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        return made
    except OSError as exc:
        raise ConfigError(f"cannot make the folder {out} ({exc.strerror}); choose another --out", field="out") from None


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


def _panel(loaded, named, drawn, judges, path: Path) -> None:
    """One row per direction, one column per step, named and measured beside it; under each
    attribute's direction, the walk up its judge."""
    import numpy as np

    from couturier import directions as steer
    from couturier.data.images import to_uint8
    from couturier.directions import latent, runs
    from couturier.viz import new_figure, save_figure

    rows = []
    steered = latent.steerable(loaded)
    for key, direction in named:
        judge = direction.name.partition(" ")[2]
        y = runs.of_class(loaded, judge, drawn.y, len(drawn.z)) if direction.attribute else drawn.y
        y = None if y is None else y[:1]
        rows.append((f"{key}: {direction.name}", f"{direction.effect:.2f} / step",
                     [steer.move(steered.generator, drawn.z[:1], y, [(direction.vector, s)]) for s in steer.STEPS]))
        if direction.attribute and judge in judges.gradients:
            walked = [steer.walk(steered.generator, drawn.z[:1], y, judges.gradients[judge], s, steered.steered)
                      for s in steer.STEPS]
            rows.append((f"walk: {direction.name}", "its gradient", [steer.move(steered.generator, w, y, [])
                                                                     for w in walked]))
    fig, axes = new_figure(len(rows), len(steer.STEPS), (1.1 * len(steer.STEPS) + 2.2, 1.25 * len(rows)),
                           squeeze=False)
    for row, (name, measure, pictures) in zip(axes, rows):
        for ax, step, moved in zip(row, steer.STEPS, pictures):
            picture = to_uint8(moved)[0]
            ax.imshow(np.moveaxis(picture, 0, -1).squeeze(), cmap="gray" if picture.shape[0] == 1 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if row is axes[0]:
                ax.set_title(f"{step:+g}", fontsize=8)
        row[-1].yaxis.set_label_position("right")
        row[-1].set_ylabel(f"{name}\n{measure}", fontsize=7, rotation=0, ha="left", va="center")
    found_by = dict.fromkeys(d.method for _, d in named if d.method)
    title = " and ".join({"sefa": "SeFa", "ganspace": "GANSpace"}[m] for m in found_by) + "'s strongest directions"
    if any(direction.attribute for _, direction in named):
        title += ", then the attributes' (InterFaceGAN) with their walks"
    save_figure(fig, path, f"{title}; each row from -3 to +3")


COMMANDS = (directions, edit)
