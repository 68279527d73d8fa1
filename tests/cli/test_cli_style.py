"""`couturier stylize` and `couturier texture`."""
from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

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

