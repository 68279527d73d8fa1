"""Resolve a config from its layers, with the chosen model's preset beneath them.

    defaults < model preset < config file < flags  (each later layer wins)

Also checks the names the config chooses (model, loss, text encoder, DiffAugment policy)
against their registries, so an unknown name fails here rather than later. Kept apart from
couturier.config so that the config stays a leaf that data and models can import.
"""
from __future__ import annotations

from typing import Any

from couturier.augment import parse_policy
from couturier.config import Config, ModelConfig, merge
from couturier.errors import ConfigError
from couturier.losses import LOSSES
from couturier.models.registry import get_model, model_preset
from couturier.text2image.encoders import ENCODERS


def model_name(*layers: dict[str, Any]) -> Any:
    """The model these layers choose (later layers win): the one named, else the task's default.
    Not yet checked: build_config does that."""
    model: dict[str, Any] = {}
    for layer in layers:
        if isinstance(layer.get("model"), dict):
            model.update(layer["model"])
    if model.get("name") is not None:
        return model["name"]
    if model.get("task") == "text2image":
        # the projected D: at 30 minutes it matched all three attributes of held-out descriptions in
        # 0.359 of pictures against 0.246 for the old D (BENCHMARKS.md)
        return "projected-text2image"
    return ModelConfig.name


def build_config(*layers: dict[str, Any]) -> Config:
    """The config for these layers (lowest first), checked by type, range and name."""
    combined: dict[str, Any] = {}
    for layer in layers:
        combined = merge(combined, layer)
    name = model_name(combined)
    if not isinstance(name, str):
        raise ConfigError(f"model.name must be a string, got {name!r}", field="model.name")
    combined = merge(combined, {"model": {"name": name}})
    config = Config.from_dict(merge(model_preset(name), combined))
    check_names(config)
    return config


def check_names(config: Config) -> None:
    """Every name the config chooses exists, and the model and task agree."""
    model = get_model(config.model.name)
    LOSSES.get(config.loss.name)
    if config.model.text_encoder not in ENCODERS.names():
        raise ConfigError(f"unknown text encoder {config.model.text_encoder!r}; valid text encoders: "
                          f"{', '.join(ENCODERS.names())}", field="model.text_encoder")
    if config.train.diffaugment != "auto":
        parse_policy(config.train.diffaugment)
    if config.model.task != model.task:
        raise ConfigError(f"model {config.model.name!r} is for the task {model.task!r}, but model.task is "
                          f"{config.model.task!r}; the text2image task takes a text model (text2image, "
                          f"projected-text2image)", field="model.task")
