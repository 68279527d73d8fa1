"""`couturier evaluate`, `report` and `compare`: numbers and pages about runs."""
from __future__ import annotations

import click


@click.command()
@click.argument("source", type=click.Path())
@click.option("--n", "n", type=int, default=10000, show_default=True, help="Samples to draw from a run.")
@click.option("--ref", default="test", show_default=True,
              help="Real images to compare with: 'test' or 'train' (Fashion-MNIST), a catalogue (CSV, JSONL or "
                   "a folder with styles.csv), a folder of images, or an .npz/.npy.")
@click.option("--features", default="fashion", show_default=True,
              help="Feature network: 'fashion' (shipped), FILE.safetensors, inception:FILE, attributes:FILE "
                   "(a catalogue's attribute classifier), FILE.pt or FILE.onnx.")
@click.option("--trust-code", is_flag=True,
              help="Allow TorchScript (.pt/.ts) and torch.export (.pt2) feature networks: loading them runs "
                   "code from the file.")
@click.option("--size", type=int, default=64, show_default=True, help="Side of catalogue images as read (--ref).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--prompts", "prompts_file", type=click.Path(),
              help="Text-to-image runs: draw these prompts instead of the catalogue's descriptions; a CSV with a "
                   "'prompt' column and the attributes each asks for (e.g. baseColour, articleType, gender).")
@click.option("--literal", is_flag=True, help="Give G the prompts as written, not read in the catalogue's words.")
@click.option("--best-of", type=int, default=1, show_default=True,
              help="Judge the run's D's favourite of this many draws per image, as `generate --best-of` keeps "
                   "(1: G's raw samples, the usual way to compare GANs).")
@click.option("--no-memorisation", is_flag=True, help="Skip the nearest-training-image check.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--save", is_flag=True, help="Also write evaluation.json and nearest_neighbours.png into the run.")
@click.option("--device", default="cpu", show_default=True)
def evaluate(source, n, ref, features, trust_code, size, seed, prompts_file, literal, best_of, no_memorisation, as_json,
             save, device) -> None:
    """Judge samples (a run, an .npz/.npy or an image folder) against real images: FID, KID, PRDC,
    classes, copying, and attribute match for text-to-image runs judged against a catalogue."""
    import json

    from couturier.metrics.evaluate import evaluate as run_evaluation
    from couturier.metrics.evaluate import reference_of
    from couturier.metrics.features import load_feature_net
    from couturier.metrics.registry import table_columns
    from couturier.samples import load_prompts, load_reference, load_samples, save_evaluation

    prompts = load_prompts(prompts_file) if prompts_file else None
    net = load_feature_net(features, trust_code)
    real = load_reference(ref, size=size)
    samples = load_samples(source, n, seed, device, real, prompts, literal, best_of)
    reference = ref if real.is_fashion_mnist else reference_of(net, real.images, real.name)
    extra = {}
    if samples.wanted:  # a text-to-image run drawn from catalogue descriptions
        extra = {"attributes": samples.wanted, "groups": samples.groups(), "reference_groups": real.groups()}
    results = run_evaluation(samples.images, net, reference, samples.requested, seed,
                             check_memorisation=not no_memorisation, extra=extra)
    if save:
        written = save_evaluation(source, samples.images, results)
        click.echo(f"wrote {', '.join(str(p) for p in written)}", err=as_json)
    if as_json:
        click.echo(json.dumps(results))
        return
    click.echo(f"{source}: {results['n']} images against {results['ref']} in the {results['features']} features")
    for key in table_columns() + sorted(k for k in results if k.startswith("attribute_match_")):
        if key in results:
            click.echo(f"  {key:22s} {results[key]:.4f}")


@click.command()
@click.argument("run", type=click.Path())
@click.option("--out", type=click.Path(), help="HTML file (default RUN/report.html).")
def report(run, out) -> None:
    """Write one self-contained HTML report of a run."""
    from couturier.report import build_report

    click.echo(f"wrote {build_report(run, out)}")


@click.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path())
@click.option("--out", type=click.Path(), help="Also draw the metrics side by side into this PNG.")
def compare(runs, out) -> None:
    """Print (and plot) several runs' final metrics side by side."""
    from couturier.report import compare_runs

    names, table = compare_runs(list(runs), out)
    width = max(len(r["run"]) for r in table) + 2
    click.echo("metric".ljust(22) + "".join(r["run"].rjust(width) for r in table))
    for name in names:
        click.echo(name.ljust(22) + "".join(f"{r[name]:.4g}".rjust(width) for r in table))
    if out:
        click.echo(f"figure: {out}")


@click.command("train-classifier")
@click.argument("catalogue", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="FILE.safetensors (its class lists go to FILE.json).")
@click.option("--attributes", default="baseColour,articleType,gender", show_default=True,
              help="The catalogue's columns it learns to tell, comma-separated.")
@click.option("--epochs", type=int, default=8, show_default=True)
@click.option("--min-count", type=int, default=20, show_default=True,
              help="A value seen fewer times than this is not a class (its photos are ignored by that column).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def train_classifier(catalogue, out, attributes, epochs, min_count, seed, force) -> None:
    """Train an attribute classifier on CATALOGUE's photos: the judge of `evaluate --features
    attributes:FILE` and `directions --classifier FILE` (colour, article type, gender by default)."""
    from pathlib import Path

    from couturier.cli.generate import refuse_existing
    from couturier.data.catalogue import load_catalogue
    from couturier.errors import ConfigError
    from couturier.metrics.attributes import attribute_classes, train_attribute_judge

    out = Path(out)
    if out.suffix != ".safetensors":
        raise ConfigError(f"--out {out}: name the classifier FILE.safetensors", field="out")
    if epochs < 1:
        raise ConfigError(f"--epochs {epochs}: train at least 1", field="epochs")
    refuse_existing(out, force)
    columns = [c.strip() for c in attributes.split(",") if c.strip()]
    data = load_catalogue(catalogue, 64, attribute_columns=",".join(columns))
    values = {c: list(data.attributes[c]) for c in columns}
    thin = [c for c, known in attribute_classes(values, min_count).items() if len(known) < 2]
    if thin:
        raise ConfigError(f"{thin[0]!r} has fewer than two values seen {min_count} times in {catalogue}; lower "
                          "--min-count or leave it out of --attributes", field="attributes")
    judge = train_attribute_judge(data.images, values, epochs, seed, min_count=min_count)
    judge.save(out)
    click.echo(f"wrote {out} ({', '.join(f'{c}: {len(v)} values' for c, v in judge.classes.items())})")


COMMANDS = (evaluate, report, compare, train_classifier)
