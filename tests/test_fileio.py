"""fileio.py: atomic writes."""
import pytest


def test_atomic_writes_leave_no_temporaries_and_normal_permissions(tmp_path):
    import os

    from couturier.fileio import atomic_path, write_text

    write_text(tmp_path / "a.txt", "first")
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "a.txt") as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert (tmp_path / "a.txt").read_text() == "first" and os.listdir(tmp_path) == ["a.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask

