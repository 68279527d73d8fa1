"""Models by name: each GAN file registers its `GAN` subclass with a training preset.

A preset holds the hyper-parameters the model was designed with (batch size, learning rates,
loss, EMA, augmentation); config files and flags override it. Every module of this package is
imported on the first lookup (and of couturier.text2image.models), so a new model is one new file.
"""
from __future__ import annotations

from typing import Any, Callable

from couturier import config
from couturier.models.base import GAN
from couturier.registry import Registry

# the image GANs' package and the text-to-image wing's
MODELS: Registry[type[GAN]] = Registry("model", package=("couturier.models", "couturier.text2image.models"),
                                       field="model.name")


def register_model(name: str, preset: dict[str, Any], summary: str) -> Callable[[type[GAN]], type[GAN]]:
    def decorator(cls: type[GAN]) -> type[GAN]:
        cls.name, cls.preset, cls.summary = name, preset, summary
        if cls.Options is not None:  # the config checks [model.options] against it
            config.MODEL_OPTIONS[name] = cls.Options
        return MODELS.register(name)(cls)

    return decorator


config.find_models = lambda: MODELS.names()  # a config naming a model not yet imported finds it


def model_names() -> list[str]:
    return MODELS.names()


def get_model(name: str) -> type[GAN]:
    return MODELS.get(name)


def model_preset(name: str) -> dict[str, Any]:
    return {section: dict(values) for section, values in get_model(name).preset.items()}
