"""A catalogue's history as shares: how much of each period went to each value of an attribute.

Rows come from a CSV or JSONL table (the catalogue's own, or a sales log). A period is read from
a `year` and `season` column (the fashion product catalogue's layout), a year alone, or a date
(then quarters, or months). Each row counts once, or by a weight column (units sold).

Periods with too few rows are kept but flagged `thin`: they are drawn hollow and neither fitted
nor scored, because a share over a dozen products is noise, not a trend.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from couturier.errors import DataError

SEASONS = ("Spring", "Summer", "Fall", "Winter")  # the order within a year
SEASON_ALIASES = {"autumn": "Fall", "fall": "Fall", "spring": "Spring", "summer": "Summer", "winter": "Winter"}
DATE_COLUMNS = ("date", "order_date", "sold_at", "timestamp", "created_at")
OTHER = "Other"
COMBINED = " / "  # between the values of a joint attribute ("Navy Blue / Shirts")


@dataclass(frozen=True)
class Period:
    index: int  # position on a regular calendar (year * per_year + slot), so gaps keep their width
    label: str  # "2012 Summer", "2024-Q3", "2011"
    slot: int  # the season, quarter or month within the year (0 when yearly)


@dataclass
class Shares:
    """Counts (weights) of each value per period, for one group."""
    group: str
    periods: list[Period]
    values: list[str]  # the top values by total weight, then OTHER when anything was folded into it
    counts: np.ndarray  # float (P, K)
    rows: np.ndarray  # int (P,): catalogue rows per period (before weights)
    thin: np.ndarray  # bool (P,): fewer rows than the minimum
    per_year: int = 4

    @property
    def shares(self) -> np.ndarray:
        totals = self.counts.sum(axis=1, keepdims=True)
        return np.divide(self.counts, totals, out=np.zeros_like(self.counts), where=totals > 0)

    def solid(self) -> "Shares":
        """The periods that count as signal."""
        keep = ~self.thin
        return Shares(self.group, [p for p, k in zip(self.periods, keep) if k], self.values,
                      self.counts[keep], self.rows[keep], self.thin[keep], self.per_year)

    def head(self, n: int) -> "Shares":
        return Shares(self.group, self.periods[:n], self.values, self.counts[:n], self.rows[:n], self.thin[:n],
                      self.per_year)


@dataclass
class History:
    attribute: str  # "baseColour", or "baseColour,articleType" for joint values
    by: str  # the grouping column, "" for none
    time: str  # how periods were read: "year+season", "year", "date:quarter", "date:month"
    groups: list[Shares] = field(default_factory=list)
    skipped: int = 0  # rows without a readable period or value
    unforecast: list[str] = field(default_factory=list)  # groups with too few solid periods to forecast


def read_rows(path: str | Path) -> tuple[list[dict[str, str]], list[str]]:
    """The table's rows and columns (CSV or JSONL, UTF-8 with or without a byte-order mark)."""
    from couturier.data.catalogue import read_table

    path = Path(path)
    if not path.is_file():
        raise DataError(f"catalogue {path} not found; pass a CSV or JSONL table with a time column",
                        field="catalogue")
    rows = read_table(path, field="catalogue")
    if not rows:
        raise DataError(f"{path} has no rows", field="catalogue")
    return rows, list(rows[0].keys())


def _season_slot(value: str) -> int | None:
    name = SEASON_ALIASES.get(value.strip().lower())
    return SEASONS.index(name) if name else None


def _year(value: str) -> int | None:
    try:
        year = float(value)
    except ValueError:
        return None
    return int(year) if math.isfinite(year) and 1000 <= year <= 9999 else None


def pick_time(columns: list[str], time: str) -> str:
    """'year+season', 'year' or 'date:<column>' for the table, from `time` ('auto' or a column)."""
    lower = {c.lower(): c for c in columns}
    if time == "auto":
        if "year" in lower and "season" in lower:
            return "year+season"
        if "year" in lower:
            return "year"
        for name in DATE_COLUMNS:
            if name in lower:
                return f"date:{lower[name]}"
        raise DataError(f"no time column (year, season or a date); name the time column (columns found: "
                        f"{', '.join(columns)})", field="time")
    if time in ("year+season", "year"):
        missing = [c for c in time.split("+") if c not in lower]
        if missing:
            raise DataError(f"time {time!r} needs a {missing[0]!r} column (columns found: {', '.join(columns)})",
                            field="time")
        return time
    if time not in columns:
        raise DataError(f"time column {time!r} is not in the table (columns found: {', '.join(columns)})",
                        field="time")
    return f"date:{time}"


def period_of(row: dict[str, str], time: str, columns: dict[str, str], frequency: str) -> Period | None:
    """The row's period, or None when its time cells are empty or unreadable."""
    if time.startswith("date:"):
        text = (row.get(time[5:]) or "").strip()
        try:
            when = dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
        if frequency == "month":
            return Period(when.year * 12 + when.month - 1, f"{when.year}-{when.month:02d}", when.month - 1)
        quarter = (when.month - 1) // 3
        return Period(when.year * 4 + quarter, f"{when.year}-Q{quarter + 1}", quarter)
    year = _year(row.get(columns["year"]) or "")
    if year is None:
        return None
    if time == "year":
        return Period(year, str(year), 0)
    slot = _season_slot(row.get(columns["season"]) or "")
    return None if slot is None else Period(year * 4 + slot, f"{year} {SEASONS[slot]}", slot)


def _weight(row: dict[str, str], weight: str, number: int) -> float:
    if not weight:
        return 1.0
    text = (row.get(weight) or "").strip()
    try:
        value = float(text) if text else 0.0
    except ValueError:
        raise DataError(f"row {number}: weight column {weight!r} holds {text!r}, not a number; fix or remove "
                        f"the row", field="weight") from None
    if not math.isfinite(value) or value < 0:
        raise DataError(f"row {number}: weight column {weight!r} holds {text!r}; weights (units sold) must be "
                        f"finite and not negative", field="weight")
    return value


def check_columns(columns: list[str], names: list[str], what: str, flag: str) -> None:
    for name in names:
        if name not in columns:
            raise DataError(f"{what} {name!r} is not a column of the table; columns found: {', '.join(columns)}",
                            field=flag)


def load_history(path: str | Path, attribute: str = "baseColour", by: str = "", time: str = "auto",
                 frequency: str = "quarter", weight: str = "", top: int = 10, min_rows: int = 100,
                 max_groups: int = 4) -> History:
    """Shares of `attribute`'s values per period (within each of the `max_groups` largest groups of
    `by`). A comma-separated attribute ("baseColour,articleType") counts joint values."""
    rows, columns = read_rows(path)
    attributes = [a.strip() for a in attribute.split(",") if a.strip()]
    if not attributes:
        raise DataError("name the attribute to forecast, e.g. baseColour", field="attribute")
    check_columns(columns, attributes, "attribute", "attribute")
    check_columns(columns, [by] if by else [], "group column", "by")
    check_columns(columns, [weight] if weight else [], "weight column", "weight")
    mode = pick_time(columns, time)
    lower = {c.lower(): c for c in columns}

    totals: dict[str, dict[Period, dict[str, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    counted: dict[str, dict[Period, int]] = defaultdict(lambda: defaultdict(int))
    skipped = unreadable = 0
    example = ""
    for number, row in enumerate(rows, 2):
        period = period_of(row, mode, lower, frequency)
        value = COMBINED.join((row.get(a) or "").strip() for a in attributes)
        if period is None or any((row.get(a) or "").strip().upper() in ("", "NA") for a in attributes):
            skipped += 1
            if period is None and any((row.get(c) or "").strip() for c in _time_columns(mode, lower)):
                unreadable += 1
                example = example or f"row {number}: " + ", ".join(
                    f"{c}={row.get(c)!r}" for c in _time_columns(mode, lower))
            continue
        group = (row.get(by) or "").strip() or "(none)" if by else ""
        totals[group][period][value] += _weight(row, weight, number)
        counted[group][period] += 1
    if unreadable > 0.05 * len(rows):
        raise DataError(f"{unreadable} of {len(rows)} rows have a time the reader cannot parse ({example}); "
                        f"use ISO dates (2024-03-31), years, and seasons named {', '.join(SEASONS)}", field="time")
    if not totals:
        raise DataError(f"no row of {path} has both a period and a value of {attribute}", field="time")
    sizes = sorted(totals, key=lambda g: -sum(counted[g].values()))[:max_groups]
    per_year = 12 if mode.startswith("date") and frequency == "month" else 1 if mode == "year" else 4
    history = History(attribute, by, mode if not mode.startswith("date") else f"date:{frequency}", [], skipped)
    for group in sizes:
        history.groups.append(_shares(group, totals[group], counted[group], top, min_rows, per_year))
    if len(history.groups[0].periods) < 2:
        raise DataError(f"{path} covers a single period ({history.groups[0].periods[0].label}); a trend needs at "
                        f"least two (check the time column, or use a finer frequency)", field="time")
    return history


def _time_columns(mode: str, lower: dict[str, str]) -> list[str]:
    if mode.startswith("date:"):
        return [mode[5:]]
    return [lower[c] for c in mode.split("+")]


def _shares(group: str, table: dict[Period, dict[str, float]], rows: dict[Period, int], top: int,
            min_rows: int, per_year: int) -> Shares:
    periods = sorted(table, key=lambda p: p.index)
    overall: dict[str, float] = defaultdict(float)
    for counts in table.values():
        for value, w in counts.items():
            overall[value] += w
    kept = sorted(overall, key=lambda v: (-overall[v], v))[:top]
    values = kept + ([OTHER] if len(overall) > len(kept) else [])
    counts = np.zeros((len(periods), len(values)))
    position = {v: i for i, v in enumerate(values)}
    for p, period in enumerate(periods):
        for value, w in table[period].items():
            counts[p, position.get(value, len(kept))] += w
    n_rows = np.array([rows[p] for p in periods])
    return Shares(group, periods, values, counts, n_rows, n_rows < min_rows, per_year)


def following(history_time: str, last: Period, horizon: int) -> list[Period]:
    """The `horizon` calendar periods after `last`."""
    out = []
    for step in range(1, horizon + 1):
        index = last.index + step
        if history_time == "year":
            out.append(Period(index, str(index), 0))
        elif history_time == "date:month":
            out.append(Period(index, f"{index // 12}-{index % 12 + 1:02d}", index % 12))
        elif history_time == "date:quarter":
            out.append(Period(index, f"{index // 4}-Q{index % 4 + 1}", index % 4))
        else:
            out.append(Period(index, f"{index // 4} {SEASONS[index % 4]}", index % 4))
    return out
