"""config.py: types, ranges, frozen values, files, older runs' configs."""
import dataclasses

import pytest

from couturier.config import Config, load_config_file
from couturier.errors import ConfigError
from couturier.models import model_names
from couturier.presets import build_config


def test_yaml_files_and_round_trip(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("model:\n  name: sngan\n  conditional: true\ntrain:\n  lr_g: 2e-4\n")
    cfg = build_config(load_config_file(path))
    assert cfg.loss.name == "hinge" and cfg.train.ema_decay > 0
    assert cfg.train.lr_g == 2e-4  # PyYAML reads "2e-4" as a string; the config takes the number meant
    assert Config.from_dict(cfg.to_dict()) == cfg


def test_config_is_frozen():
    cfg = build_config({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.train.batch_size = 3
    assert cfg.replace("train", batch_size=3).train.batch_size == 3 and cfg.train.batch_size == 64


@pytest.mark.parametrize("layer, field, message", [
    ({"train": {"steps": 0}}, "train.steps", "train.steps must be an integer from 1 to 1,000,000,000, got 0"),
    ({"train": {"batch_size": -4}}, "train.batch_size", "train.batch_size must be an integer from 1"),
    ({"train": {"bogus": 1}}, "train.bogus", "unknown key"),
    ({"model": {"name": "stylegan9"}}, "model.name", "valid models: " + ", ".join(model_names())),
    ({"loss": {"name": "l2"}}, "loss.name", "valid losses: bce, hinge, wgan-gp"),
    ({"model": {"name": "text2image", "options": {"text_encoder": "bert"}}}, "model.options.text_encoder",
     "unknown text encoder 'bert'"),
    ({"train": {"diffaugment": "rotate"}}, "train.diffaugment", "unknown DiffAugment policy"),
    ({"data": {"channels": 2}}, "data.channels", "data.channels must be one of 1, 3, got 2"),
    ({"train": {"steps": 1.5}}, "train.steps", "must be an integer"),
    ({"train": {"threads": -1}}, "train.threads", "train.threads"),
    ({"model": {"conditional": "no"}}, "model.conditional", "model.conditional must be true or false, got 'no'"),
    ({"train": {"lr_g": "fast"}}, "train.lr_g", "train.lr_g must be a number above 0"),
    ({"train": {"lr_d": float("nan")}}, "train.lr_d", "train.lr_d must be a number"),
    ({"train": {"ema_decay": 1.0}}, "train.ema_decay", "train.ema_decay"),
    ({"model": {"task": "video"}}, "model.task", "one of 'image', 'text2image'"),
    ({"model": {"options": {"grow_steps": 10}}}, "model.options.grow_steps", "model 'dcgan' has no options of its own"),
    ({"model": {"name": "sngan", "options": {"variety_weight": 0.5}}}, "model.options.variety_weight",
     "model.options.variety_weight applies to other models"),
    ({"model": {"name": "text2image", "grow_steps": 10}}, "model.options.grow_steps",
     "model.grow_steps is an option of model 'text2image'; set it under"),
    ({"model": {"name": "projected", "options": {"code_spread": 0.2}}}, "model.options.code_spread",
     "unknown key(s)"),
    ({"model": {"task": "text2image", "options": {"attribute_weight": 0.0, "attribute_twin": True}}},
     "model.options.attribute_twin", "attribute_weight above 0"),
    ({"train": {"steps": None, "minutes": None}}, "train.steps", "needs a budget"),
    ({"train": {"eval_n": 10}}, "train.eval_n", "at least 100"),
    ({"data": "fashion"}, "data", "must be a table"),
])
def test_bad_values_name_the_key_the_value_and_what_is_allowed(layer, field, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        build_config(layer)
    assert caught.value.field == field


def test_saved_configs_of_older_versions_still_load():
    values = build_config({}).to_dict()
    values["model"].update(num_classes=10, text_dim=256)  # derived values older runs stored in their config
    assert Config.from_saved(values) == build_config({})
    with pytest.raises(ConfigError, match="unknown key"):
        Config.from_dict(values)  # a user's file may not set them


def test_a_models_own_options_are_a_section_of_their_own_and_older_runs_kept_them_beside_the_rest():
    cfg = build_config({"model": {"name": "text2image", "options": {"variety_weight": 0.3, "text_encoder": "tfidf"}}})
    assert cfg.model.options.variety_weight == 0.3 and cfg.model.options.attribute_weight == 1.0  # preset kept
    assert build_config({"model": {"name": "dcgan"}}).model.options is None
    assert Config.from_dict(cfg.to_dict()) == cfg  # checkpoints store them as a nested table
    # a run of an older version: the text model's options beside everyone's, and its task
    old = cfg.to_dict()
    old["model"] = {**{k: v for k, v in old["model"].items() if k != "options"}, **old["model"]["options"],
                    "task": "text2image", "text_dim": 256}
    assert Config.from_saved(old) == cfg


def test_model_option_flags_and_set_reach_the_options_section(tmp_path):
    from couturier.cli.flags import config_flag_table, flag_for, flags_to_layer

    assert flag_for("model.options.text_encoder") == "--encoder"
    assert config_flag_table()["model.options.grow_steps"] == "--grow-steps"
    layer = flags_to_layer({"model__options__variety_weight": 0.2, "task": "text2image",
                            "overrides": ["model.options.code_spread=0.1"]})
    assert layer == {"model": {"options": {"variety_weight": 0.2, "code_spread": 0.1}, "task": "text2image"}}
    cfg = build_config(layer)
    assert (cfg.model.name, cfg.model.options.variety_weight, cfg.model.options.code_spread) == \
        ("projected-text2image", 0.2, 0.1)
    path = tmp_path / "run.toml"
    path.write_text('[model]\nname = "projected"\n[model.options]\ngenerator = "transposed"\n')
    assert build_config(load_config_file(path)).model.options.generator == "transposed"


def test_bad_config_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config_file(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[train\nsteps = ")
    with pytest.raises(ConfigError, match="cannot parse"):
        load_config_file(broken)
