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



def test_a_refused_write_is_one_line_naming_the_path_and_reason_and_leaves_the_old_file(tmp_path):
    import errno
    import os

    from couturier.errors import WriteError
    from couturier.fileio import atomic_path, write_text

    write_text(tmp_path / "a.csv", "old")
    with pytest.raises(WriteError) as refused:
        with atomic_path(tmp_path / "a.csv") as tmp:
            tmp.write_text("half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a full disk answers a write
    message = str(refused.value)
    assert message == f"cannot write {tmp_path / 'a.csv'} (No space left on device); the old {tmp_path / 'a.csv'} is unchanged"
    assert refused.value.errno == errno.ENOSPC and "\n" not in message
    assert os.listdir(tmp_path) == ["a.csv"] and (tmp_path / "a.csv").read_text() == "old"
    with pytest.raises(WriteError, match=r"new\.txt \(File exists\); nothing was written there"):
        write_text(tmp_path / "a.csv" / "new.txt", "x")  # under a file: the system refuses the folder


def test_a_folder_whose_files_are_refused_is_not_replaced_and_nothing_is_left(tmp_path):
    import errno
    import os

    from couturier.errors import WriteError
    from couturier.fileio import replace_folder, write_text

    replace_folder(tmp_path / "grids", lambda folder: (folder / "0.png").write_bytes(b"old"))

    def fills_the_disk(folder):
        (folder / "0.png").write_bytes(b"new")
        write_text(folder / "1.png", "x")  # refused below, as WriteError from the inner atomic write
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith("1.png"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst)

    os.replace = full
    try:
        with pytest.raises(WriteError, match=r"cannot write .*grids \(No space left on device\); the old .*grids"):
            replace_folder(tmp_path / "grids", fills_the_disk)
    finally:
        os.replace = real_replace
    assert os.listdir(tmp_path) == ["grids"] and os.listdir(tmp_path / "grids") == ["0.png"]
    assert (tmp_path / "grids" / "0.png").read_bytes() == b"old"
