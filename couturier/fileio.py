"""Atomic, durable file writes: a temporary file in the same folder, flushed to disk, renamed
over the target, and the folder's entry flushed too.

A crash or power cut mid-write leaves the old file (or nothing), never a half-written one, and a
write that returned is on disk. A write the system refuses (disk full, read-only file system, no
permission) removes its temporary and raises `WriteError`: one line with the path, the system's
reason and what was left as it was.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from couturier.errors import WriteError

# mkstemp (and safetensors' writer) create files readable by the owner only; give outputs the
# permissions open() would, so that a group's other users can serve and sample a run.
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


@contextmanager
def atomic_path(path: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it over `path` when the block succeeds."""
    path = Path(path)
    existed, tmp_path = path.exists(), None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Keep the real suffix so libraries that pick a format from it (PIL, numpy) still work.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix or path.suffix)
        os.close(fd)
        tmp_path = Path(tmp)
        os.chmod(tmp, FILE_MODE)
        yield tmp_path
        fsync_file(tmp_path)
        os.replace(tmp_path, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise refused_write(path, exc.strerror or str(exc), exc.errno, existed) from exc
    finally:
        if tmp_path is not None and tmp_path.exists():
            tmp_path.unlink()


def refused_write(path: Path, reason: str, errno: int | None, existed: bool) -> WriteError:
    """The one-line error for a write the system refused: the path, the reason, what is as it was."""
    kept = f"the old {path} is unchanged" if existed else "nothing was written there"
    return WriteError(f"cannot write {path} ({reason}); {kept}", reason=reason, errno=errno)


def fsync_file(path: str | Path) -> None:
    """Flush a file's contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str | Path) -> None:
    """Flush a folder's entries (a rename into it, a new file) to disk; a no-op where folders
    cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_output(path: str | Path, folder: bool = False) -> Path:
    """Where an output may go: its existing parents are folders, and a file output is not a
    folder already (or a folder output a file). Checked before any work."""
    from couturier.errors import ConfigError

    path = Path(path)
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise ConfigError(f"cannot write {path}: {parent} is a file, not a folder", field="out")
    if path.exists() and path.is_dir() != folder:
        what = "a folder" if path.is_dir() else "a file"
        raise ConfigError(f"{path} is {what}; give a {'folder' if folder else 'file'} name there", field="out")
    return path


_ASIDE = re.compile(r"^\.old-(.+)-\d+$")


def replace_folder(final: str | Path, write: Callable[[Path], None],
                   pause: Callable[[str], None] = lambda stage: None) -> Path:
    """Fill a new folder with `write(folder)` and put it in place of `final` whole, durably: the
    new folder is written under a hidden name and flushed, an old `final` is renamed aside (never
    deleted first), the new one renamed in, and only then the old one removed. A crash at any
    moment leaves the new folder, the old one, or the old one aside, which `recover` puts back;
    the files are never merged. `pause(stage)` ("written", "aside") is where fault tests kill."""
    final = Path(final)
    parent, existed = final.parent, final.exists()
    tmp = parent / f".tmp-{final.name}-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        _fill_and_swap(final, tmp, write, pause)
    except WriteError as exc:  # a file inside the folder was refused: the folder is what failed
        raise refused_write(final, exc.reason, exc.errno, existed) from exc
    except OSError as exc:
        raise refused_write(final, exc.strerror or str(exc), exc.errno, existed) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _fill_and_swap(final: Path, tmp: Path, write: Callable[[Path], None], pause: Callable[[str], None]) -> None:
    parent = final.parent
    write(tmp)
    for path in tmp.rglob("*"):
        if path.is_file():
            fsync_file(path)
    fsync_dir(tmp)
    pause("written")
    aside = None
    if final.exists():
        aside = parent / f".old-{final.name}-{os.getpid()}"
        os.replace(final, aside)
        fsync_dir(parent)
        pause("aside")
    try:
        os.replace(tmp, final)
    except BaseException:  # refused, or stopped at once by a second Ctrl-C: the old folder goes back
        if aside is not None and not final.exists():
            os.replace(aside, final)
        raise
    fsync_dir(parent)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def recover(folder: str | Path) -> list[str]:
    """After a crash inside `replace_folder`: put back a copy moved aside whose replacement never
    arrived, and remove half-written temporaries. Returns what was done, in words."""
    folder, done = Path(folder), []
    if not folder.is_dir():
        return done
    for path in sorted(folder.iterdir()):
        aside = _ASIDE.match(path.name)
        if aside and not (folder / aside.group(1)).exists():
            os.replace(path, folder / aside.group(1))
            done.append(f"restored {aside.group(1)}")
        elif aside or path.name.startswith(".tmp-"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            done.append(f"removed {path.name}")
    if done:
        fsync_dir(folder)
    return done


def user_cache_dir(*parts: str) -> Path:
    """~/.cache/couturier/... (or under $XDG_CACHE_HOME): downloads and reference statistics."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base, "couturier", *parts)


def write_text(path: str | Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file, read in 1 MiB chunks (weights files can be hundreds of MB)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
