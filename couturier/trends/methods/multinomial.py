"""The model: a multinomial logistic regression on calendar time and season (see the package's docstring)."""
from __future__ import annotations

import numpy as np

from couturier.trends.history import Period
from couturier.trends.methods import METHODS, Method


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
