"""A forecast as files: tables (CSV and JSON) a merchandiser opens, and the plots."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from couturier.fileio import replace_folder
from couturier.trends.forecast import GroupForecast
from couturier.trends.history import History


def _number(x: float) -> float | None:
    return None if np.isnan(x) else round(float(x), 6)


def trend_tables(history: History, forecasts: list[GroupForecast]) -> dict:
    """Everything the files hold, as JSON-ready rows: history, forecast, backtest, verdicts."""
    rows_history, rows_forecast, rows_backtest, summary = [], [], [], []
    for fc in forecasts:
        shares, g = fc.history, fc.history.group
        for p, period in enumerate(shares.periods):
            for k, value in enumerate(shares.values):
                rows_history.append({"group": g, "period": period.label, "value": value,
                                     "share": round(float(shares.shares[p, k]), 6), "weight": float(shares.counts[p, k]),
                                     "rows": int(shares.rows[p]), "thin": bool(shares.thin[p])})
        for h, period in enumerate(fc.periods):
            for k, value in enumerate(shares.values):
                rows_forecast.append({"group": g, "period": period.label, "value": value, "method": fc.method,
                                      "share": round(float(fc.shares[h, k]), 6), "low": _number(fc.low[h, k]),
                                      "high": _number(fc.high[h, k])})
        for t in fc.backtests:
            rows_backtest.append({"group": g, "method": t.method, "mean_abs_share_error": _number(t.mae),
                                  "log_loss": _number(t.log_loss), "origins": t.origins, "chosen": t.method == fc.method})
        summary.append({"group": g, "method": fc.method, "verdict": fc.verdict,
                        "top": [{"value": v, "share": round(s, 4)} for v, s in fc.top(5)]})
    return {"attribute": history.attribute, "by": history.by, "time": history.time, "skipped_rows": history.skipped,
            "unforecast_groups": list(history.unforecast),
            "summary": summary, "history": rows_history, "forecast": rows_forecast, "backtest": rows_backtest}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_trends(history: History, forecasts: list[GroupForecast], out: str | Path, extra=None) -> dict:
    """Write out/ whole (replaced at once, never half-written): forecast.png, backtest.png,
    history.csv, forecast.csv, backtest.csv and trends.json. `extra(folder)` adds files (the collection)."""
    from couturier.trends.plot import plot_backtest, plot_forecast

    tables = trend_tables(history, forecasts)
    title = f"{history.attribute}" + (f" by {history.by}" if history.by else "")

    def write(folder: Path) -> None:
        plot_forecast(forecasts, folder / "forecast.png", f"Shares of {title}: history and forecast")
        plot_backtest(forecasts, folder / "backtest.png", f"{title}: backtest error per method (lower is better)")
        for name in ("history", "forecast", "backtest"):
            (folder / f"{name}.csv").write_text(_csv(tables[name]), encoding="utf-8")
        if extra is not None:
            tables.update(extra(folder) or {})
        (folder / "trends.json").write_text(json.dumps(tables, indent=1), encoding="utf-8")

    replace_folder(out, write)
    return tables
