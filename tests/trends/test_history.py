"""Reading a history: periods from year+season, years or dates; thin periods flagged; bad tables refused."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from couturier.errors import DataError
from couturier.trends.history import OTHER, load_history


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_year_and_season_make_ordered_periods_with_shares(trending):
    history = load_history(trending, "baseColour")
    (shares,) = history.groups
    assert history.time == "year+season"
    assert [p.label for p in shares.periods[:5]] == ["2016 Spring", "2016 Summer", "2016 Fall", "2016 Winter",
                                                    "2017 Spring"]
    np.testing.assert_allclose(shares.shares.sum(axis=1), 1.0)
    assert shares.counts.sum() == 20 * 400


def test_joint_attributes_top_values_and_other(trending):
    (shares,) = load_history(trending, "baseColour,articleType", top=3).groups
    assert len(shares.values) == 4 and shares.values[-1] == OTHER
    assert all(" / " in v for v in shares.values[:3])


def test_weights_count_units_and_thin_periods_are_flagged(tmp_path):
    rows = [{"date": f"2024-{m:02d}-15", "colour": c, "units": u}
            for m, c, u in [(1, "red", 5), (2, "blue", 1), (4, "red", 1), (5, "red", 1), (7, "blue", 2)]]
    history = load_history(_write(tmp_path / "sales.csv", rows), "colour", weight="units", min_rows=2)
    (shares,) = history.groups
    assert history.time == "date:quarter"
    assert [p.label for p in shares.periods] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert shares.counts[0].tolist() == [5.0, 1.0]  # red 5 units, blue 1 (values by total weight: red first)
    assert shares.thin.tolist() == [False, False, True]


@pytest.mark.parametrize("change, message", [
    ({"attribute": "colour"}, "is not a column of the table; columns found: id, gender"),
    ({"time": "sold_on"}, "time column 'sold_on' is not in the table"),
    ({"weight": "units"}, "weight column 'units' is not a column"),
])
def test_unknown_columns_list_the_columns(trending, change, message):
    with pytest.raises(DataError, match=message):
        load_history(trending, **{"attribute": "baseColour", **change})


def test_no_time_column_single_period_bad_dates_and_negative_weights(tmp_path):
    no_time = _write(tmp_path / "a.csv", [{"colour": "red"}, {"colour": "blue"}])
    with pytest.raises(DataError, match="no time column"):
        load_history(no_time, "colour")
    one = _write(tmp_path / "b.csv", [{"year": 2024, "colour": "red"}, {"year": 2024, "colour": "blue"}])
    with pytest.raises(DataError, match="single period"):
        load_history(one, "colour")
    dates = _write(tmp_path / "c.csv", [{"date": "31/12/2024", "colour": "red"}] * 3)
    with pytest.raises(DataError, match="cannot parse.*date='31/12/2024'"):
        load_history(dates, "colour")
    negative = _write(tmp_path / "d.csv", [{"year": 2023, "colour": "red", "units": "3"},
                                           {"year": 2024, "colour": "red", "units": "-1"}])
    with pytest.raises(DataError, match="row 3: weight column 'units' holds '-1'"):
        load_history(negative, "colour", weight="units")
