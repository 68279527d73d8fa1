"""`couturier trends`: share forecasts from a catalogue's history, and next season drawn."""
from __future__ import annotations

from pathlib import Path

import click

from couturier.cli.generate import refuse_existing
from couturier.errors import ConfigError


@click.command()
@click.argument("catalogue", type=click.Path())
@click.option("--attribute", default="baseColour", show_default=True,
              help="Column to forecast; comma-separated for joint values (baseColour,articleType).")
@click.option("--by", default="", help="Forecast within each value of this column (e.g. gender).")
@click.option("--horizon", type=int, default=2, show_default=True, help="Periods ahead.")
@click.option("--method", default="auto", show_default=True,
              help="auto (lowest backtest error), multinomial, last, seasonal or overall.")
@click.option("--time", "time_", default="auto", show_default=True,
              help="year+season, year, or a date column (auto: whichever the table has).")
@click.option("--frequency", type=click.Choice(["quarter", "month"]), default="quarter", show_default=True,
              help="Periods of a date column.")
@click.option("--weight", default="", help="Column of units sold (default: each row counts once).")
@click.option("--top", type=click.IntRange(1, 50), default=10, show_default=True,
              help="Values kept; the rest are summed as Other.")
@click.option("--min-rows", type=click.IntRange(1), default=100, show_default=True,
              help="Periods with fewer rows are flagged thin: drawn hollow, not fitted.")
@click.option("--groups", type=click.IntRange(1, 12), default=4, show_default=True, help="Largest groups of --by kept.")
@click.option("--level", type=float, default=0.8, show_default=True, help="Prediction interval level.")
@click.option("--generate", "run", type=click.Path(), help="A text-to-image run: draw the top forecast looks.")
@click.option("--looks", type=click.IntRange(1, 12), default=4, show_default=True, help="Looks drawn per group.")
@click.option("--per-look", type=click.IntRange(1, 16), default=6, show_default=True, help="Seeds per look.")
@click.option("--out", type=click.Path(), default="trends", show_default=True, help="Output folder.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def trends(catalogue, attribute, by, horizon, method, time_, frequency, weight, top, min_rows, groups, level,
           run, looks, per_look, out, force) -> None:
    """Forecast the shares of an attribute's values from a catalogue's history, with a backtest.

    Example: couturier trends styles.csv --attribute baseColour --by gender --horizon 2 --out trends/
    """
    from couturier.trends import forecast, load_history, write_trends
    from couturier.trends.methods import check_method

    out = Path(out)
    refuse_existing(out, force, folder=True)
    check_method(method)
    loaded = None
    if run:  # loaded, and a run that cannot draw refused, before the forecast's work
        from couturier.sampling import load_generator

        loaded = load_generator(run)
        if not loaded.reads_prompts:
            raise ConfigError(f"--generate {run} is not a text-to-image run; train one with --task text2image")
    history = load_history(catalogue, attribute, by, time_, frequency, weight, top, min_rows, groups)
    forecasts = forecast(history, horizon, method, level)
    extra = None
    if loaded is not None:
        from couturier.trends.collection import collection_looks, draw_collection

        chosen = collection_looks(history, forecasts, looks)

        def extra(folder: Path) -> dict:
            title = f"Next season, drawn ({forecasts[0].periods[0].label})"
            return {"collection": draw_collection(chosen, loaded, folder / "collection.png", per_look, title=title)}
    tables = write_trends(history, forecasts, out, extra)
    if history.unforecast:
        click.echo(f"not forecast (fewer than two periods of {min_rows}+ rows): {', '.join(history.unforecast)}")
    for line in tables["summary"]:
        top_values = ", ".join(f"{t['value']} {t['share'] * 100:.1f}%" for t in line["top"])
        click.echo(f"{line['group'] or 'all'}: {line['verdict']}\n  next: {top_values}")
    click.echo(f"wrote {out}/ ({', '.join(sorted(p.name for p in out.iterdir()))})")


COMMANDS = (trends,)
