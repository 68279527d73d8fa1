"""A time limit that long work checks for itself, so that a caller's timeout really stops it.

A worker thread cannot be killed from outside; instead the server runs each request's work under
`deadline(seconds)`, and the library's long loops (sampling batches, L-BFGS evaluations, decoder
training steps) call `check()`, which raises `WorkTimeout` once the time is up. Outside a
deadline `check()` costs one attribute lookup and never raises.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from couturier.errors import CouturierError

_local = threading.local()


class WorkTimeout(CouturierError, TimeoutError):
    """The work ran past its deadline and stopped."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Work in this block (on this thread) stops at its next `check()` after `seconds`."""
    previous = getattr(_local, "at", None)
    _local.at = None if seconds is None else time.monotonic() + seconds
    try:
        yield
    finally:
        _local.at = previous


def check() -> None:
    at = getattr(_local, "at", None)
    if at is not None and time.monotonic() > at:
        raise WorkTimeout("the work ran past its time limit and was stopped; ask for less")
