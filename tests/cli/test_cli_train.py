"""`couturier train` and `couturier models` end to end, through the console entry point."""
import subprocess
import sys

import numpy as np
import pytest
from conftest import needs_data, run_cli
from PIL import Image

from couturier.models import model_names


@needs_data
def test_train_sample_interpolate_resume(tmp_path, monkeypatch, capsys):
    config = tmp_path / "tiny.toml"
    config.write_text('[model]\nwidth = 8\n[train]\nbatch_size = 16\nsample_every = 2\ncheckpoint_every = 2\n')
    run = tmp_path / "run"
    code, out, err = run_cli(monkeypatch, capsys, "train", "--model", "dcgan", "--conditional", "--steps", 2,
                             "--config", config, "--out", run, "--no-progress")
    assert code == 0, err
    assert "sample grid" in out and (run / "samples.png").is_file()
    code, out, _ = run_cli(monkeypatch, capsys, "train", "--steps", 4, "--out", run, "--resume", "--no-progress")
    assert code == 0 and "step 4" in out

    code, out, _ = run_cli(monkeypatch, capsys, "sample", run, "--n", 50, "--class", "ankle boot",
                           "--out", tmp_path / "boots.png", "--columns", 10)
    assert code == 0 and Image.open(tmp_path / "boots.png").size == (2 * 302, 2 * 152)  # 5 x 10 grid
    code, _, _ = run_cli(monkeypatch, capsys, "sample", run, "--n", 30, "--out", tmp_path / "s.npz")
    assert code == 0 and np.load(tmp_path / "s.npz")["images"].shape == (30, 28, 28)

    code, _, err = run_cli(monkeypatch, capsys, "sample", run, "--n", 30, "--out", tmp_path / "s.npz")
    assert code == 2 and "already exists" in err  # nothing overwritten without --force
    code, out, _ = run_cli(monkeypatch, capsys, "interpolate", run, "--out", tmp_path / "walk",
                           "--class-a", "sneaker", "--class-b", "sandal", "--steps", 4, "--rows", 2)
    assert code == 0 and (tmp_path / "walk.gif").is_file() and (tmp_path / "walk.png").is_file()


@pytest.mark.parametrize("args, message", [
    (["train", "--model", "gan9000"], "valid models: " + ", ".join(model_names())),
    (["train", "--loss", "l2"], "valid losses: bce, hinge, wgan-gp"),
    (["train", "--steps", "0"], "train.steps must be an integer from 1 to 1,000,000,000, got 0 [--steps]"),
    (["train", "--batch-size", "-1"], "train.batch_size must be an integer from 1 to 65,536, got -1 [--batch-size]"),
    (["train", "--set", "model.conditional=\"no\""], "model.conditional must be true or false, got 'no'"),
    (["train", "--data", "/nonexistent/folder"], "neither 'fashion-mnist' nor an existing folder"),
    (["train", "--data-dir", "/nonexistent", "--steps", "1"], "dataset-fashion-mnist or set data.data_dir"),
    (["sample", "/nonexistent/run", "--out", "x.png"], "does not exist"),
])
def test_bad_input_is_one_line_and_non_zero(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(monkeypatch, capsys, *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_unsupported_resolution_is_one_line(tmp_path, monkeypatch, capsys):
    from PIL import Image

    (tmp_path / "shop").mkdir()
    Image.new("RGB", (40, 40)).save(tmp_path / "shop" / "a.png")
    code, _, err = run_cli(monkeypatch, capsys, "train", "--data", tmp_path / "shop", "--resolution", 100,
                           "--batch-size", 1, "--out", tmp_path / "run")
    assert code == 2 and "use 28, 32, 64 or 128" in err and not (tmp_path / "run").exists()


def test_out_that_is_not_a_run_is_left_alone(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run_cli(monkeypatch, capsys, "train", "--out", tmp_path, "--steps", 1)
    assert code == 2 and "not a run folder" in err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_console_script_lists_models():
    result = subprocess.run([sys.executable, "-m", "couturier", "models"], capture_output=True, text=True,
                            check=True)
    assert "sngan" in result.stdout and "wgan-gp" in result.stdout


@needs_data
def test_values_given_on_resume_persist_into_later_resumes(tmp_path, monkeypatch, capsys):
    import json

    from couturier.checkpoint import load_checkpoint

    run = tmp_path / "run"
    common = ["--model", "mlp", "--batch-size", "16", "--checkpoint-every", "2", "--out", run, "--no-progress"]
    assert run_cli(monkeypatch, capsys, "train", "--steps", 2, *common)[0] == 0
    assert run_cli(monkeypatch, capsys, "train", "--resume", "--steps", 4, "--lr", "0.001", "--out", run,
                   "--no-progress")[0] == 0
    code, _, err = run_cli(monkeypatch, capsys, "train", "--resume", "--steps", 6, "--out", run, "--no-progress")
    assert code == 0, err
    config = load_checkpoint(run).config["train"]
    assert (config["steps"], config["lr_g"], config["lr_d"], config["batch_size"]) == (6, 0.001, 0.001, 16)
    assert json.loads((run / "config.json").read_text())["train"]["lr_g"] == 0.001


@needs_data
def test_a_run_shorter_than_the_log_interval_still_writes_its_metrics_and_curves(tmp_path, monkeypatch, capsys):
    run = tmp_path / "run"
    code, out, err = run_cli(monkeypatch, capsys, "train", "--model", "mlp", "--steps", 3, "--out", run,
                             "--no-progress")  # log_every is 50
    assert code == 0, err
    rows = (run / "metrics.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("3,")
    assert (run / "loss_curves.png").is_file() and "loss_curves.png" in out


def test_set_reaches_any_config_key_and_errors_name_the_flag(tmp_path, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "train", "--set", "train.beta2=1.5", "--out", tmp_path / "r")
    assert code == 2 and "train.beta2 must be a number from 0 to 0.9999, got 1.5" in err
    code, _, err = run_cli(monkeypatch, capsys, "train", "--set", "beta2", "--out", tmp_path / "r")
    assert code == 2 and "SECTION.KEY=VALUE" in err and not (tmp_path / "r").exists()

