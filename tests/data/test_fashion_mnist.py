"""data/test_fashion_mnist.py"""
import gzip

import numpy as np
import pytest
from conftest import needs_data

from couturier.data import fashion_mnist as fm
from couturier.data.fashion_mnist import DataError, load_fashion_mnist, parse_idx


@needs_data
def test_real_test_split_loads_with_checks():
    images, labels = load_fashion_mnist("test")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))
    assert np.bincount(labels).tolist() == [1000] * 10


def _write_idx(folder, name, header_dims, payload, magic):
    raw = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in header_dims) + payload
    with gzip.open(folder / (name + ".gz"), "wb") as fh:
        fh.write(raw)
    return raw


@needs_data
def test_truncated_file_is_an_error_naming_it(tmp_path):
    for idx in fm.FILES.values():
        source = fm.SYSTEM_DIR / (idx.name + ".gz")
        (tmp_path / source.name).write_bytes(source.read_bytes())
    victim = tmp_path / "t10k-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:100000])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz"):
        load_fashion_mnist("test", data_dir=tmp_path)


def test_foreign_content_fails_checksum(tmp_path):
    _write_idx(tmp_path, "t10k-images-idx3-ubyte", (10000, 28, 28), bytes(10000 * 784), 0x0803)
    with pytest.raises(DataError, match="SHA-256"):
        fm.load_idx("test", "images", data_dir=tmp_path)


def test_parse_idx_checks_magic_shape_and_length():
    idx = fm.FILES[("test", "labels")]
    good = (0x0801).to_bytes(4, "big") + (10000).to_bytes(4, "big") + bytes(10000)
    assert parse_idx(good, idx, "x").shape == (10000,)
    with pytest.raises(DataError, match="magic"):
        parse_idx((0x0803).to_bytes(4, "big") + good[4:], idx, "x")
    with pytest.raises(DataError, match="shape"):
        parse_idx(good[:4] + (9999).to_bytes(4, "big") + bytes(9999), idx, "x")
    with pytest.raises(DataError, match="truncated"):
        parse_idx(good[:-10], idx, "x")


def test_missing_files_in_explicit_folder_say_what_to_do(tmp_path):
    with pytest.raises(DataError, match="dataset-fashion-mnist or set data.data_dir"):
        load_fashion_mnist("train", data_dir=tmp_path)


def test_no_network_download_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setattr(fm, "SYSTEM_DIR", tmp_path / "absent")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fm, "MIRROR", "http://127.0.0.1:9/")  # nothing listens on the discard port
    with pytest.raises(DataError, match="download .* failed"):
        load_fashion_mnist("test")
    assert not (tmp_path / "cache" / "couturier" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists()


@needs_data
def test_download_verifies_and_caches(tmp_path, monkeypatch):
    """The real download path, against a mirror served on loopback from the Debian files."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(fm.SYSTEM_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(fm, "SYSTEM_DIR", tmp_path / "absent")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.setattr(fm, "MIRROR", f"http://127.0.0.1:{server.server_address[1]}/")
        images, labels = load_fashion_mnist("test")
    finally:
        server.shutdown()
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    cached = tmp_path / "cache" / "couturier" / "fashion-mnist"
    assert sorted(p.name for p in cached.iterdir()) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    # a second load reads the cache, with no server running
    again, _ = load_fashion_mnist("test")
    assert np.array_equal(images, again)

