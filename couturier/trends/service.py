"""Trends for a request: an uploaded table in, the tables and plots (as base64 PNGs) out."""
from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from couturier.errors import DataError


def trends_report(data: bytes, attribute: str, by: str = "", horizon: int = 2, method: str = "auto",
                  top: int = 10, min_rows: int = 100, loaded=None, looks: int = 3, per_look: int = 4) -> dict:
    """What `couturier trends` writes, as one JSON-ready dict; `loaded` (a text-to-image generator)
    also draws the collection."""
    from couturier.trends import forecast, load_history, trend_tables
    from couturier.trends.collection import collection_looks, draw_collection
    from couturier.trends.plot import plot_forecast

    if not data.strip():
        raise DataError("the catalogue is empty; upload a CSV or JSONL table with a time column", field="catalogue")
    if loaded is not None and not loaded.reads_prompts:
        raise DataError("drawing the collection needs a text-to-image model", field="model")
    suffix = ".jsonl" if data.lstrip()[:1] in (b"{", b"[") else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / f"catalogue{suffix}"
        table.write_bytes(data)
        history = load_history(table, attribute, by, top=top, min_rows=min_rows)
        forecasts = forecast(history, horizon, method)
        report = trend_tables(history, forecasts)
        del report["history"]  # the caller has it
        plot_forecast(forecasts, Path(folder) / "forecast.png")
        report["forecast_png"] = base64.b64encode((Path(folder) / "forecast.png").read_bytes()).decode()
        if loaded is not None:
            chosen = collection_looks(history, forecasts, looks)
            report["collection"] = draw_collection(chosen, loaded, Path(folder) / "collection.png", per_look)
            report["collection_png"] = base64.b64encode((Path(folder) / "collection.png").read_bytes()).decode()
    return report
