"""data/test_catalogue.py"""
import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from couturier.data.catalogue import compose_description, load_catalogue, pad_to_square
from couturier.data.fashion_mnist import DataError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products"

needs_catalogue = pytest.mark.skipif(not (SHARED / "styles.csv").is_file(), reason="../shared catalogue absent")

COLUMNS = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year",
           "usage", "productDisplayName"]


def _write_styles(folder: Path, rows: list[dict]) -> None:
    with (folder / "styles.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _row(i, colour="Red", article="Dresses", gender="Women", name=""):
    return {"id": i, "gender": gender, "articleType": article, "baseColour": colour, "usage": "Casual",
            "season": "Summer", "productDisplayName": name}


def test_mixed_modes_padding_and_counted_skips(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    tall = Image.new("RGB", (60, 80), (255, 255, 255))
    tall.paste((200, 0, 0), (20, 20, 40, 60))
    tall.save(images / "1.jpg", quality=95)
    Image.new("RGBA", (30, 40), (0, 0, 255, 0)).save(images / "2.png")  # transparent: becomes white
    Image.new("P", (40, 40)).save(images / "3.png")
    Image.new("CMYK", (40, 40), (0, 255, 255, 0)).save(images / "4.jpg")
    Image.fromarray(np.full((40, 40), 40000, np.uint16)).save(images / "5.png")  # 16-bit grey
    (images / "6.jpg").write_bytes(b"not a jpeg")
    _write_styles(tmp_path, [_row(i) for i in range(1, 8)])  # 7 has no image
    catalogue = load_catalogue(tmp_path, size=32, cache=False, progress=False)
    assert catalogue.images.shape == (5, 3, 32, 32) and catalogue.images.dtype == np.uint8
    assert (catalogue.skipped_missing, catalogue.skipped_unreadable) == (1, 1)
    assert "skipped 1 row(s) without an image and 1 unreadable" in catalogue.summary()
    first = catalogue.images[0]
    assert (first[:, :, 0] > 245).all(), "padding of a white-background image must stay white"
    assert (catalogue.images[1] > 245).all(), "transparent pixels are composited onto white"
    assert catalogue.texts[0] == "Red Dresses for Women, Casual, Summer"


def test_description_from_attributes_and_free_text():
    row = {"baseColour": "Blue", "articleType": "Tshirts", "gender": "Men", "usage": "Sports", "season": "NA"}
    assert compose_description(row, ("gender", "articleType", "baseColour", "usage", "season")) == \
        "Blue Tshirts for Men, Sports"
    square = pad_to_square(Image.new("RGB", (10, 20), (9, 9, 9)))
    assert square.size == (20, 20) and square.getpixel((0, 0)) == (9, 9, 9)


def test_bad_tables_say_what_to_do(tmp_path):
    (tmp_path / "images").mkdir()
    _write_styles(tmp_path, [_row(1)])
    with pytest.raises(DataError, match="no text column 'caption'.*columns found: id, gender"):
        load_catalogue(tmp_path, text_column="caption", cache=False)
    with pytest.raises(DataError, match="none of the 1 rows"):
        load_catalogue(tmp_path, cache=False, progress=False)
    with pytest.raises(DataError, match="does not exist"):
        load_catalogue(tmp_path / "nowhere.csv", cache=False)


def test_jsonl_with_captions_and_image_paths(tmp_path):
    Image.new("RGB", (16, 16), (0, 128, 0)).save(tmp_path / "a.png")
    (tmp_path / "captions.jsonl").write_text(json.dumps({"image": "a.png", "caption": "green scarf"}) + "\n")
    catalogue = load_catalogue(tmp_path, size=16, cache=False, progress=False)
    assert catalogue.texts == ["green scarf"] and catalogue.images[0, 1, 8, 8] > 100


@needs_catalogue
def test_real_catalogue_slice_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rows = list(csv.DictReader((SHARED / "styles.csv").open(encoding="utf-8")))[:40]
    with (tmp_path / "slice.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    first = load_catalogue(tmp_path / "slice.csv", 32, image_dir=str(SHARED / "images"), progress=False)
    assert len(first.texts) == 40 and len(set(first.attributes["articleType"])) > 3
    assert list((tmp_path / "cache" / "couturier" / "catalogues").glob("*.npz"))
    again = load_catalogue(tmp_path / "slice.csv", 32, image_dir=str(SHARED / "images"), progress=False)
    assert np.array_equal(first.images, again.images) and first.texts == again.texts



def test_product_names_join_a_table_of_names_and_a_table_of_values_by_id(tmp_path):
    """A shop's names in one table and their values in another (fashion-products' source_csv/):
    one row each, with the name and the values; rows lacking either are left out."""
    from couturier.data.catalogue import name_tables, product_names

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "names.csv").write_text("id,productDisplayName,\n1,Acme Red Frock,\n2,Acme Blue Tee,\n3,,\n")
    (tmp_path / "source" / "values.csv").write_text("id,baseColour,articleType,gender\n1,Red,Dresses,Women\n"
                                                    "2,Blue,Tshirts,\n3,Black,Shirts,Men\n")
    (tmp_path / "source" / "latin1.csv").write_bytes("id,productDisplayName\n4,Caf\xe9 Shirt\n".encode("latin-1"))
    (tmp_path / "scores.csv").write_text("run,fid\na,30\n")  # no id, no names or values: not read
    looks = ("baseColour", "articleType", "gender")
    tables = name_tables(tmp_path, looks)
    assert [t.name for t in tables] == ["names.csv", "values.csv"]  # and not the table that is not UTF-8
    rows = product_names([tmp_path / "source" / "latin1.csv", *tables], looks, skip_unreadable=True)
    assert rows == [{"id": "1", "productDisplayName": "Acme Red Frock", "baseColour": "Red",
                     "articleType": "Dresses", "gender": "Women"}]
    with pytest.raises(DataError, match="not UTF-8"):
        product_names([tmp_path / "source" / "latin1.csv", *tables], looks)
