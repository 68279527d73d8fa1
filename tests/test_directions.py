"""couturier/directions.py and `couturier directions` / `couturier edit`: named latent directions."""
import json

import numpy as np
import pytest
import torch
from conftest import run_cli
from PIL import Image

from couturier import directions as steer
from couturier.errors import ConfigError


def test_sefa_directions_are_orthonormal_strongest_first_and_the_layers_own():
    torch.manual_seed(0)
    weight = torch.randn(64, 8) @ torch.diag(torch.tensor([5.0, 4, 3, 2, 1, 1, 1, 1]))
    found = steer.sefa(weight, 3)
    vectors = np.stack([d.vector for d in found])
    assert np.allclose(vectors @ vectors.T, np.eye(3), atol=1e-5)
    assert found[0].strength >= found[1].strength >= found[2].strength
    # the strongest direction moves the (column-normalised) layer more than any random one
    columns = weight / weight.norm(dim=0, keepdim=True)
    moved = lambda v: float((columns @ torch.as_tensor(v)).norm())  # noqa: E731
    random = [moved(r / np.linalg.norm(r)) for r in np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)]
    assert moved(found[0].vector) >= max(random) - 1e-5
    with pytest.raises(ConfigError, match="ask for 1 to 8 directions"):
        steer.sefa(weight, 9)


def test_a_direction_is_named_by_the_judge_that_moves_most_along_it():
    """A toy generator whose first latent brightens the picture: the direction along it is named
    "more brightness", with the other judges barely moving."""
    class Toy(torch.nn.Module):
        def forward(self, z, y=None):
            return torch.tanh(z[:, :1, None, None].expand(-1, 1, 8, 8) * 0.3)

    z = torch.randn(16, 4, generator=torch.Generator().manual_seed(0))
    judges = {"brightness": lambda x: x.mean((1, 2, 3)).numpy(), "noise": lambda x: np.zeros(len(x))}
    found = steer.name_directions(Toy(), [steer.Direction(np.eye(4, dtype=np.float32)[0], 1.0)], z, None, judges)
    assert found[0].name == "more brightness" and found[0].effect > 1 and found[0].entanglement < 0.01


def test_directions_and_edit_on_a_trained_run(conditional_run, tmp_path, monkeypatch, capsys):
    out = tmp_path / "dirs"
    code, stdout, err = run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", out, "--k", "3",
                                "--n", "8")
    assert code == 0, err
    record = json.loads((out / "directions.json").read_text())
    assert [d["id"] for d in record["directions"]] == ["sefa-1", "sefa-2", "sefa-3"]
    assert all(d["name"].split(" ", 1)[0] in ("more", "less") for d in record["directions"])
    assert Image.open(out / "directions.png").size[0] > 300 and "sefa-1:" in stdout
    again = tmp_path / "again"
    run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", again, "--k", "3", "--n", "8")
    assert json.loads((again / "directions.json").read_text())["directions"] == record["directions"]  # reproduces
    edited = tmp_path / "edited.png"
    code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--directions", out / "directions.json",
                           "--direction", "sefa-1=+3", "--seed", "2", "--out", edited)
    assert code == 0, err
    picture = np.asarray(Image.open(edited))
    left, right = picture[:, : picture.shape[1] // 2], picture[:, picture.shape[1] // 2:]
    assert left.shape == right.shape and not np.array_equal(left, right)  # moved, beside the original
    for move, message in (("sefa-9=+1", "no direction 'sefa-9'"), ("sefa-1=+7", "between -5 and 5"),
                          ("sefa-1", "give ID=STRENGTH")):
        code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--directions", out / "directions.json",
                               "--direction", move, "--out", tmp_path / "bad.png")
        assert code == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "bad.png").exists()


def test_an_attribute_direction_is_the_svms_normal_and_keeps_what_it_is_told_to():
    class Toy(torch.nn.Module):  # brightness follows z0 + z1
        def forward(self, z, y=None):
            return torch.tanh((z[:, :1] + z[:, 1:2])[:, :, None, None].expand(-1, 1, 8, 8) * 0.3)

    z = torch.randn(400, 6, generator=torch.Generator().manual_seed(0))
    brightness = lambda x: x.mean((1, 2, 3)).numpy()  # noqa: E731
    found = steer.attribute_direction(Toy(), z, None, brightness)
    assert abs(np.linalg.norm(found) - 1) < 1e-5 and found[0] > 0.6 and found[1] > 0.6  # along z0 + z1
    kept = steer.attribute_direction(Toy(), z, None, brightness, keep=[np.eye(6, dtype=np.float32)[0]])
    assert abs(kept[0]) < 1e-5 and kept[1] > 0.95  # z0 held still: only z1 moves the brightness


def test_attribute_directions_from_the_command_and_their_bad_names(conditional_run, tmp_path, monkeypatch, capsys):
    out = tmp_path / "dirs"
    code, stdout, err = run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", out, "--k", "1",
                                "--n", "8", "--attribute", "class=Dress", "--keep", "class=coat")
    assert code == 0, err
    ids = [d["id"] for d in json.loads((out / "directions.json").read_text())["directions"]]
    assert ids == ["sefa-1", "attr-dress"] and "attr-dress: more p(dress)" in stdout
    for spec, message in (("class=frock", "no class 'frock'; choose from t-shirt/top"),
                          ("baseColour=Black", "only class=NAME is judged yet")):
        code, _, err = run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", tmp_path / "bad",
                               "--attribute", spec)
        assert code == 2 and message in err and err.count("\n") == 1, err
