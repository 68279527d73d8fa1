"""Forecasting methods, chosen by name: the model and the naive baselines it must beat.

Each method is fitted on a group's solid (not thin) periods and predicts the shares of any later
periods. Why a multinomial logistic model (scikit-learn) rather than smoothing each share's
series (statsmodels' exponential smoothing): a catalogue's periods are irregular (2011 has two
seasons, 2014 almost none), smoothing assumes evenly spaced steps, and shares forecast one by
one need not sum to one. A multinomial regression on calendar time and season takes the
periods where they fall, always predicts proper shares, and its L2 penalty shrinks the trend
and season effects towards the overall share, so a flat history gives a flat forecast. Older
periods weigh less (a half-life of a year), which makes it a smoothed local trend, as Holt's
method is, but on proper shares.
"""
from __future__ import annotations

import numpy as np

from couturier.errors import ConfigError
from couturier.registry import Registry
from couturier.trends.history import Period, Shares

METHODS: Registry[type["Method"]] = Registry("forecast method", field="method")


class Method:
    name = ""
    summary = ""

    def fit(self, history: Shares) -> "Method":
        self.history = history
        return self

    def predict(self, periods: list[Period]) -> np.ndarray:
        """Shares (len(periods), K), each row summing to 1."""
        raise NotImplementedError


@METHODS.register("last")
class LastPeriod(Method):
    summary = "the last period's shares (naive)"

    def predict(self, periods):
        return np.repeat(self.history.shares[-1:], len(periods), axis=0)


@METHODS.register("seasonal")
class SameSeasonLastYear(Method):
    summary = "the shares of the latest period of the same season (seasonal naive)"

    def predict(self, periods):
        shares, slots = self.history.shares, [p.slot for p in self.history.periods]
        rows = []
        for period in periods:
            same = [i for i, slot in enumerate(slots) if slot == period.slot]
            rows.append(shares[same[-1] if same else -1])
        return np.stack(rows)


@METHODS.register("overall")
class OverallShare(Method):
    summary = "each value's share over the whole history (naive)"

    def predict(self, periods):
        # every period weighs the same: one huge season would otherwise stand for the whole history
        return np.repeat(self.history.shares.mean(axis=0, keepdims=True), len(periods), axis=0)


@METHODS.register("multinomial")
class MultinomialTrend(Method):
    summary = ("multinomial logistic regression of the value on time and season, L2-shrunk, recent periods "
               "weighing more (scikit-learn)")
    strength = 10.0  # inverse L2 penalty (scikit-learn's C), with a period weighing at most 1
    half_life = 1.0  # years after which a period weighs half: fashion moves, and a 3-year-old season says little
    # Both were chosen on synthetic histories (a planted trend, a flat one, a seasonal wave; see tests/trends),
    # never on the catalogue the benchmark scores.

    def fit(self, history):
        from sklearn.linear_model import LogisticRegression

        super().fit(history)
        self.origin = history.periods[-1].index
        self.scale = max(history.per_year, 1)  # time in years since the last period
        self.columns = np.flatnonzero(history.counts.sum(axis=0) > 0)
        if len(self.columns) < 2:
            self.model = None
            return self
        shares = history.shares[:, self.columns]
        age = (self.origin - np.array([p.index for p in history.periods])) / self.scale
        recency = 0.5 ** (age / self.half_life)
        # one sample per (period, value), weighted by its share: a period counts once, whatever its size
        periods, values = np.nonzero(shares > 0)
        self.model = LogisticRegression(C=self.strength, max_iter=2000)
        self.model.fit(self._features(history.periods)[periods], values,
                       sample_weight=shares[periods, values] * recency[periods])
        return self

    def _features(self, periods: list[Period]) -> np.ndarray:
        time = np.array([(p.index - self.origin) / self.scale for p in periods])[:, None]
        if self.history.per_year == 1:
            return time
        slots = np.zeros((len(periods), self.history.per_year))
        slots[np.arange(len(periods)), [p.slot for p in periods]] = 1.0
        return np.hstack([time, slots])

    def predict(self, periods):
        out = np.zeros((len(periods), len(self.history.values)))
        if self.model is None:
            out[:, self.columns] = 1.0
            return out
        probabilities = self.model.predict_proba(self._features(periods))
        out[:, self.columns[self.model.classes_]] = probabilities
        return out


def get_method(name: str) -> Method:
    return METHODS.get(name)()


def method_names() -> list[str]:
    return METHODS.names()


def check_method(name: str) -> str:
    if name != "auto" and name not in METHODS.names():
        raise ConfigError(f"unknown forecast method {name!r}; choose auto or one of {', '.join(method_names())}",
                          field="method")
    return name
