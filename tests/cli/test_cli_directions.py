"""`couturier directions`, `couturier edit` and `couturier train-classifier` on trained runs."""
import json
import shutil

import numpy as np
from conftest import run_cli
from PIL import Image


def halves(path):
    picture = np.asarray(Image.open(path))
    return picture[:, : picture.shape[1] // 2], picture[:, picture.shape[1] // 2:]


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
    left, right = halves(edited)
    assert left.shape == right.shape and not np.array_equal(left, right)  # moved, beside the original
    for move, message in (("sefa-9=+1", "no direction 'sefa-9'"), ("sefa-1=+7", "between -5 and 5"),
                          ("sefa-1", "give ID=STRENGTH")):
        code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--directions", out / "directions.json",
                               "--direction", move, "--out", tmp_path / "bad.png")
        assert code == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "bad.png").exists()


def test_ganspace_directions_are_saved_with_the_run_by_default(conditional_run, tmp_path, monkeypatch, capsys):
    run = tmp_path / "run"
    shutil.copytree(conditional_run, run)
    code, stdout, err = run_cli(monkeypatch, capsys, "directions", run, "--method", "ganspace", "--k", "2", "--n", "8")
    assert code == 0, err
    record = json.loads((run / "directions" / "directions.json").read_text())
    assert record["method"] == "ganspace" and [d["id"] for d in record["directions"]] == ["ganspace-1", "ganspace-2"]
    code, _, err = run_cli(monkeypatch, capsys, "edit", run, "--direction", "ganspace-2=-2", "--out",
                           tmp_path / "e.png")  # the run's own directions unless --directions
    assert code == 0, err
    code, _, err = run_cli(monkeypatch, capsys, "directions", run, "--k", "2", "--n", "8")
    assert code == 2 and "already exists" in err and err.count("\n") == 1  # nothing replaced without --force


def test_a_directions_file_of_another_run_is_refused(conditional_run, tmp_path, monkeypatch, capsys):
    """Two runs of the same model and size of z: the file names the run it was found for."""
    from conftest import tiny_config

    from couturier.train import Trainer

    out = tmp_path / "dirs"
    run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", out, "--k", "1", "--n", "4")
    other = tmp_path / "other"
    Trainer(tiny_config("sngan", conditional=True, steps=1), other).fit(progress=False)
    code, _, err = run_cli(monkeypatch, capsys, "edit", other, "--directions", out, "--direction", "sefa-1=1",
                           "--out", tmp_path / "e.png")
    assert code == 2 and "was found for another run" in err and err.count("\n") == 1, err
    for args, message in ((("--n", "1"), "judge directions on 2 to"), (("--keep", "class=coat"), "give --attribute"),
                          (("--method", "pca"), "Invalid value for '--method'"),
                          (("--prompt", "red dress"), "descriptions need a text-to-image run"),
                          (("--classifier", out / "directions.json"), "judges colour catalogue pictures")):
        code, _, err = run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", tmp_path / "bad", *args)
        assert code == 2 and message in err, (args, err)
    assert not (tmp_path / "bad").exists()


def test_attribute_directions_from_the_command_and_their_bad_names(conditional_run, tmp_path, monkeypatch, capsys):
    out = tmp_path / "dirs"
    code, stdout, err = run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", out, "--k", "1",
                                "--n", "8", "--attribute", "class=Dress", "--keep", "class=coat")
    assert code == 0, err
    ids = [d["id"] for d in json.loads((out / "directions.json").read_text())["directions"]]
    assert ids == ["sefa-1", "attr-dress"] and "attr-dress: more p(dress)" in stdout
    code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--directions", out, "--direction",
                           "class=Dress=+2", "--out", tmp_path / "e.png")  # an attribute's own name is its id too
    assert code == 0, err
    code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--walk", "class=Dress=+2", "--out",
                           tmp_path / "walked.png")  # a walk needs no directions file
    left, right = halves(tmp_path / "walked.png")
    assert code == 0 and not np.array_equal(left, right), err
    for walk, message in (("class=Dress", "give NAME=STRENGTH"), ("class=Dress=+9", "between -5 and 5"),
                          ("class=frock=1", "no class 'frock'")):
        code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--walk", walk, "--out", tmp_path / "w.png")
        assert code == 2 and message in err and err.count("\n") == 1, (walk, err)
    code, _, err = run_cli(monkeypatch, capsys, "edit", conditional_run, "--out", tmp_path / "w.png")
    assert code == 2 and "say how to move the sample" in err
    for spec, message in (("class=frock", "no class 'frock'; choose from t-shirt/top"),
                          ("baseColour=Black", "know no 'baseColour'; they know class"),
                          ("dress", "name an attribute as NAME=VALUE")):
        code, _, err = run_cli(monkeypatch, capsys, "directions", conditional_run, "--out", tmp_path / "bad",
                               "--attribute", spec)
        assert code == 2 and message in err and err.count("\n") == 1, err


def test_a_text_run_is_steered_by_its_noise_and_its_words_and_judged_by_a_trained_classifier(
        text_run, catalogue, tmp_path, monkeypatch, capsys):
    judge = tmp_path / "judge.safetensors"
    code, stdout, err = run_cli(monkeypatch, capsys, "train-classifier", catalogue, "--out", judge, "--epochs", "1",
                                "--min-count", "8")
    assert code == 0, err
    assert "baseColour: 4 values" in stdout and json.loads(judge.with_suffix(".json").read_text())["gender"] == [
        "Men", "Women"]
    out = tmp_path / "dirs"
    code, stdout, err = run_cli(monkeypatch, capsys, "directions", text_run, "--out", out, "--k", "2", "--n", "6",
                                "--classifier", judge, "--attribute", "baseColour=Red", "--prompt",
                                "a blue shirt for men")
    assert code == 0, err
    record = json.loads((out / "directions.json").read_text())
    judges = set(record["directions"][0]["effects"])
    assert {"p(baseColour=Red)", "p(gender=Women)", "a* (green to red)", "width"} <= judges
    assert [(d["id"], d["space"]) for d in record["directions"]] == [
        ("sefa-1", "noise"), ("sefa-2", "noise"), ("ganspace-words-1", "words"), ("ganspace-words-2", "words"),
        ("attr-red", "words")]
    z_dim = 16  # the text run's; its words' coordinates follow
    vectors = {d["id"]: np.array(d["vector"]) for d in record["directions"]}
    assert not vectors["sefa-1"][z_dim:].any() and not vectors["attr-red"][:z_dim].any()
    assert len(record["random_directions"]) == 2  # chance in each part of the latent
    for move in (("--direction", "sefa-1=+4"), ("--direction", "attr-red=+4"),
                 ("--walk", "baseColour=Red=+2", "--classifier", judge)):  # a walk climbs in the words
        edited = tmp_path / f"{move[1]}.png"
        code, _, err = run_cli(monkeypatch, capsys, "edit", text_run, "--directions", out, *move,
                               "--prompt", "a blue shirt for men", "--out", edited)
        assert code == 0, err
        left, right = halves(edited)
        assert not np.array_equal(left, right)
    for args, message in ((("--attribute", "baseColour=Mauve"), "no baseColour 'Mauve'; choose from Black, Blue"),
                          (("--attribute", "colour=Red"), "know no 'colour'; they know articleType, baseColour"),
                          (("--classifier", tmp_path / "none.safetensors"), "is not an attribute classifier")):
        code, _, err = run_cli(monkeypatch, capsys, "directions", text_run, "--out", tmp_path / "bad",
                               *(() if "--classifier" in args else ("--classifier", judge)), *args)
        assert code == 2 and message in err and err.count("\n") == 1, (args, err)
    code, _, err = run_cli(monkeypatch, capsys, "directions", text_run, "--out", tmp_path / "bad", "--attribute",
                           "baseColour=Red")
    assert code == 2 and "an attribute classifier of its catalogue" in err and "[--classifier]" in err


def test_train_classifier_refuses_what_it_cannot_learn(catalogue, tmp_path, monkeypatch, capsys):
    for args, message in ((("--out", tmp_path / "j.pt"), "name the classifier FILE.safetensors"),
                          (("--out", tmp_path / "j.safetensors"), "fewer than two values seen 20 times"),
                          (("--out", tmp_path / "j.safetensors", "--attributes", "season"), "has no attribute column 'season'")):
        code, _, err = run_cli(monkeypatch, capsys, "train-classifier", catalogue, *args)
        last = err.rstrip().splitlines()[-1]  # after the progress bar of a first read of the photos
        assert code == 2 and last.startswith("error:") and message in last, (args, err)
    assert not (tmp_path / "j.safetensors").exists()
