"""Fashion-MNIST from its original IDX files, found offline first.

Search order: an explicit folder, the Debian package's folder, a per-user cache,
and only then a download from the dataset's official mirror. Each file's
decompressed bytes are checked against a SHA-256 (the .gz bytes differ between
mirrors and repackagings, the content does not), so a truncated or corrupt file is
an error naming it, never a silently shorter dataset.
"""
from __future__ import annotations

import gzip
import hashlib
import zlib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from couturier.errors import DataError
from couturier.fileio import user_cache_dir, write_bytes

CLASS_NAMES = (
    "t-shirt/top", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle boot",
)

SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"


@dataclass(frozen=True)
class IdxFile:
    name: str
    magic: int  # 0x0803: uint8 images (3 dims); 0x0801: uint8 labels (1 dim)
    shape: tuple[int, ...]
    sha256: str  # of the decompressed content


FILES = {
    ("train", "images"): IdxFile("train-images-idx3-ubyte", 0x0803, (60000, 28, 28),
                                 "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    ("train", "labels"): IdxFile("train-labels-idx1-ubyte", 0x0801, (60000,),
                                 "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    ("test", "images"): IdxFile("t10k-images-idx3-ubyte", 0x0803, (10000, 28, 28),
                                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    ("test", "labels"): IdxFile("t10k-labels-idx1-ubyte", 0x0801, (10000,),
                                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
}



def cache_dir() -> Path:
    return user_cache_dir("fashion-mnist")


def _candidate_dirs(data_dir: str | Path | None) -> list[Path]:
    if data_dir is not None:
        return [Path(data_dir)]  # an explicit folder is the only place looked at
    return [SYSTEM_DIR, cache_dir()]


def _find(idx: IdxFile, data_dir: str | Path | None) -> Path | None:
    for folder in _candidate_dirs(data_dir):
        for name in (idx.name + ".gz", idx.name):
            if (folder / name).is_file():
                return folder / name
    return None


def _download(idx: IdxFile) -> Path:
    target = cache_dir() / (idx.name + ".gz")
    url = MIRROR + idx.name + ".gz"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            payload = response.read()
    except OSError as exc:
        raise DataError(
            f"Fashion-MNIST file {idx.name} not found locally and the download from {url} failed ({exc}); "
            f"install the Debian package dataset-fashion-mnist or set data.data_dir to a folder of the IDX files",
            field="data.data_dir"
        ) from exc
    _check_content(gzip.decompress(payload), idx, url)  # verify before anything is written
    write_bytes(target, payload)
    return target


def _read_bytes(path: Path, idx: IdxFile) -> bytes:
    """The file's bytes, read no further than an IDX file of its shape can be: a gzip bomb in its
    place is refused after that many bytes, not after it has filled the memory."""
    limit = 4 + 4 * len(idx.shape) + int(np.prod(idx.shape))
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                raw = fh.read(limit + 1)
        else:
            with path.open("rb") as fh:
                raw = fh.read(limit + 1)
        if len(raw) > limit:
            raise DataError(f"{path} holds more than the {limit:,} bytes of a {idx.name} file; replace it")
        return raw
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"{path} is truncated or corrupt ({exc}); delete it and reinstall or re-download") from exc


def _check_content(raw: bytes, idx: IdxFile, source: str | Path) -> None:
    digest = hashlib.sha256(raw).hexdigest()
    if digest != idx.sha256:
        raise DataError(
            f"{source} fails its SHA-256 check (got {digest[:12]}..., expected {idx.sha256[:12]}...); "
            f"the file is corrupt or not the original Fashion-MNIST: replace it"
        )


def parse_idx(raw: bytes, idx: IdxFile, source: str | Path) -> np.ndarray:
    """Parse an IDX byte string, checking its magic number and shape."""
    if len(raw) < 4:
        raise DataError(f"{source} is too short to be an IDX file; replace it")
    magic = int.from_bytes(raw[:4], "big")
    if magic != idx.magic:
        raise DataError(f"{source} has magic number {magic:#06x}, expected {idx.magic:#06x}: not a {idx.name} file")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if dims != idx.shape:
        raise DataError(f"{source} declares shape {dims}, expected {idx.shape}; replace it")
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise DataError(f"{source} holds {len(raw)} bytes, expected {expected}: truncated or padded; replace it")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load_idx(split: str, kind: str, data_dir: str | Path | None = None, download: bool = True) -> np.ndarray:
    idx = FILES[(split, kind)]
    path = _find(idx, data_dir)
    if path is None:
        if data_dir is not None or not download:
            where = data_dir or f"{SYSTEM_DIR} or {cache_dir()}"
            raise DataError(
                f"Fashion-MNIST file {idx.name}(.gz) not found in {where}; "
                f"install the Debian package dataset-fashion-mnist or set data.data_dir to the IDX files' folder",
                field="data.data_dir"
            )
        path = _download(idx)
    raw = _read_bytes(path, idx)
    _check_content(raw, idx, path)
    return parse_idx(raw, idx, path)


def load_fashion_mnist(split: str = "train", data_dir: str | Path | None = None,
                       download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Return (images uint8 [N,28,28], labels uint8 [N]) for split 'train' or 'test'."""
    if split not in ("train", "test"):
        raise DataError(f"unknown split {split!r}; use 'train' or 'test'")
    images = load_idx(split, "images", data_dir, download)
    labels = load_idx(split, "labels", data_dir, download)
    return images, labels
