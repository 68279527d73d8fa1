"""presets.py: defaults < model preset < file < flags; the benchmark configs."""
from couturier.config import load_config_file
from couturier.presets import build_config, model_name


def test_model_preset_sits_below_file_and_flags(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('[model]\nname = "mlp"\n[train]\nbatch_size = 48\nlr_g = 0.001\n')
    cfg = build_config(load_config_file(path), {"train": {"lr_g": 0.005}})
    assert cfg.model.name == "mlp"
    assert cfg.train.batch_size == 48  # the file beats the mlp preset (32)
    assert cfg.train.lr_g == 0.005  # the flag beats the file
    assert cfg.loss.name == "bce"  # from the preset


def test_the_text_task_defaults_to_the_projected_model_and_the_sentence_encoder():
    cfg = build_config({"model": {"task": "text2image"}})
    assert (cfg.model.name, cfg.model.options.text_encoder) == ("projected-text2image", "sentence")
    # the original design's GAN stays one flag away, with its own default encoder
    cfg = build_config({"model": {"task": "text2image", "name": "text2image"}})
    assert (cfg.model.name, cfg.model.options.text_encoder) == ("text2image", "tfidf")
    cfg = build_config({"model": {"task": "text2image"}}, {"model": {"options": {"text_encoder": "tfidf"}}})
    assert (cfg.model.name, cfg.model.options.text_encoder) == ("projected-text2image", "tfidf")
    # the run folder is named before the config is built, by the same rule
    assert model_name({"model": {"task": "text2image"}}, {"train": {"steps": 2}}) == "projected-text2image"
    assert model_name({"model": {"name": "mlp"}}, {"model": {"name": "sngan"}}) == "sngan"
    assert model_name({}) == "dcgan"


def test_every_benchmark_config_is_valid_whole_and_reads_no_run_folder():
    """Each file states every key, so a change of a model's preset cannot move a benchmark row."""
    from pathlib import Path

    from couturier.config import Config

    files = sorted(p for p in (Path(__file__).resolve().parents[1] / "configs").rglob("*.toml")
                   if p.parent.name not in ("trends", "directions"))  # their settings, not training configs
    assert len(files) >= 20
    for path in files:
        layer = load_config_file(path)
        assert Config.from_dict(layer) == build_config(layer), path.name  # the preset adds nothing
        assert not layer["data"]["dataset"].startswith("runs/"), path.name


def test_trend_configs_name_a_catalogue_and_its_columns():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "configs" / "trends").glob("*.toml"))
    assert len(files) == 3
    for path in files:
        spec = load_config_file(path)
        assert set(spec) <= {"catalogue", "attribute", "by", "horizon", "top", "min_rows"}, path.name
        table = root / spec["catalogue"]
        if table.is_file():  # ../shared is beside the repository in CI
            header = table.open(encoding="utf-8").readline().strip().split(",")
            assert spec["attribute"] in header, path.name


def test_direction_configs_name_their_run_and_the_config_it_was_trained_from():
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "configs" / "directions").glob("*.toml"))
    assert len(files) >= 2
    for path in files:
        text = path.read_text()
        settings = tomllib.loads(text)
        assert {"run", "k", "n", "seed", "monotone_n", "attributes"} <= set(settings), path.name
        trained_from = re.findall(r"configs/[\w/.-]+\.toml", text)
        assert trained_from and all((root / name).is_file() for name in trained_from), path.name
