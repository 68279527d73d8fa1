import pytest

from couturier.config import Config, ConfigError, build_config, load_config_file


def test_model_preset_sits_below_file_and_flags(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('[model]\nname = "mlp"\n[train]\nbatch_size = 48\nlr_g = 0.001\n')
    cfg = build_config(load_config_file(path), {"train": {"lr_g": 0.005}})
    assert cfg.model.name == "mlp"
    assert cfg.train.batch_size == 48  # the file beats the mlp preset (32)
    assert cfg.train.lr_g == 0.005  # the flag beats the file
    assert cfg.loss.name == "bce"  # from the preset


def test_yaml_files_and_round_trip(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("model:\n  name: sngan\n  conditional: true\n")
    cfg = build_config(load_config_file(path))
    assert cfg.loss.name == "hinge" and cfg.train.ema_decay > 0
    assert Config.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize("layer, message", [
    ({"train": {"steps": 0}}, "train.steps"),
    ({"train": {"batch_size": -4}}, "train.batch_size"),
    ({"train": {"bogus": 1}}, "unknown key"),
    ({"model": {"name": "stylegan9"}}, "valid models: dcgan, mlp, sngan"),
    ({"data": {"channels": 2}}, "data.channels"),
    ({"train": {"steps": 1.5}}, "train.steps"),
    ({"train": {"threads": -1}}, "train.threads"),
])
def test_bad_values_fail_with_a_clear_message(layer, message):
    with pytest.raises(ConfigError, match=message):
        build_config(layer)


def test_bad_config_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config_file(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[train\nsteps = ")
    with pytest.raises(ConfigError, match="cannot parse"):
        load_config_file(broken)
