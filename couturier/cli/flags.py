"""Command-line flags made from the config's dataclasses, and back into config layers.

Every field of DataConfig, ModelConfig, LossConfig and TrainConfig, and of every registered
model's own options ([model.options]), becomes a flag named after its key (or the names in its
metadata), typed and documented by its dataclass; `--set section.key=value` (and
`--set model.options.key=value`) reaches any field too. Flags left unset override nothing.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import click

from couturier.config import MODEL_OPTIONS, SECTIONS, config_fields
from couturier.errors import ConfigError

# Library fields that are not config keys, and the flags that set them.
ARGUMENT_FLAGS = {"class_name": "--class", "config": "--config", "out": "--out", "resume": "--resume", "garment": "--garment",
                  "stylizer": "--stylizer", "max_pixels": "--max-pixels", "vgg": "--vgg", "mask": "--mask",
                  "n": "--n", "truncation": "--truncation", "best_of": "--best-of", "steps": "--steps", "size": "--size",
                  "class_a": "--class-a", "features": "--features", "trust_code": "--trust-code", "ref": "--ref", "interpolate": "--interpolate",
                  "nproc": "--nproc", "attribute": "--attribute", "by": "--by", "time": "--time",
                  "weight": "--weight", "horizon": "--horizon", "level": "--level", "min_rows": "--min-rows",
                  "method": "--method", "prompts": "--prompts", "fabric_scale": "--fabric-scale",
                  "directions": "--directions", "classifier": "--classifier", "k": "--k", "keep": "--keep",
                  "direction": "--direction", "prompt": "--prompt", "walk": "--walk"}


def _flag_names(section: str, field) -> list[str]:
    return [f"--{name.replace('_', '-')}" for name in (field.metadata.get("flags") or (field.name,))]


def option_fields() -> list[tuple]:
    """(field, type) of every registered model's own options, one per name (models sharing an
    option, e.g. `generator`, share its flag)."""
    from couturier.models.registry import model_names

    model_names()  # imports every model, which registers its options
    seen: dict[str, tuple] = {}
    for options_cls in MODEL_OPTIONS.values():
        for f, kind in config_fields(options_cls):
            seen.setdefault(f.name, (f, kind))
    return list(seen.values())


def _all_fields() -> list[tuple[str, object, object]]:
    """(section, field, type) for every flag-backed key; model options under "model.options"."""
    return [*((section, f, kind) for section, cls in SECTIONS.items() for f, kind in config_fields(cls)),
            *(("model.options", f, kind) for f, kind in option_fields())]


def config_flag_table() -> dict[str, str]:
    """config key ("train.batch_size") -> its first flag ("--batch-size")."""
    return {f"{section}.{f.name}": _flag_names(section, f)[0] for section, f, _ in _all_fields()}


def flag_for(field: str | None) -> str | None:
    if not field:
        return None
    return config_flag_table().get(field) or ARGUMENT_FLAGS.get(field)


def config_options(command: Callable) -> Callable:
    """Decorate a click command with one option per config field (dest: section__key, model__options__key)."""
    options = []
    for section, f, kind in _all_fields():
        names, dest = _flag_names(section, f), f"{section.replace('.', '__')}__{f.name}"
        help_text = f.metadata.get("help", "") + f" [{section}.{f.name}]"
        base = next((k for k in getattr(kind, "__args__", (kind,)) if k is not type(None)), kind)
        if base is bool:
            option = click.option(f"{names[0]}/--no-{names[0][2:]}", dest, default=None, help=help_text)
        else:
            choices = f.metadata.get("choices")
            kind_ = click.Choice([str(c) for c in choices]) if choices and base is str else base
            option = click.option(*names, dest, type=kind_, default=None, help=help_text)
        options.append(option)
    from couturier.presets import TASK_DEFAULTS

    options.append(click.option("--task", type=click.Choice(list(TASK_DEFAULTS)), default=None,
                                help="what to generate from: the task's default model unless --model names one"))
    options.append(click.option("--lr", type=float, help="Learning rate for both G and D."))
    options.append(click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
                                help="Set any config value, e.g. --set train.beta2=0.99 (repeatable)."))
    for option in reversed(options):
        command = option(command)
    return command


def flags_to_layer(flags: dict[str, Any]) -> dict[str, Any]:
    """The flags that were given, as a config layer {section: {key: value}}."""
    layer: dict[str, dict] = {}
    for dest, value in flags.items():
        if "__" in dest and value is not None:
            *path, key = dest.split("__")
            _nested(layer, path)[key] = value
    if flags.get("task") is not None:
        layer.setdefault("model", {})["task"] = flags["task"]
    if flags.get("lr") is not None:
        layer.setdefault("train", {}).update(lr_g=flags["lr"], lr_d=flags["lr"])
    for item in flags.get("overrides") or ():
        section, key, value = _parse_override(item)
        *inner, name = key.split(".")
        _nested(layer, [section, *inner])[name] = value
    train = layer.get("train", {})
    if train.get("minutes") is not None and "steps" not in train:  # one budget at a time
        train["steps"] = None
    elif train.get("steps") is not None and "minutes" not in train:
        train["minutes"] = None
    return layer


def _nested(layer: dict, path: list[str]) -> dict:
    for part in path:
        layer = layer.setdefault(part, {})
    return layer


def _parse_override(item: str) -> tuple[str, str, Any]:
    key, sep, raw = item.partition("=")
    section, dot, name = key.strip().partition(".")
    if not sep or not dot or section not in SECTIONS:
        raise ConfigError(f"--set takes SECTION.KEY=VALUE with a section of {', '.join(SECTIONS)}; got {item!r}",
                          field="set")
    try:
        value = json.loads(raw)  # numbers, true/false, null, "quoted strings"
    except ValueError:
        value = raw  # a bare word is a string
    return section, name.strip(), value
