"""The command line, end to end, through the same entry point the `couturier` script uses."""
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from couturier.cli import main
from couturier.data.fashion_mnist import SYSTEM_DIR

needs_data = pytest.mark.skipif(not (SYSTEM_DIR / "train-images-idx3-ubyte.gz").is_file(),
                                reason="Debian package dataset-fashion-mnist not installed")


def run_cli(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["couturier", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


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
    (["train", "--model", "gan9000"], "valid models: dcgan, mlp, sngan"),
    (["train", "--loss", "l2"], "valid losses: bce, hinge, wgan-gp"),
    (["train", "--steps", "0"], "train.steps must be a positive integer"),
    (["train", "--batch-size", "-1"], "train.batch_size must be a positive integer"),
    (["train", "--data", "/nonexistent/folder"], "neither 'fashion-mnist' nor an existing folder"),
    (["train", "--data-dir", "/nonexistent", "--steps", "1"], "apt-get install dataset-fashion-mnist"),
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
def test_evaluate_prints_json(tmp_path, monkeypatch, capsys):
    import json

    import torch
    from safetensors.torch import save_file

    from couturier.data.fashion_mnist import load_fashion_mnist
    from couturier.metrics.features import FashionClassifier

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    torch.manual_seed(0)
    save_file(FashionClassifier().state_dict(), str(tmp_path / "net.safetensors"))
    images, _ = load_fashion_mnist("test")
    np.save(tmp_path / "real.npy", images[:300])
    code, out, err = run_cli(monkeypatch, capsys, "evaluate", tmp_path / "real.npy", "--features",
                             tmp_path / "net.safetensors", "--json", "--no-memorisation")
    assert code == 0, err
    result = json.loads(out)
    assert result["n"] == 300 and result["fid"] >= 0 and 0 <= result["coverage"] <= 1
    code, out, err = run_cli(monkeypatch, capsys, "evaluate", tmp_path / "real.npy", "--features",
                             tmp_path / "net.safetensors", "--save")
    assert code == 0, err
    assert "memorisation_share" in out and (tmp_path / "real.nearest_neighbours.png").stat().st_size > 1000
    saved = json.loads((tmp_path / "real.evaluation.json").read_text())
    assert saved["memorisation_share"] < 0.05  # test images: about 1% by the rule's construction
    code, _, err = run_cli(monkeypatch, capsys, "evaluate", tmp_path / "real.npy", "--features", "vgg")
    assert code == 2 and "unknown feature network" in err
    np.save(tmp_path / "floats.npy", images[:10].astype(np.float32))
    code, _, err = run_cli(monkeypatch, capsys, "evaluate", tmp_path / "floats.npy", "--features",
                           tmp_path / "net.safetensors")
    assert code == 2 and "uint8" in err
