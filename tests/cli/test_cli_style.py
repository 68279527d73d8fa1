"""`couturier stylize` and `couturier texture`."""
from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from scipy import ndimage

from couturier.cli import cli, main


def test_cli_stylize_and_texture_write_results_and_panels(tmp_path, pictures):
    garment, fabric = pictures
    runner = CliRunner()
    out = tmp_path / "result.png"
    result = runner.invoke(cli, ["stylize", str(garment), str(fabric), "--out", str(out), "--size", "48",
                                 "--steps", "3", "--auto-mask", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (48, 48) and (tmp_path / "result-panel.png").is_file()
    fabric_out = tmp_path / "new-fabric.png"
    result = runner.invoke(cli, ["texture", str(fabric), "--out", str(fabric_out), "--size", "64", "--tileable",
                                 "--steps", "3", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert Image.open(fabric_out).size == (64, 64) and "seam ratio" in result.output
    stripes = tmp_path / "stripes.png"  # 20 px bands: a repeat, tiled rather than synthesised
    Image.fromarray(((np.arange(96)[:, None] // 10 % 2) * 200 + 30).repeat(96, 1).astype(np.uint8)).save(stripes)
    result = runner.invoke(cli, ["texture", str(stripes), "--out", str(tmp_path / "s.png"), "--size", "128",
                                 "--tileable", "--no-progress"])
    assert result.exit_code == 0 and "the swatch's repeat tiled" in result.output, result.output
    got, wanted = map(int, re.search(r"repeat (\d+) px, the swatch's (\d+) px", result.output).groups())
    assert abs(got - 20) <= 2 and abs(wanted - 20) <= 2, result.output  # the bands' width, kept


def test_cli_bad_input_is_one_line_and_nothing_is_overwritten(tmp_path, pictures, monkeypatch, capsys):
    garment, fabric = pictures
    out = tmp_path / "keep.png"
    out.write_bytes(b"precious")
    for argv in (["stylize", str(garment), str(fabric), "--out", str(out)],
                 ["stylize", str(tmp_path / "missing.png"), str(fabric), "--out", str(tmp_path / "new.png")],
                 ["texture", str(fabric), "--out", str(tmp_path / "t.png"), "--size", "50", "--tileable"]):
        monkeypatch.setattr("sys.argv", ["couturier", *argv])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 2
        error = capsys.readouterr().err.strip()
        assert error.startswith("error: ") and "\n" not in error
    assert out.read_bytes() == b"precious"



CATALOGUE = __import__("pathlib").Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products" / "images"


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_a_worn_white_shirt_takes_the_fabric_and_the_face_and_background_do_not(tmp_path, pictures):
    """By default the pose network finds the garment on the person (the people extra); the output says so."""
    from couturier import style
    from couturier.people import find_garments, find_person

    _, fabric = pictures
    out = tmp_path / "worn.png"
    result = CliRunner().invoke(cli, ["stylize", str(CATALOGUE / "1575.jpg"), str(fabric), "--out", str(out),
                                      "--size", "80", "--steps", "0", "--no-progress", "--no-panel"])
    assert result.exit_code == 0, result.output
    assert "garment: the upper garment on the person (pose network" in result.output  # a T-shirt over jeans
    before = np.asarray(Image.open(CATALOGUE / "1575.jpg").convert("RGB")).astype(np.float32)
    after = np.asarray(Image.open(out).convert("RGB")).astype(np.float32)
    garments = find_garments(before.astype(np.uint8), find_person(before.astype(np.uint8)))
    changed = np.abs(after - before).mean(axis=2)
    worn = ~style.worn_garment_mask(style.read_rgb(CATALOGUE / "1575.jpg"))[0][0, 0].numpy().astype(bool)
    # face, and the rest (a pixel's ring of the garment aside: stylize finds it at its working size)
    rest = worn & ~ndimage.binary_dilation(garments.upper)
    assert changed[garments.head].mean() <= 2.0 and changed[rest].mean() <= 2.0
    assert changed[garments.upper].mean() > 20.0  # the white shirt took the fabric


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_without_a_person_stylize_keeps_to_what_it_did_and_a_named_garment_is_refused(tmp_path, pictures,
                                                                                      monkeypatch, capsys):
    from conftest import run_cli

    _, fabric = pictures
    product = str(CATALOGUE / "1163.jpg")  # a jersey laid flat
    result = CliRunner().invoke(cli, ["stylize", product, str(fabric), "--out", str(tmp_path / "a.png"), "--size", "80",
                                      "--steps", "0", "--no-progress", "--no-panel", "--auto-mask"])
    assert result.exit_code == 0 and "garment: the colour rules (no person in the photo)" in result.output
    code, _, err = run_cli(monkeypatch, capsys, "stylize", product, fabric, "--out", tmp_path / "b.png",
                           "--garment", "upper")
    assert code == 2 and not (tmp_path / "b.png").exists()
    assert err.strip() == "error: the upper garment needs a person in the photo: no person in the photo; draw a " \
                          "mask instead [--garment]"


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_a_photo_of_two_people_is_refused_in_one_line_and_nothing_is_written(tmp_path, pictures, monkeypatch, capsys):
    """The pose network reads one person: the other's garment would be half painted (14066: two men)."""
    from conftest import run_cli

    _, fabric = pictures
    code, _, err = run_cli(monkeypatch, capsys, "stylize", CATALOGUE / "14066.jpg", fabric, "--out",
                           tmp_path / "two.png", "--size", "320", "--steps", "0")
    assert code == 2 and not (tmp_path / "two.png").exists()
    assert err.strip() == "error: the photo shows 2 people; crop it to the one whose garment takes the fabric, " \
                          "or draw a mask of the garment and pass it [--mask]"
    mask = tmp_path / "mask.png"  # a mask given still wins
    Image.fromarray(np.full((320, 240), 255, np.uint8)).save(mask)
    code, _, err = run_cli(monkeypatch, capsys, "stylize", CATALOGUE / "14066.jpg", fabric, "--out",
                           tmp_path / "two.png", "--size", "320", "--steps", "0", "--mask", mask)
    assert code == 0 and (tmp_path / "two.png").exists(), err


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_a_photo_of_a_person_given_as_the_fabric_gets_a_word_and_a_swatch_none(tmp_path, pictures):
    """A whole catalogue photo as STYLE is tiled face and wall and all: the output says so, and what
    to do; a swatch (no person in it) gets no such word, nor a picture used whole."""
    _, fabric = pictures
    args = [str(CATALOGUE / "1575.jpg"), "--size", "80", "--steps", "0", "--no-progress", "--no-panel"]
    person = CliRunner().invoke(cli, ["stylize", args[0], str(CATALOGUE / "2126.jpg"), "--out", str(tmp_path / "a.png"),
                                      *args[1:]])
    assert person.exit_code == 0 and "note: STYLE is a photo of a person" in person.output, person.output
    assert "crop a swatch" in person.output and (tmp_path / "a.png").is_file()
    swatch = CliRunner().invoke(cli, ["stylize", args[0], str(fabric), "--out", str(tmp_path / "b.png"), *args[1:]])
    assert swatch.exit_code == 0 and "note:" not in swatch.output
    painting = CliRunner().invoke(cli, ["stylize", args[0], str(CATALOGUE / "2126.jpg"), "--out",
                                        str(tmp_path / "c.png"), "--fabric-scale", "0", *args[1:]])
    assert painting.exit_code == 0 and "note:" not in painting.output
