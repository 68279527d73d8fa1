"""Trend forecasting on the catalogue's history: does the model beat the naive baselines?

    python benchmarks/trends.py                      # every configs/trends/*.toml
    python benchmarks/trends.py --generate runs/bench/t2i-cmp/RUN   # and draw next season's looks

For each config (one attribute of the 44,446-product metadata): the rolling-origin backtest error
of every method (mean absolute share error and log loss over the solid seasons), the method
"auto" picks, and the forecast plot; with --generate, the top forecast looks of colour x article
type by gender drawn by a text-to-image run. Results go to docs/trends/.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from couturier.config import load_config_file
from couturier.fileio import write_text
from couturier.trends import forecast, load_history
from couturier.trends.plot import plot_backtest, plot_forecast

DOCS = Path("docs/trends")
PLOTS = Path("runs/bench/trends")


def run_config(path: Path) -> dict:
    spec = load_config_file(path)
    start = time.perf_counter()
    history = load_history(spec["catalogue"], spec["attribute"], spec.get("by", ""), top=spec.get("top", 10),
                           min_rows=spec.get("min_rows", 100))
    forecasts = forecast(history, spec.get("horizon", 2))
    seconds = time.perf_counter() - start
    # the plots go beside the runs: the docs pages show only the collection
    PLOTS.mkdir(parents=True, exist_ok=True)
    plot_forecast(forecasts, PLOTS / f"forecast-{path.stem}.png", f"Shares of {spec['attribute']}: history and forecast")
    plot_backtest(forecasts, PLOTS / f"backtest-{path.stem}.png", f"{spec['attribute']}: backtest error per method")
    fc = forecasts[0]
    solid = fc.history.solid()
    return {"attribute": spec["attribute"], "seconds": round(seconds, 1), "periods": len(fc.history.periods),
            "solid_periods": len(solid.periods), "skipped_rows": history.skipped,
            "backtest": {t.method: {"mae": round(t.mae, 5), "log_loss": round(t.log_loss, 4), "origins": t.origins}
                         for t in fc.backtests},
            "chosen": fc.method, "verdict": fc.verdict,
            "next": {p.label: {v: round(float(s), 4) for v, s in zip(fc.history.values, fc.shares[h])}
                     for h, p in enumerate(fc.periods)}}


def draw(run: str, catalogue: str) -> dict:
    from couturier.sampling import load_generator
    from couturier.trends.collection import collection_looks, draw_collection

    history = load_history(catalogue, "baseColour,articleType", by="gender", top=30, max_groups=2)
    forecasts = forecast(history, 1)
    looks = collection_looks(history, forecasts, 4)
    rows = draw_collection(looks, load_generator(run), DOCS / "collection.png", per_look=6,
                           title=f"Next season, drawn ({forecasts[0].periods[0].label})")
    return {"run": run, "looks": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(str(p) for p in sorted(Path("configs/trends").glob("*.toml"))))
    parser.add_argument("--generate", help="a text-to-image run to draw the forecast looks with")
    args = parser.parse_args()
    report = {"date": time.strftime("%Y-%m-%d"), "rows": [run_config(Path(p)) for p in args.configs.split(",")]}
    if args.generate:
        report["collection"] = draw(args.generate, load_config_file(args.configs.split(",")[0])["catalogue"])
    DOCS.mkdir(parents=True, exist_ok=True)
    write_text(DOCS / "results.json", json.dumps(report, indent=2))
    for row in report["rows"]:
        errors = ", ".join(f"{m} {v['mae'] * 100:.2f}" for m, v in row["backtest"].items())
        print(f"{row['attribute']}: {errors} (points of share); {row['verdict']}")


if __name__ == "__main__":
    main()
