"""Resolve a config from its layers, with the chosen model's preset beneath them.

    defaults < model preset < config file < flags  (each later layer wins)

Also checks the names the config chooses (model, loss, DiffAugment policy) against their
registries, so an unknown name fails here rather than later (a model's own options check theirs).
A layer may name a task (`model.task`, the CLI's --task) instead of a model: the task's default
model is chosen, and a model named with it must be for it. Kept apart from couturier.config so
that the config stays a leaf that data and models can import.
"""
from __future__ import annotations

from typing import Any

from couturier.augment import parse_policy
from couturier.config import Config, ModelConfig, merge
from couturier.errors import ConfigError
from couturier.losses import LOSSES
from couturier.models.registry import MODELS, get_model, model_preset

# the model a task trains unless one is named: the projected D, which at 30 minutes matched all three
# attributes of held-out descriptions more often than the old D (BENCHMARKS.md, "Text to image")
TASK_DEFAULTS = {"image": ModelConfig.name, "text2image": "projected-text2image"}


def model_name(*layers: dict[str, Any]) -> Any:
    """The model these layers choose (later layers win): the one named, else the task's default.
    Not yet checked: build_config does that."""
    model: dict[str, Any] = {}
    for layer in layers:
        if isinstance(layer.get("model"), dict):
            model.update(layer["model"])
    if model.get("name") is not None:
        return model["name"]
    return TASK_DEFAULTS.get(model.get("task"), ModelConfig.name)


def build_config(*layers: dict[str, Any]) -> Config:
    """The config for these layers (lowest first), checked by type, range and name."""
    combined: dict[str, Any] = {}
    for layer in layers:
        combined = merge(combined, layer)
    name = model_name(combined)
    if not isinstance(name, str):
        raise ConfigError(f"model.name must be a string, got {name!r}", field="model.name")
    combined = merge(combined, {"model": {"name": name}})
    task = combined["model"].pop("task", None)
    if task is not None and task not in TASK_DEFAULTS:
        raise ConfigError(f"model.task must be one of {', '.join(map(repr, TASK_DEFAULTS))}, got {task!r}",
                          field="model.task")
    config = Config.from_dict(merge(model_preset(name), combined))
    check_names(config, task)
    return config


def check_names(config: Config, task: str | None = None) -> None:
    """Every name the config chooses exists, and the model is for the task asked for."""
    model = get_model(config.model.name)
    LOSSES.get(config.loss.name)
    if config.train.diffaugment != "auto":
        parse_policy(config.train.diffaugment)
    if task is not None and task != model.task:
        fitting = ", ".join(name for name, cls in MODELS.items() if cls.task == task)
        raise ConfigError(f"model {config.model.name!r} is for the task {model.task!r}, but model.task is "
                          f"{task!r}; the {task} task takes {fitting}", field="model.task")
