"""`couturier sample`, `interpolate` and `generate`: pictures from a trained run; `fit-reader`: a
text-to-image run's prompt reader taught a larger product table."""
from __future__ import annotations

from pathlib import Path

import click

from couturier.errors import ConfigError


def refuse_existing(path: Path, force: bool, folder: bool | None = None) -> None:
    """Before any work: the output's place is usable, and nothing there is replaced without --force."""
    from couturier.fileio import check_output

    check_output(path, folder=not path.suffix if folder is None else folder)
    if path.exists() and not force and (path.is_file() or any(path.iterdir())):
        raise FileExistsError(f"{path} already exists; choose another --out or pass --force to replace it")


@click.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="grid.png, samples.npz or a folder/")
@click.option("--n", "n", type=int, default=64, show_default=True)
@click.option("--class", "class_name", help="Class name or index (conditional models).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--truncation", type=float, help="Redraw noise values beyond +-T (fidelity over variety).")
@click.option("--best-of", type=int, default=1, show_default=True,
              help="Keep the run's D's favourite of this many draws per image.")
@click.option("--columns", type=int, help="Grid columns (default 10, or per-class when conditional).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--no-ema", is_flag=True, help="Use G's raw weights even when the run kept an EMA.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def sample(run, out, n, class_name, seed, truncation, best_of, columns, device, no_ema, force) -> None:
    """Generate images from a run or checkpoint."""
    from couturier import sampling

    out = Path(out)
    refuse_existing(out, force)
    loaded = sampling.load_generator(run, device, use_ema=not no_ema)
    images, labels = sampling.sample(loaded, n, seed, class_name, truncation, best_of)
    if columns is None:
        columns = 10
        if loaded.conditional and class_name is None:
            columns = -(-n // len(loaded.class_names))
    written = sampling.save_samples(images, labels, out, loaded.class_names, columns)
    click.echo(f"wrote {written} to {out} (step {loaded.step} of {loaded.config.model.name})")


@click.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="walk.png; walk.gif is written beside it")
@click.option("--seed-a", type=int, default=0, show_default=True)
@click.option("--seed-b", type=int, default=1, show_default=True)
@click.option("--class-a", help="Start class (conditional models).")
@click.option("--class-b", help="End class (conditional models).")
@click.option("--steps", type=int, default=10, show_default=True, help="Images per walk.")
@click.option("--rows", type=int, default=4, show_default=True, help="Walks (row r uses seeds +r).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--force", is_flag=True, help="Replace the outputs if they exist.")
def interpolate(run, out, seed_a, seed_b, class_a, class_b, steps, rows, device, force) -> None:
    """Walk the latent space between two seeds (and two classes) as a grid and a GIF."""
    from couturier import sampling

    out = Path(out)
    for path in (out.with_suffix(".png"), out.with_suffix(".gif")):
        refuse_existing(path, force)
    loaded = sampling.load_generator(run, device)
    walk = sampling.interpolate(loaded, seed_a, seed_b, steps, rows, class_a, class_b)
    png, gif = sampling.save_walk(walk, out)
    click.echo(f"wrote {png} and {gif}")


@click.command()
@click.argument("run", type=click.Path())
@click.argument("prompts", nargs=-1, required=True)
@click.option("--out", type=click.Path(), required=True, help="grid.png (one row per prompt)")
@click.option("--n", "n", type=int, default=8, show_default=True, help="Images per prompt.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--truncation", type=float, help="Redraw noise values beyond +-T (fidelity over variety).")
@click.option("--literal", is_flag=True, help="Give G the prompts as written; by default a prompt in words the "
              "catalogue never used is read as the catalogue look it names (printed).")
@click.option("--best-of", type=int, default=1, show_default=True,
              help="Keep the run's D's favourite of this many draws per image.")
@click.option("--code-spread", type=float, help="How far each seed moves the description's code, 0..1 (default: "
              "the run's model.options.code_spread; 0 gives one garment per description, 1 the most variety).")
@click.option("--as", "as_", help="Overrule the reading: give G these words (e.g. \"Red Tshirts for Men\") for "
              "every prompt; the grid is still labelled with the prompts.")
@click.option("--explain", is_flag=True, help="Also print which of each prompt's words led to each value read.")
@click.option("--interpolate", is_flag=True, help="Walk from the first prompt to the second instead.")
@click.option("--steps", type=int, default=8, show_default=True, help="Images per walk (--interpolate).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def generate(run, prompts, out, n, seed, truncation, literal, as_, explain, best_of, code_spread, interpolate, steps,
             device, force) -> None:
    """Generate garments from descriptions with a text-to-image run."""
    from couturier import sampling
    from couturier.data.images import save_grid

    out = Path(out)
    refuse_existing(out, force)
    loaded = sampling.load_generator(run, device, options=None if code_spread is None else {"code_spread": code_spread})
    if not interpolate:
        sampling.check_draws(loaded, n, len(prompts), best_of)
    if interpolate:
        if len(prompts) != 2:
            raise ConfigError("--interpolate walks between exactly two prompts", field="interpolate")
        walk = sampling.interpolate_prompts(loaded, prompts[0], prompts[1], steps, rows=n, seed=seed)
        png, gif = sampling.save_walk(walk, out)
        click.echo(f"wrote {png} and {gif}")
        return
    if as_ is not None:
        texts = [as_] * len(prompts)
        click.echo(f"drawing {as_!r} for every prompt (--as)")
    else:
        readings = sampling.read_prompts(loaded, list(prompts), literal)
        for reading in readings:
            _say_reading(reading, loaded if explain else None)
        texts = [r.text for r in readings]
    # the readings' words are what G gets: generate them as written rather than read them again
    images = sampling.generate(loaded, texts, n, seed, truncation, literal=True, best_of=best_of)
    save_grid(images, out, n, scale=2, row_labels=list(prompts))
    click.echo(f"wrote {len(prompts)} row(s) of {n} to {out} (step {loaded.step})")



def _say_reading(reading, explained_by=None) -> None:
    """The reading, with its confidence; its runners-up when unsure; with `explained_by` (the
    loaded run), the words that led to each value."""
    if not reading.inferred:
        return
    click.echo(f"{reading.describe()} (--literal to use the words as written, --as to give your own)")
    if reading.unsure and reading.alternatives:
        click.echo("  unsure; also likely: " + "; ".join(repr(text) for text in reading.alternatives))
    if explained_by is not None:
        from couturier import sampling

        for column, words in sampling.explain_prompt(explained_by, reading.prompt).items():
            led = ", ".join(f"{word!r} ({weight:.1f})" for word, weight in words) or "no single word (the whole)"
            click.echo(f"  {reading.inferred[column]} ({column}): {led}")



@click.command("fit-reader")
@click.argument("run", type=click.Path())
@click.option("--names", "tables", type=click.Path(), multiple=True, required=True,
              help="A CSV of product names (productDisplayName) with baseColour, articleType and gender, or two: "
                   "one with the names, one with the values, joined by their id column.")
def fit_reader(run, tables) -> None:
    """Teach a text-to-image run's prompt reader the language of a larger product table (e.g. the
    whole catalogue's names), without training G again: the reader is fitted on those names and on
    paraphrases of the run's looks, and saved in the run's checkpoints."""
    import json

    import numpy as np

    from couturier import sampling
    from couturier.checkpoint import META, list_checkpoints, resolve_checkpoint
    from couturier.fileio import write_text
    from couturier.text2image.reader import COLUMNS, fit_catalogue_reader

    loaded = sampling.load_generator(run)
    looks = getattr(loaded.model, "looks", None)
    if not loaded.reads_prompts or not looks:
        raise ConfigError(f"{run} is not a text-to-image run with catalogue looks; fit-reader teaches such a run's "
                          "prompt reader", field="run")
    rows = _named_rows(tables)
    encoder = loaded.model.encoder
    empty = {c: [] for c in COLUMNS}
    reader = fit_catalogue_reader(np.zeros((0, encoder.encode(["a"]).shape[1]), np.float32), empty, looks, encoder,
                                  rows, log=click.echo)
    if reader is None:
        raise ConfigError("the run's encoder or catalogue cannot carry a reader (it needs the three look columns and "
                          "an encoder of at most 1024 dimensions, e.g. the sentence encoder)", field="run")
    folders = list_checkpoints(Path(run) / "checkpoints") or [resolve_checkpoint(run)]
    for folder in folders:
        meta = json.loads((folder / META).read_text())
        meta["looks"] = {**meta["looks"], "reader": reader}
        write_text(folder / META, json.dumps(meta, indent=2))
    click.echo(f"fitted the reader on {len(rows)} product names and the run's looks; saved in {len(folders)} "
               f"checkpoint(s) of {run}")


def _named_rows(tables) -> list[dict]:
    """Rows with productDisplayName and the three look values, from one table or two joined by id."""
    from couturier.data.catalogue import product_names
    from couturier.text2image.reader import COLUMNS

    for table in tables:
        if not Path(table).is_file():
            raise ConfigError(f"{table} does not exist; pass a CSV of product names", field="names")
    usable = product_names([Path(t) for t in tables], COLUMNS)
    if not usable:
        raise ConfigError("no row has a productDisplayName and baseColour, articleType and gender; pass a table with "
                          "them, or the names and the values as two tables with an id column", field="names")
    return usable


COMMANDS = (sample, interpolate, generate, fit_reader)
