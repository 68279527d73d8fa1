"""The run folder as one trainer's to write: its lock, the checks made under it, and what is safely
on disk when a write is refused.

Rank 0 alone holds the lock and writes; its private outcomes (the lock taken or refused, a write
refused by the system) are agreed with every rank, so that all ranks go on or stop together and
none waits for a peer that left.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from couturier import distributed
from couturier.checkpoint import recover
from couturier.errors import CouturierError, PeerFailed, WriteError
from couturier.train.lock import RunLock, probe
from couturier.train.run import prepare_run_dir


class RunFolder:
    def __init__(self, path: Path, placement: distributed.Placement, log: Callable[[str], None]):
        self.path, self.placement, self.log = path, placement, log
        self.lock = RunLock(path, warn=log) if placement.main else None
        self.saved_step: int | None = None  # the newest checkpoint known to be on disk

    def take(self, resume: bool) -> None:
        """Check the folder may be written (before the lock file goes into a folder that is not a
        run), lock it, check it again under the lock (a trainer may have finished it meanwhile) and
        clean up what a crash left, before anything is written."""
        failure = None
        if self.lock is not None:
            try:
                probe(self.path)  # "being trained by process N" says more than what the folder holds
                prepare_run_dir(self.path, resume)
                self.lock.acquire()
                prepare_run_dir(self.path, resume)
                for done in recover(self.path / "checkpoints") + recover(self.path):
                    self.log(f"{self.path}: {done} (left by an interrupted save)")
            except CouturierError as exc:
                self.lock.discard_if_fresh()
                failure = exc
        if not distributed.all_agree(failure is None, self.placement):
            raise failure or PeerFailed(f"rank 0 could not take {self.path}")

    def hold(self) -> None:
        if self.lock is not None:
            self.lock.acquire()

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def abandon(self) -> None:
        """Release after a failed start; a folder made just for the lock goes again."""
        if self.lock is not None:
            self.lock.discard_if_fresh()

    def check_written(self, failure: WriteError | None) -> None:
        """Stop every rank when rank 0 could not write: training on would be training unsaved."""
        if distributed.all_agree(failure is None, self.placement):
            return
        if failure is None:
            raise PeerFailed(f"rank 0 could not write {self.path}")
        raise WriteError(f"{failure}; {self.intact()}; make room or choose a folder you can write, then resume",
                         reason=failure.reason, errno=failure.errno) from failure

    def intact(self) -> str:
        if self.saved_step is None:
            return "no checkpoint was saved yet"
        return f"the checkpoint of step {self.saved_step} is intact"
