"""`couturier evaluate`."""
import numpy as np
from conftest import needs_data, run_cli, tiny_config


@needs_data
def test_evaluate_prints_json(tmp_path, monkeypatch, capsys, shared_cache):
    import json

    import torch
    from safetensors.torch import save_file

    from couturier.data.fashion_mnist import load_fashion_mnist
    from couturier.metrics.features import FashionClassifier

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



def test_a_text_to_image_run_is_judged_against_its_catalogue(catalogue, tmp_path, monkeypatch, capsys):
    """RGB catalogue runs go through `couturier evaluate` too: the catalogue is the reference, an
    attribute classifier the feature space, and the run draws one image per catalogue description."""
    import json

    from couturier.data.catalogue import load_catalogue
    from couturier.metrics.attributes import train_attribute_judge
    from couturier.train import Trainer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = tmp_path / "run"
    cfg = tiny_config("text2image", steps=2, batch_size=8,
                      data={"dataset": str(catalogue), "resolution": 32, "channels": 3})
    Trainer(cfg, run, log=lambda _: None).fit(progress=False)
    real = load_catalogue(catalogue, 32, progress=False)
    judge = train_attribute_judge(real.images, {"gender": real.attributes["gender"]}, epochs=1, batch_size=16,
                                  progress=False)
    judge.save(tmp_path / "judge.safetensors")
    features = f"attributes:{tmp_path / 'judge.safetensors'}"
    code, out, err = run_cli(monkeypatch, capsys, "evaluate", run, "--ref", catalogue, "--size", 32,
                             "--features", features, "--n", 120, "--json")
    assert code == 0, err
    generated = json.loads(out)
    assert generated["n"] == 120 and generated["fid"] > 0 and 0 <= generated["attribute_match"] <= 1
    assert "attribute_match_gender" in generated and "class_entropy" not in generated
    assert generated["variety"] >= 0 and "variety_ratio" in generated  # seeds within one description
    assert generated["variety_typical"] >= 0 and "variety_typical_ratio" in generated
    assert "memorisation_share" not in generated  # pixel copying is judged against Fashion-MNIST only
    # D's favourite of 2 draws per image: other pictures, judged the same way
    code, out, err = run_cli(monkeypatch, capsys, "evaluate", run, "--ref", catalogue, "--size", 32,
                             "--features", features, "--n", 120, "--json", "--best-of", 2, "--no-memorisation")
    assert code == 0, err
    assert json.loads(out)["n"] == 120 and json.loads(out)["fid"] != generated["fid"]

    # phrasings of your own, with the attributes they ask for: judged the same way
    (tmp_path / "prompts.csv").write_text("prompt,gender\ncrimson frock for ladies,Women\nnavy shirt for gents,Men\n")
    code, out, err = run_cli(monkeypatch, capsys, "evaluate", run, "--ref", catalogue, "--size", 32, "--features",
                             features, "--n", 120, "--prompts", tmp_path / "prompts.csv", "--json")
    assert code == 0, err
    assert 0 <= json.loads(out)["attribute_match_gender"] <= 1 and json.loads(out)["n"] == 120
    (tmp_path / "bad.csv").write_text("caption,gender\nred dress,Women\n")
    code, _, err = run_cli(monkeypatch, capsys, "evaluate", run, "--ref", catalogue, "--size", 32, "--features",
                           features, "--prompts", tmp_path / "bad.csv")
    assert code == 2 and "'prompt' column" in err and "columns found: caption, gender" in err

    np.savez(tmp_path / "real.npz", images=np.concatenate([real.images] * 3))  # the catalogue itself
    code, out, err = run_cli(monkeypatch, capsys, "evaluate", tmp_path / "real.npz", "--ref", catalogue,
                             "--size", 32, "--features", features, "--json")
    assert code == 0, err
    assert json.loads(out)["fid"] < generated["fid"] / 10  # real images sit far closer than 2 steps of training

    code, _, err = run_cli(monkeypatch, capsys, "evaluate", run, "--ref", catalogue, "--size", 32, "--n", 120)
    assert code == 2 and "the fashion features judge 28x28 images" in err and "[--features]" in err


def test_a_feature_network_that_carries_code_needs_trust_code(tmp_path, monkeypatch, capsys):
    (tmp_path / "net.pt2").write_bytes(b"PK")
    np.save(tmp_path / "s.npy", np.zeros((100, 28, 28), np.uint8))
    code, _, err = run_cli(monkeypatch, capsys, "evaluate", tmp_path / "s.npy", "--features", tmp_path / "net.pt2")
    assert code == 2 and "runs code from the file" in err and err.strip().endswith("[--trust-code]")
