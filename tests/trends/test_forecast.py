"""The forecast finds a planted trend and beats the naive baselines; on a flat history it invents none."""
from __future__ import annotations

import numpy as np

from couturier.trends import forecast, load_history
from couturier.trends.forecast import backtest


def _navy(fc) -> int:
    return fc.history.values.index("Navy Blue")


def test_planted_trend_is_found_and_beats_every_naive_baseline(trending):
    (fc,) = forecast(load_history(trending, "baseColour"), horizon=2)
    assert fc.method == "multinomial"
    errors = {t.method: t.mae for t in fc.backtests}
    assert all(errors["multinomial"] < errors[name] for name in ("last", "seasonal", "overall"))
    assert fc.verdict.startswith(f"multinomial (error {errors['multinomial']:.4f}) beats last ({errors['last']:.4f}), "
                                 f"overall ({errors['overall']:.4f}), seasonal ({errors['seasonal']:.4f}) over")
    assert fc.verdict.endswith(f"forecasting with multinomial ({errors['multinomial']:.4f})")
    k = _navy(fc)
    last_seen = fc.history.shares[-1, k]  # about 48%
    assert fc.shares[0, k] > last_seen - 0.02 and fc.shares[1, k] > fc.shares[0, k]  # the climb goes on
    assert 0.45 < fc.shares[0, k] < 0.60
    np.testing.assert_allclose(fc.shares.sum(axis=1), 1.0, atol=1e-6)
    assert np.all(fc.low[:, k] <= fc.shares[:, k]) and np.all(fc.shares[:, k] <= fc.high[:, k])
    assert np.all(fc.high[1] - fc.low[1] >= fc.high[0] - fc.low[0] - 1e-9)  # farther ahead, wider


def test_flat_history_gives_a_flat_forecast(flat):
    (fc,) = forecast(load_history(flat, "baseColour"), horizon=4)
    assert np.abs(fc.shares - 0.25).max() < 0.03  # within sampling noise of 400 rows a season
    assert fc.method in ("overall", "multinomial")  # last/seasonal chase noise; they must not win


def test_asking_for_a_method_uses_it_and_says_whether_it_is_the_best(flat):
    (fc,) = forecast(load_history(flat, "baseColour"), method="last")
    errors = {t.method: t.mae for t in fc.backtests}
    assert fc.method == "last" and fc.verdict.endswith(f"forecasting with last ({errors['last']:.4f}) (asked for)")


def test_groups_are_forecast_separately(trending):
    forecasts = forecast(load_history(trending, "baseColour", by="gender"))
    assert sorted(fc.history.group for fc in forecasts) == ["Men", "Women"]
    assert all(fc.method == "multinomial" for fc in forecasts)


def test_backtest_scores_every_origin_after_the_first_three(trending):
    shares = load_history(trending, "baseColour").groups[0]
    result = backtest(shares, "last")
    assert result.origins == len(shares.periods) - 3
    assert result.residuals.shape == (result.origins, len(shares.values))


def test_a_group_too_small_to_forecast_is_left_out_and_named(tmp_path):
    from conftest import rising_navy, write_history

    path = write_history(tmp_path / "three.csv", rising_navy, genders=("Men", "Women", "Men", "Women", "Men",
                                                                       "Women", "Men", "Women", "Men", "Boys"))
    history = load_history(path, "baseColour", by="gender", min_rows=60)  # Boys: 40 rows a season
    forecasts = forecast(history)
    assert [fc.history.group for fc in forecasts] == ["Men", "Women"] and history.unforecast == ["Boys"]


def test_the_forecast_starts_after_the_last_period_even_a_thin_one(tmp_path):
    import csv

    from conftest import rising_navy, write_history

    path = write_history(tmp_path / "h.csv", rising_navy)
    rows = list(csv.DictReader(path.open()))
    late = [dict(rows[-1], id=str(len(rows) + i), season="Spring", year="2021") for i in range(5)]
    with path.open("a", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(rows[0])).writerows(late)
    history = load_history(path, "baseColour")
    (fc,) = forecast(history, horizon=2)
    assert history.groups[0].periods[-1].label == "2021 Spring" and history.groups[0].thin[-1]  # seen, thin
    assert [p.label for p in fc.periods] == ["2021 Summer", "2021 Fall"]
