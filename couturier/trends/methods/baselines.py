"""The naive baselines a forecast must beat: the last period's shares, the same season a year
before, and the overall share."""
from __future__ import annotations

import numpy as np

from couturier.trends.methods import METHODS, Method


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
