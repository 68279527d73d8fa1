"""Models by name: each GAN file registers a builder and its training preset.

A preset holds the hyper-parameters the model was designed with (batch size,
learning rates, loss, EMA, augmentation); config files and flags override it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from torch import nn

from couturier.config import Config, ConfigError

Builder = Callable[[Config], "tuple[nn.Module, nn.Module]"]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    build: Builder
    preset: dict[str, Any]
    summary: str


_MODELS: dict[str, ModelSpec] = {}


def register_model(name: str, preset: dict[str, Any], summary: str) -> Callable[[Builder], Builder]:
    def decorator(build: Builder) -> Builder:
        _MODELS[name] = ModelSpec(name, build, preset, summary)
        return build

    return decorator


def model_names() -> list[str]:
    return sorted(_MODELS)


def get_model_spec(name: str) -> ModelSpec:
    if name not in _MODELS:
        raise ConfigError(f"unknown model {name!r}; valid models: {', '.join(model_names())}")
    return _MODELS[name]


def model_preset(name: str) -> dict[str, Any]:
    spec = get_model_spec(name)
    return {section: dict(values) for section, values in spec.preset.items()}


def build_models(cfg: Config) -> tuple[nn.Module, nn.Module]:
    """Build (generator, discriminator) for a resolved config."""
    return get_model_spec(cfg.model.name).build(cfg)
