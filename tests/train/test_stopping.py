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


def test_a_timed_run_stopped_by_sigint_saves_the_step_it_finished(tmp_path, fmnist_slice):
    """`--minutes` runs obey the stop too: the first step after the signal is the last, and saved."""
    import threading

    from conftest import tiny_config

    from couturier.checkpoint import list_checkpoints
    from couturier.train import Trainer

    trainer = Trainer(tiny_config("dcgan", minutes=5.0, checkpoint_every=100_000, sample_every=100_000,
                                  log_every=100_000), tmp_path / "run", dataset=fmnist_slice)
    before = signal.getsignal(signal.SIGINT)  # Python's default, or "ignored" under a background shell
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    trainer.fit(progress=False)
    timer.join()
    assert trainer.stopped_by == signal.SIGINT and 0 < trainer.step and trainer.elapsed < 60
    assert [p.name for p in list_checkpoints(tmp_path / "run" / "checkpoints")] == [f"step-{trainer.step:08d}"]
    assert not trainer.folder.lock.held and signal.getsignal(signal.SIGINT) is before  # handed back as found
