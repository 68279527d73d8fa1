"""A corpus of bad inputs, each with the clean answer it must get: a one-line error with exit
status 2 (CLI), a 4xx with a JSON detail (API), or skipped and counted (a picture among many)."""
import gzip

import numpy as np
import pytest
from conftest import huge_header_png, needs_data, run_cli, text_bomb_png, tiny_config
from PIL import Image

from couturier.data.catalogue import load_catalogue
from couturier.data.images import load_folder


def _one_line_exit_2(code, err):
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_a_gzip_bomb_in_place_of_an_idx_file_is_refused_without_inflating_it(tmp_path, monkeypatch, capsys):
    with gzip.open(tmp_path / "train-images-idx3-ubyte.gz", "wb") as fh:
        for _ in range(64):  # 64 MB of zeros, 64 KB on disk; a real bomb is the same at any size
            fh.write(bytes(1 << 20))
    code, _, err = run_cli(monkeypatch, capsys, "train", "--data-dir", tmp_path, "--steps", 1, "--out", tmp_path / "r")
    _one_line_exit_2(code, err)
    assert "holds more than the 47,040,016 bytes" in err and not (tmp_path / "r").exists()


def test_hostile_pictures_in_a_folder_are_skipped_and_counted(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    for i in range(3):
        Image.new("RGB", (40, 50), (i * 60, 20, 20)).save(folder / f"{i}.png")
    (folder / "huge.png").write_bytes(huge_header_png())
    (folder / "bomb.png").write_bytes(text_bomb_png())
    (folder / "junk.jpg").write_bytes(b"\xff\xd8 not a jpeg")
    images, _, _, skipped = load_folder(folder, 32, 3)
    assert images.shape == (3, 3, 32, 32) and skipped == 3


def test_photos_are_read_upright_as_their_exif_says(tmp_path):
    tall = Image.new("RGB", (40, 80), "white")
    tall.paste((200, 0, 0), (0, 0, 40, 20))  # red band at the top of the upright picture
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view": the file stores the picture on its side
    tall.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "phone.jpg", exif=exif, quality=95)
    from couturier.data.images import open_picture

    upright = open_picture(tmp_path / "phone.jpg", 3)
    assert upright.size == (40, 80) and np.asarray(upright)[5, 20, 0] > 150 and np.asarray(upright)[70, 20, 1] > 150


def _catalogue(root, text: str, encoding="utf-8"):
    (root / "images").mkdir(parents=True, exist_ok=True)
    for i in range(2):
        Image.new("RGB", (32, 40), (30, 30, 200)).save(root / "images" / f"{i}.png")
    (root / "styles.csv").write_bytes(text.encode(encoding))
    return root


def test_catalogue_tables_in_other_encodings(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bom = _catalogue(tmp_path / "bom", "\ufeffid,articleType,baseColour\n0,Shirts,Blue\n1,Shirts,Blue\n")
    assert load_catalogue(bom, 32, progress=False).keys == ["0", "1"]  # "id", not "\ufeffid"
    latin = _catalogue(tmp_path / "latin", "id,articleType,baseColour\n0,Chemise,Bleu clair é\n", "latin-1")
    with pytest.raises(Exception, match="is not UTF-8 text") as caught:
        load_catalogue(latin, 32, progress=False)
    assert caught.value.field == "data.dataset"


def test_replacing_a_catalogue_picture_is_not_hidden_by_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = _catalogue(tmp_path / "cat", "id,articleType,baseColour\n0,Shirts,Blue\n1,Shirts,Blue\n")
    before = load_catalogue(root, 32, progress=False).images
    Image.new("RGB", (32, 40), (220, 20, 20)).save(root / "images" / "0.png")  # the picture is replaced
    after = load_catalogue(root, 32, progress=False).images
    assert before[0, 0, 16, 16] < 100 and after[0, 0, 16, 16] > 200


@needs_data
def test_sample_outputs_are_checked_before_work_and_a_folder_is_replaced_whole(tmp_path, monkeypatch, capsys,
                                                                              fmnist_slice):
    from couturier.train import Trainer

    run = tmp_path / "run"
    Trainer(tiny_config(steps=2), run, dataset=fmnist_slice).fit(progress=False)
    assert run_cli(monkeypatch, capsys, "sample", run, "--n", 12, "--out", tmp_path / "pngs")[0] == 0
    assert run_cli(monkeypatch, capsys, "sample", run, "--n", 3, "--out", tmp_path / "pngs", "--force")[0] == 0
    assert len(list((tmp_path / "pngs").iterdir())) == 3  # replaced, not merged with the 12
    (tmp_path / "grid.png").mkdir()
    (tmp_path / "afile").write_text("x")
    for out, words in ((tmp_path / "grid.png", "is a folder"), (tmp_path / "afile" / "sub.png", "is a file"),
                       (tmp_path / "afile" / "sub", "is a file")):
        code, _, err = run_cli(monkeypatch, capsys, "sample", run, "--out", out, "--force")
        _one_line_exit_2(code, err)
        assert words in err
    for args, words in ((["--n", 100000000], "would not fit in memory"), (["--truncation", "1e-30"], "at least 0.1")):
        code, _, err = run_cli(monkeypatch, capsys, "sample", run, "--out", tmp_path / "x.png", *args)
        _one_line_exit_2(code, err)
        assert words in err and not (tmp_path / "x.png").exists()
