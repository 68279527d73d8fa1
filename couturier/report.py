"""A self-contained HTML report of a run: config, curves, grids over time, final metrics.

Images are embedded as base64 PNGs so the file can be mailed or archived on its own.
"""
from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

import jinja2

from couturier.data.images import label_rows, make_grid
from couturier.fileio import write_text
from couturier.sampling import generate, load_generator, sample
from couturier.checkpoint import resolve_checkpoint

_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("couturier", "templates"),
                                autoescape=jinja2.select_autoescape(["html", "j2"]))


def _png_base64(path_or_image) -> str:
    if isinstance(path_or_image, (str, Path)):
        data = Path(path_or_image).read_bytes()
    else:
        buffer = io.BytesIO()
        path_or_image.save(buffer, format="PNG")
        data = buffer.getvalue()
    return base64.b64encode(data).decode("ascii")


def _evenly_spaced(items: list, most: int) -> list:
    if len(items) <= most:
        return items
    step = (len(items) - 1) / (most - 1)
    return [items[round(i * step)] for i in range(most)]


def _last_metrics(run: Path) -> list[tuple[str, str]]:
    rows = list(csv.DictReader((run / "metrics.csv").open())) if (run / "metrics.csv").is_file() else []
    metrics: dict = {}
    for row in rows:  # the latest value of each column: evaluation columns are blank between evaluations
        metrics.update({k: v for k, v in row.items() if v not in ("", None)})
    evaluation = run / "evaluation.json"  # written by `couturier evaluate --save`
    if evaluation.is_file():
        metrics.update({k: v for k, v in json.loads(evaluation.read_text()).items() if not isinstance(v, list)})
    return [(k, f"{float(v):.4g}" if _is_number(v) else str(v)) for k, v in metrics.items()]


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def build_report(run: str | Path, out: str | Path | None = None, max_grids: int = 8) -> Path:
    """Write RUN/report.html (or `out`) and return its path."""
    run = Path(run)
    resolve_checkpoint(run)  # a clear error for folders that are not runs
    generator = load_generator(run)
    cfg = generator.config
    conditional = cfg.model.conditional
    grids = sorted((run / "samples").glob("step-*.png"))
    grids_over_time = [(int(p.stem.split("-")[1]), _png_base64(p)) for p in _evenly_spaced(grids, max_grids)]
    per_row = 10
    if generator.reads_prompts:  # one row per training-grid description
        images = generate(generator, list(generator.prompts), n=per_row, seed=0)
    else:
        images, _ = sample(generator, n=per_row * (len(generator.class_names) if conditional else 5), seed=0)
    latest = make_grid(images, per_row)
    latest = latest.resize((latest.width * 3, latest.height * 3))
    row_labels = list(generator.class_names) if conditional else list(generator.prompts)
    if row_labels:
        latest = label_rows(latest, row_labels, images.shape[2] * 3, 2 * 3)
    html = _TEMPLATES.get_template("report.html.j2").render(
        name=run.name,
        summary=(f"{cfg.model.name}{' (conditional)' if conditional else ''}, loss {cfg.loss.name}, "
                 f"step {generator.step}, batch {cfg.train.batch_size}, data {cfg.data.dataset}"),
        final_metrics=_last_metrics(run),
        curves=[_png_base64(p) for p in (run / "loss_curves.png", run / "metric_curves.png") if p.is_file()],
        grids_over_time=grids_over_time,
        latest_title=("One row per class" if conditional else
                      "One row per description" if generator.prompts else "Samples (seed 0)"),
        latest=_png_base64(latest),
        row_labels=row_labels,
        extra_panels=[(title, _png_base64(run / name)) for title, name in
                      (("Nearest training images", "nearest_neighbours.png"),) if (run / name).is_file()],
        config=json.dumps(cfg.to_dict(), indent=2),
    )
    out = Path(out) if out else run / "report.html"
    write_text(out, html)
    return out


def compare_runs(runs: list[str | Path], out: str | Path | None = None) -> tuple[list[str], list[dict]]:
    """Final metrics of several runs: returns (metric names, one dict per run) and, with `out`,
    draws one figure with a bar panel per metric."""
    table = []
    for run in runs:
        run = Path(run)
        if not (run / "metrics.csv").is_file():
            raise FileNotFoundError(f"{run} has no metrics.csv; pass run folders written by training (metrics.csv is missing)")
        values = {k: float(v) for k, v in _last_metrics(run) if _is_number(v)}
        table.append({"run": run.name, **values})
    skip = {"step", "elapsed_s"}
    names = [k for k in table[0] if k != "run" and k not in skip and all(k in row for row in table)]
    if out:
        from couturier.viz import plot_metric_bars

        plot_metric_bars(table, names, out)
    return names, table
