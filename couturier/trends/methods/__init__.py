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

# one file a method in this package, found on the first lookup: baselines.py, multinomial.py
METHODS: Registry[type["Method"]] = Registry("forecast method", package="couturier.trends.methods", field="method")


class Method:
    name = ""
    summary = ""

    def fit(self, history: Shares) -> "Method":
        self.history = history
        return self

    def predict(self, periods: list[Period]) -> np.ndarray:
        """Shares (len(periods), K), each row summing to 1."""
        raise NotImplementedError


def get_method(name: str) -> Method:
    return METHODS.get(name)()


def method_names() -> list[str]:
    return METHODS.names()


def check_method(name: str) -> str:
    if name != "auto" and name not in METHODS.names():
        raise ConfigError(f"unknown forecast method {name!r}; choose auto or one of {', '.join(method_names())}",
                          field="method")
    return name
