"""text2image/data.py: a catalogue as text-to-image training data, and the product names its reader learns."""
import csv
import shutil

import pytest
from conftest import tiny_config

from couturier.config import DataConfig
from couturier.data.fashion_mnist import DataError
from couturier.text2image.data import reader_names
from couturier.text2image.models.text2image import TextToImage


def _with_names(catalogue, folder):
    """A copy of the tiny catalogue with a shop's product names beside it (source/names.csv, by id)."""
    copy = shutil.copytree(catalogue, folder)
    (copy / "source").mkdir()
    with (catalogue / "styles.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    with (copy / "source" / "names.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "productDisplayName"])
        writer.writeheader()
        writer.writerows({"id": r["id"], "productDisplayName": f"Acme {r['gender']} {r['baseColour']} "
                                                              f"{r['articleType']}"} for r in rows)
    return copy


def _reader_lines(copy, reader_names_value: str) -> list[str]:
    lines: list[str] = []
    cfg = tiny_config("text2image", data={"dataset": str(copy), "resolution": 32, "channels": 3,
                                          "reader_names": reader_names_value})
    model, _ = TextToImage.prepare(cfg, log=lines.append)
    assert "reader" in model.looks
    return [line for line in lines if line.startswith("prompt reader")]


def test_training_reads_the_product_names_beside_the_catalogue(catalogue, tmp_path, monkeypatch):
    """'auto' (the default): the tables in the catalogue's folder, joined by id, teach the reader their
    names; 'none' leaves them out."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = _with_names(catalogue, tmp_path / "catalogue")
    auto, none = _reader_lines(copy, "auto"), _reader_lines(copy, "none")
    assert "prompt reader: also learns 48 product names from 2 table(s)" in auto
    assert not any("also learns" in line for line in none)
    fitted = [int(line.split(", ")[1].split()[0]) for lines in (auto, none) for line in lines if "names and" in line]
    assert fitted[0] == fitted[1] + 48  # the same paraphrases, and the names


def test_named_reader_tables_must_exist(tmp_path):
    with pytest.raises(DataError, match="missing.csv does not exist"):
        reader_names(DataConfig(dataset=str(tmp_path), reader_names=f"{tmp_path}/missing.csv"))
    (tmp_path / "scores.csv").write_text("id,fid\n1,30\n")
    with pytest.raises(DataError, match="no row of .*scores.csv has a productDisplayName"):
        reader_names(DataConfig(dataset=str(tmp_path), reader_names=str(tmp_path / "scores.csv")))
    assert reader_names(DataConfig(dataset=str(tmp_path / "nowhere"))) == []  # 'auto' with nothing beside it


def test_the_reader_is_fitted_once_per_run(catalogue, tmp_path, monkeypatch):
    """A resumed run reuses the reader its checkpoint saved (for the same looks), and a distributed
    run's other ranks, which save nothing, fit none; a catalogue whose looks changed is read anew."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cfg = tiny_config("text2image", data={"dataset": str(catalogue), "resolution": 32, "channels": 3})
    first, _ = TextToImage.prepare(cfg, log=lambda line: None)
    lines: list[str] = []
    saved = {"looks": {**first.looks, "reader": {"marker": "the saved one"}}}
    resumed, _ = TextToImage.prepare(cfg, log=lines.append, saved=saved)
    assert resumed.looks["reader"] == {"marker": "the saved one"} and "prompt reader: the one the run saved" in lines
    other_rank, _ = TextToImage.prepare(cfg, log=lambda line: None, main=False)
    assert other_rank.looks["values"] == first.looks["values"] and "reader" not in other_rank.looks
    changed = {"looks": {**saved["looks"], "counts": [n + 1 for n in first.looks["counts"]]}}
    refitted, _ = TextToImage.prepare(cfg, log=lambda line: None, saved=changed)
    assert refitted.looks["reader"] == first.looks["reader"]  # fitted again, as the first time
