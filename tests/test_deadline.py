"""deadline.py: long work stops itself when its time is up."""
import threading

import pytest

from couturier.deadline import WorkTimeout, check, deadline


def test_check_raises_only_past_a_deadline_and_only_on_its_thread():
    check()  # no deadline: never raises
    with deadline(0.0):
        with pytest.raises(WorkTimeout, match="time limit"):
            check()
        other = []
        thread = threading.Thread(target=lambda: other.append(check()))
        thread.start()
        thread.join()
        assert other == [None]  # another thread's work has its own limit
    check()  # the block restored "no deadline"
