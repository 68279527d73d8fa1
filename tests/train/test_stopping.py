"""SIGINT and SIGTERM while training: the first asks for a stop (and drops work that may be dropped),
a second stops at once; the previous handlers come back afterwards."""
import os
import signal

import pytest

from couturier.train.stopping import GracefulStop, StopNow, signal_of


def test_the_first_signal_asks_and_the_second_stops_at_once():
    before = signal.getsignal(signal.SIGTERM)
    with GracefulStop() as stop:
        assert not stop.requested and stop.flags() == [0.0, 0.0]
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.signum == signal.SIGTERM and stop.flags() == [0.0, 1.0]
        with pytest.raises(StopNow) as stopped:
            os.kill(os.getpid(), signal.SIGINT)
        assert stopped.value.signum == signal.SIGINT and isinstance(stopped.value, KeyboardInterrupt)
    assert signal.getsignal(signal.SIGTERM) is before


def test_work_that_may_be_dropped_is_dropped_when_a_stop_is_asked():
    done = []

    def long_evaluation():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("finished")  # never reached: the handler raised inside the work
        return "results"

    with GracefulStop() as stop:
        assert stop.abandonable(lambda: "results") == "results"
        assert stop.abandonable(long_evaluation) is None and done == []
        assert stop.requested and stop.abandonable(lambda: done.append("late")) is None and done == []


def test_the_ranks_stop_flags_name_the_signal_sigterm_first():
    assert signal_of([0.0, 0.0]) == 0
    assert signal_of([0.5, 0.0]) == signal.SIGINT  # one rank of two had Ctrl-C
    assert signal_of([0.5, 0.5]) == signal.SIGTERM
