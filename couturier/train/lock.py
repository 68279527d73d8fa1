"""One writer per run folder: an advisory lock held by the trainer for the whole run.

`flock` on `RUN/.lock`: the kernel drops the lock when the process ends, however it ends (kill -9
included), so a lock file left behind is never an obstacle; the file holds the holder's pid and
host, for the message that refuses a second trainer. Readers (sampling, evaluation, serving) take
no lock: checkpoints are replaced whole, so a reader sees the old or the new one.

On a network file system the lock is as good as the file system's own locking: NFS (v4, or v3
with its lock manager) makes it hold across machines; a file system that refuses locks (ENOLCK,
EOPNOTSUPP) gets a warning and no lock, and some FUSE mounts accept locks that only hold on one
machine. There, make sure yourself that one trainer writes a run.
"""
from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path
from typing import Callable

from couturier.errors import RunDirError, WriteError

LOCK_NAME = ".lock"
_UNSUPPORTED = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


class RunLock:
    """The exclusive lock on a run folder; `acquire()` creates the folder if needed.

    Example:
        with RunLock("runs/dcgan"):
            ...  # this process alone writes runs/dcgan
    """

    def __init__(self, run_dir: str | Path, warn: Callable[[str], None] = print):
        self.run_dir, self.warn = Path(run_dir), warn
        self.path = self.run_dir / LOCK_NAME
        self._fd: int | None = None
        self.created_folder = False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "RunLock":
        """Take the lock, or raise RunDirError naming the holder; WriteError where the folder cannot
        be written at all (read-only, no permission, disk full)."""
        if self.held:
            return self
        try:
            if not self.run_dir.exists():
                self.run_dir.mkdir(parents=True)
                self.created_folder = True
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # never truncated before it is ours
        except OSError as exc:  # a read-only mount, no permission: said before any training starts
            reason = exc.strerror or str(exc)
            raise WriteError(f"cannot train in {self.run_dir}: cannot write {self.path} ({reason}); "
                             f"choose a run folder you can write", reason=reason, errno=exc.errno) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise RunDirError(f"{self.run_dir} is being trained by {holder}; wait for it to finish or stop it, "
                              f"or choose another run folder", field="out") from None
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED:
                os.close(fd)
                raise
            self.warn(f"warning: {self.run_dir} is on a file system without working locks ({exc.strerror}); "
                      f"make sure no other trainer writes it")
        self._fd = fd
        self._write_holder()
        return self

    def _write_holder(self) -> None:
        try:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, f"{os.getpid()} {socket.gethostname()}\n".encode(), 0)
        except OSError as exc:  # a full disk: the lock holds all the same, only the message loses its pid
            if exc.errno != errno.ENOSPC:
                raise

    def release(self) -> None:
        """Give the lock up (the file stays: deleting it would race with a trainer about to lock it)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the flock
            self._fd = None

    def discard_if_fresh(self) -> None:
        """Release, and remove the folder again when acquire() created it and nothing else came in."""
        self.release()
        if self.created_folder and [p.name for p in self.run_dir.iterdir()] == [LOCK_NAME]:
            self.path.unlink(missing_ok=True)
            self.run_dir.rmdir()

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


def probe(run_dir: str | Path) -> None:
    """Raise the holder's RunDirError if another process trains `run_dir` now; take nothing."""
    if (Path(run_dir) / LOCK_NAME).is_file():
        RunLock(run_dir, warn=lambda _: None).acquire().release()


def _read_holder(fd: int) -> str:
    try:
        words = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    except OSError:
        words = []
    if len(words) >= 2 and words[0].isdigit():
        return f"process {words[0]} on {words[1]}" if words[1] != socket.gethostname() else f"process {words[0]}"
    return "another process"
