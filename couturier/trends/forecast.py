"""Forecast with a method the history supports: rolling-origin backtests choose it and size its intervals.

Backtest: for every solid period after the first few, each method is fitted on the periods before
it and predicts it; the errors are the mean absolute share error (how many points of share the
forecast is off, per value) and the log loss of what actually sold. "auto" forecasts with the
method of lowest error, so where the model does not beat the naive baselines, a baseline is used
and the summary says so.

Prediction intervals come from the same backtest (split-conformal style): the chosen method's
own one-step errors, per value, around the forecast; k periods ahead they widen by sqrt(k). An
interval is then as wide as the method's record says, not as narrow as a model assumes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from couturier.errors import DataError
from couturier.trends.history import History, Period, Shares, following
from couturier.trends.methods import check_method, get_method, method_names

MIN_TRAIN = 3  # periods a backtest fit needs at least
MIN_ORIGINS = 3  # backtest forecasts needed to size an interval
MODEL = "multinomial"


@dataclass
class Backtest:
    method: str
    mae: float  # mean absolute share error, averaged over values and origins
    log_loss: float  # cross-entropy of the actual shares under the forecast
    origins: int
    residuals: np.ndarray = field(repr=False)  # (origins, K) actual - forecast


@dataclass
class GroupForecast:
    group: str
    method: str
    history: Shares
    periods: list[Period]
    shares: np.ndarray  # (H, K)
    low: np.ndarray  # (H, K), NaN when there were too few backtest origins
    high: np.ndarray
    backtests: list[Backtest]
    verdict: str  # one line: does the model beat the baselines, and what was used

    def top(self, n: int) -> list[tuple[str, float]]:
        """The values with the largest forecast share in the first forecast period (OTHER left out)."""
        order = np.argsort(-self.shares[0])
        return [(self.history.values[k], float(self.shares[0, k])) for k in order
                if self.history.values[k] != "Other"][:n]


def backtest(shares: Shares, method: str) -> Backtest:
    actual_all = shares.shares
    errors, losses, residuals = [], [], []
    for origin in range(MIN_TRAIN, len(shares.periods)):
        predicted = get_method(method).fit(shares.head(origin)).predict([shares.periods[origin]])[0]
        actual = actual_all[origin]
        errors.append(np.abs(predicted - actual).mean())
        losses.append(-(actual * np.log(np.clip(predicted, 1e-6, 1.0))).sum())
        residuals.append(actual - predicted)
    if not errors:
        return Backtest(method, float("nan"), float("nan"), 0, np.zeros((0, len(shares.values))))
    return Backtest(method, float(np.mean(errors)), float(np.mean(losses)), len(errors), np.array(residuals))


def verdict(tests: list[Backtest], chosen: str, asked: str) -> str:
    """One line on the backtest, each error named with its method, e.g. 'multinomial (error 0.0393)
    beats last (0.0451); it does not beat overall (0.0362) over 12 backtest periods; forecasting
    with overall (0.0362)'. Errors are mean absolute share errors, as backtest.csv holds them."""
    by_name = {t.method: t for t in tests}
    model = by_name.get(MODEL)
    if model is None or model.origins == 0:
        return f"too few periods to backtest (need {MIN_TRAIN + 1} solid ones); forecasting with {chosen}"

    def named(t: Backtest) -> str:
        return f"{t.method} ({t.mae:.4f})"

    baselines = [t for t in tests if t.method != MODEL]
    beaten = [named(t) for t in baselines if model.mae < t.mae]
    lost = [named(t) for t in baselines if model.mae >= t.mae]
    line = (f"{MODEL} (error {model.mae:.4f}) beats {', '.join(beaten) or 'no baseline'}"
            + (f"; it does not beat {', '.join(lost)}" if lost else "") + f" over {model.origins} backtest periods")
    used = by_name.get(chosen)
    used = named(used) if used is not None and used.origins else chosen
    return f"{line}; forecasting with {used}" + (" (asked for)" if asked != "auto" else "")


def forecast_group(shares: Shares, history_time: str, horizon: int, method: str = "auto",
                   level: float = 0.8) -> GroupForecast:
    solid = shares.solid()
    if len(solid.periods) < 2:
        raise DataError(f"group {shares.group or '(all)'} has fewer than two periods with enough rows; lower "
                        f"the minimum rows per period (min_rows) or use a coarser time column", field="min_rows")
    tests = [backtest(solid, name) for name in method_names()]
    scored = [t for t in tests if t.origins > 0]
    chosen = method if method != "auto" else (min(scored, key=lambda t: t.mae).method if scored else "overall")
    # after the history's last period, thin or not: a forecast of a period already seen is no forecast
    future = following(history_time, shares.periods[-1], horizon)
    point = get_method(chosen).fit(solid).predict(future)
    residuals = next(t.residuals for t in tests if t.method == chosen)
    low = np.full_like(point, np.nan)
    high = np.full_like(point, np.nan)
    if len(residuals) >= MIN_ORIGINS:
        tail = (1.0 - level) / 2.0
        below, above = np.quantile(residuals, [tail, 1.0 - tail], axis=0)
        widen = np.sqrt(np.arange(1, horizon + 1))[:, None]
        low = np.clip(point + below * widen, 0.0, 1.0)
        high = np.clip(point + above * widen, 0.0, 1.0)
    return GroupForecast(shares.group, chosen, shares, future, point, low, high, tests,
                         verdict(tests, chosen, method))


def forecast(history: History, horizon: int = 2, method: str = "auto", level: float = 0.8) -> list[GroupForecast]:
    """One forecast per group of the history."""
    check_method(method)
    if not 1 <= horizon <= 12:
        raise DataError(f"horizon {horizon}: forecast 1 to 12 periods ahead", field="horizon")
    if not 0.5 <= level < 1.0:
        raise DataError(f"interval level {level}: give one from 0.5 to 0.99", field="level")
    forecasts, thin = [], []
    for shares in history.groups:
        try:
            forecasts.append(forecast_group(shares, history.time, horizon, method, level))
        except DataError:  # a small group (few solid periods) is left out, and said so, not fatal
            thin.append(shares.group)
    history.unforecast = thin
    if not forecasts:
        raise DataError("no group has two periods with enough rows; lower the minimum rows per period "
                        "(min_rows) or use a coarser time column", field="min_rows")
    return forecasts
