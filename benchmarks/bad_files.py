"""The bad files of benchmarks/reliability.py, made fresh in a folder: configs, IDX files, tables,
pictures, sample arrays, feature networks and damaged checkpoints."""
from __future__ import annotations

import gzip
import io
import json
import pickle
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin


class _Payload:  # what an attacker pickles: unpickling it would create a file
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _png(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **kwargs)
    return buffer.getvalue()


def _huge_header_png() -> bytes:
    data = bytearray(_png(Image.new("RGB", (1, 1))))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", 30000, 30000)
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr:ihdr + 17])))
    return bytes(data)


def write_corpus(folder: Path, run: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return path

    files["yaml_string_bool"] = put("conditional.yaml", 'model:\n  conditional: "no"\n')
    files["broken_toml"] = put("broken.toml", "[train\nsteps = ")
    bomb = folder / "idx-bomb" / "train-images-idx3-ubyte.gz"
    bomb.parent.mkdir()
    with gzip.open(bomb, "wb") as fh:
        for _ in range(64):
            fh.write(bytes(1 << 20))
    files["idx_bomb_dir"] = bomb.parent
    files["idx_truncated_dir"] = put("idx-cut/train-images-idx3-ubyte.gz", gzip.compress(bytes(100_000))[:500]).parent
    for i in range(2):
        put(f"latin/images/{i}.png", _png(Image.new("RGB", (32, 40), "navy")))
    files["latin1_csv"] = put("latin/styles.csv", "id,articleType,baseColour\n0,Chemise,Bleu é\n".encode("latin-1"))
    files["no_image_column_csv"] = put("noimage/table.csv", "name,colour\nshirt,blue\n")
    files["foreign_folder"] = put("photos/holiday.jpg", b"precious").parent
    (folder / "grid.png").mkdir()
    files["a_folder_named_png"] = folder / "grid.png"
    files["a_file"] = put("a-file", "x")

    damaged = folder / "damaged-run"
    shutil.copytree(run, damaged)
    for meta in damaged.glob("checkpoints/step-*/meta.json"):
        meta.write_bytes(b"\xff\xfe not json")
    files["damaged_meta_run"] = damaged
    flipped = folder / "flipped" / "step"
    shutil.copytree(sorted(run.glob("checkpoints/step-*"))[-1], flipped)
    weights = bytearray((flipped / "weights.safetensors").read_bytes())
    weights[-5] ^= 1
    (flipped / "weights.safetensors").write_bytes(bytes(weights))
    files["bitflip_only_checkpoint"] = flipped

    nan = np.zeros((200, 28, 28), np.float32)
    nan[0, 0, 0] = np.nan
    for name, array in (("nan", nan), ("float", np.zeros((200, 28, 28), np.float32)),
                        ("rgb", np.zeros((200, 3, 28, 28), np.uint8)), ("few", np.zeros((50, 28, 28), np.uint8)),
                        ("zeros", np.zeros((200, 28, 28), np.uint8))):
        np.save(folder / f"{name}.npy", array)
        files[f"{name}_npy"] = folder / f"{name}.npy"
    with zipfile.ZipFile(folder / "evil.pt2", "w") as archive:
        archive.writestr("evil/data.pkl", pickle.dumps(_Payload(folder / "pwned")))
    files["evil_pt2"] = folder / "evil.pt2"

    files["junk_png"] = put("junk.png", b"\x89PNG not really")
    files["thin_png"] = put("thin.png", _png(Image.new("RGB", (10, 2000), "white")))
    files["huge_png"] = put("huge.png", _huge_header_png())
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 20_000_000, zip=True)
    files["bomb_png"] = put("bomb.png", _png(Image.new("RGB", (64, 64), "white"), pnginfo=info))
    files["good_png"] = put("good.png", _png(Image.new("RGB", (64, 64), "teal")))
    (folder / "index.json").write_text(json.dumps({k: str(v) for k, v in files.items()}, indent=1))
    return {k: str(v) for k, v in files.items()}
