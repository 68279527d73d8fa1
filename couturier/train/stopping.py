"""Stopping a run the way people stop it: Ctrl-C (SIGINT) or SIGTERM, which SLURM, Kubernetes and
pre-emptible clouds send before they kill a job.

The first signal asks the loop to stop: it finishes the step it is in, saves a checkpoint and
returns. Work that may take long and can be dropped without loss (an evaluation) is abandoned at
once. A second signal stops at once (`StopNow`, a KeyboardInterrupt): a checkpoint save it
interrupts removes its temporary, so the previous checkpoint stays as it was.

Under torchrun the workers run in sessions of their own: the terminal's Ctrl-C reaches torchrun,
which forwards it once to every worker, and turns a second one into SIGTERM.
"""
from __future__ import annotations

import signal
import threading
from typing import Callable, TypeVar

SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")


class StopNow(KeyboardInterrupt):
    """A second signal: stop without saving. `signum` is the signal that asked."""

    def __init__(self, signum: int, message: str = ""):
        super().__init__(message or f"stopped at once by {signal.Signals(signum).name}")
        self.signum = signum


class _Abandon(BaseException):
    """Raised by the handler inside `abandonable` work: that work is dropped. A BaseException, so
    that no `except Exception` in the work swallows it."""


class GracefulStop:
    """Catches SIGINT and SIGTERM while active (a context manager, main thread only; elsewhere it
    watches nothing) and records the first as `signum`.

    Example:
        with GracefulStop() as stop:
            while not stop.requested:
                step()
            save()
    """

    def __init__(self):
        self.signum: int | None = None
        self._abandonable = False
        self._previous: dict[int, object] = {}

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def __enter__(self) -> "GracefulStop":
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handle) for s in SIGNALS}
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def _handle(self, signum: int, frame) -> None:
        if self.signum is not None:
            raise StopNow(signum)
        self.signum = signum
        if self._abandonable:
            raise _Abandon()

    def abandonable(self, work: Callable[[], T]) -> T | None:
        """`work()`, dropped (None) when a stop is asked while it runs or was asked before."""
        if self.requested:
            return None
        self._abandonable = True
        try:
            return work()
        except _Abandon:
            return None
        finally:
            self._abandonable = False

    def flags(self) -> list[float]:
        """This process's request as numbers that can be averaged over ranks: [SIGINT?, SIGTERM?]."""
        return [float(self.signum == signal.SIGINT), float(self.signum == signal.SIGTERM)]


def signal_of(flags: list[float]) -> int:
    """The signal behind `flags` averaged over ranks; 0 for none. SIGTERM wins: it is what a
    scheduler sends, and the exit status (143) should say so."""
    return int(signal.SIGTERM) if flags[1] > 0 else int(signal.SIGINT) if flags[0] > 0 else 0
