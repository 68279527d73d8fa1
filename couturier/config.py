"""One typed, validated, frozen configuration shared by the CLI, config files and checkpoints.

Values are layered, lowest first: dataclass defaults < the chosen model's preset < a
TOML/YAML/JSON config file < command-line flags (see couturier.presets.build_config). Every
value is checked by type and range as the config is built, so bad input fails before any work
starts, with an error naming the key. The resolved config is stored in every checkpoint.

Each field's metadata carries its help text and range; the CLI builds its flags from it.
Values the data decides (the number of classes, the text embedding's size) are not config:
they live in checkpoint meta.
"""
from __future__ import annotations

import dataclasses
import json
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from couturier.errors import ConfigError

__all__ = ["Config", "ConfigError", "DataConfig", "ModelConfig", "LossConfig", "TrainConfig",
           "load_config_file", "merge", "config_fields"]


def option(default: Any, help: str, *, min: float | None = None, max: float | None = None,
           above: float | None = None, choices: tuple | None = None, flags: tuple[str, ...] = ()) -> Any:
    """A config field: default, help text, and the range its values must lie in.
    `above` is an exclusive lower bound; `flags` are the CLI's names (default: the key)."""
    return field(default=default, metadata={"help": help, "min": min, "max": max, "above": above,
                                            "choices": choices, "flags": flags})


@dataclass(frozen=True)
class DataConfig:
    dataset: str = option("fashion-mnist", "'fashion-mnist', a folder of images (sub-folders are classes), "
                          "or a catalogue table (text2image)", flags=("data",))
    data_dir: str | None = option(None, "folder holding the Fashion-MNIST IDX files")
    resolution: int = option(28, "image size in pixels", min=8, max=1024, flags=("resolution", "size"))
    channels: int = option(1, "1 = grayscale, 3 = RGB", choices=(1, 3))
    image_column: str = option("", "catalogue column with the image path or id (empty: detect)")
    text_column: str = option("", "catalogue column with the free-text description")
    attribute_columns: str = option("", "comma-separated catalogue columns to compose descriptions from")
    image_dir: str = option("", "folder of the catalogue's images (default: images/ beside the table)")
    vary_wording: bool = option(True, "text2image: describe a third of the images by their attribute columns "
                                "alone and a third by their free text alone, so short and unseen phrasings "
                                "land near the same looks")
    reader_names: str = option("auto", "text2image: product-name tables the prompt reader also learns from "
                               "(productDisplayName with baseColour, articleType and gender; tables joined by id): "
                               "'auto' (the CSV tables in the catalogue's folder and its sub-folders), 'none', or "
                               "comma-separated paths")


@dataclass(frozen=True)
class ModelConfig:
    """What every model has; a model's own options live in `options` ([model.options] in files),
    an instance of the dataclass its file declares (`GAN.Options`), checked like any section."""
    name: str = option("dcgan", "architecture, by registered name", flags=("model",))
    conditional: bool = option(False, "class-conditional G and D")
    z_dim: int = option(100, "noise dimensions", min=1, max=4096)
    width: int = option(64, "channel (or unit) multiplier of the networks", min=1, max=1024)
    options: Any = field(default=None, metadata={"help": "the model's own options", "model_options": True})


# model name -> the dataclass of its options ([model.options]); filled as models register themselves
# (couturier.models.registry), so this module needs no import of them
MODEL_OPTIONS: dict[str, type] = {}
# called once when a model's options are asked for before its module was imported (set by the registry)
find_models: Callable[[], Any] = lambda: None  # noqa: E731


def options_class(model: str) -> type | None:
    if model not in MODEL_OPTIONS:
        find_models()
    return MODEL_OPTIONS.get(model)


@dataclass(frozen=True)
class LossConfig:
    name: str = option("bce", "adversarial loss, by registered name", flags=("loss",))
    r1_gamma: float = option(0.0, "R1 penalty weight on real images (0 = off)", min=0.0, flags=("r1",))
    gp_weight: float = option(10.0, "gradient-penalty weight (wgan-gp)", min=0.0)


@dataclass(frozen=True)
class TrainConfig:
    steps: int | None = option(2000, "generator steps to train", min=1, max=10 ** 9)
    minutes: float | None = option(None, "wall-clock budget in minutes; replaces steps when set", above=0.0,
                                   max=525_600.0)
    batch_size: int = option(64, "global batch size", min=1, max=65536)
    lr_g: float = option(2e-4, "generator learning rate", above=0.0, max=1.0)
    lr_d: float = option(2e-4, "discriminator learning rate", above=0.0, max=1.0)
    beta1: float = option(0.5, "Adam beta1", min=0.0, max=0.9999)
    beta2: float = option(0.999, "Adam beta2", min=0.0, max=0.9999)
    d_steps: int = option(1, "discriminator updates per generator update", min=1, max=100)
    ema_decay: float = option(0.0, "EMA decay of G's weights for sampling (0 = off)", min=0.0, max=0.99999,
                              flags=("ema",))
    diffaugment: str = option("", "DiffAugment policy: comma-separated color,translation,cutout; 'auto' = on "
                              "below 10,000 images; '' = off")
    seed: int = option(0, "random seed", min=0)
    device: str = option("cpu", "cpu, cuda or cuda:N")
    amp: bool = option(True, "bfloat16 mixed precision on CUDA and on CPUs with native bfloat16 (AMX or "
                                    "AVX512-BF16); float32 elsewhere")
    compile: bool = option(False, "torch.compile the networks")
    threads: int = option(0, "CPU threads (0 = torch's default)", min=0, max=1024)
    log_every: int = option(50, "steps between metrics.csv rows", min=1)
    sample_every: int = option(500, "steps between sample grids", min=1)
    checkpoint_every: int = option(1000, "steps between checkpoints", min=1)
    keep_checkpoints: int = option(2, "older checkpoints kept besides the latest", min=0)
    eval_every: int = option(0, "evaluate every N steps (Fashion-MNIST: FID and classes, keeping the best weights; "
                             "text2image: variety across seeds) and watch for collapse (0 = never)", min=0)
    eval_n: int = option(10000, "samples per evaluation during training", min=100)
    grid_columns: int = option(10, "columns of the progress grids", min=1, max=64)


SECTIONS: dict[str, type] = {"data": DataConfig, "model": ModelConfig, "loss": LossConfig, "train": TrainConfig}


@dataclass(frozen=True)
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def replace(self, section: str, **values: Any) -> "Config":
        """A copy with some values of one section changed, checked like any other."""
        return Config.from_dict(merge(self.to_dict(), {section: values}))

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Config":
        """Build a config from a nested dict, checking every key and value."""
        if not isinstance(values, dict):
            raise ConfigError("a config must be a table of sections (data, model, loss, train)")
        unknown = sorted(set(values) - set(SECTIONS))
        if unknown:
            raise ConfigError(f"unknown config section(s) {unknown}; valid sections: {sorted(SECTIONS)}",
                              field=unknown[0])
        _check_misplaced_options(values.get("model"))
        built = {name: _build_section(name, section_cls, values.get(name) or {})
                 for name, section_cls in SECTIONS.items()}
        built["model"] = dataclasses.replace(built["model"], options=_build_options(built["model"].name,
                                                                                  values.get("model") or {}))
        config = cls(**built)
        config._check_combinations()
        return config

    @classmethod
    def from_saved(cls, values: dict[str, Any]) -> "Config":
        """A config stored by a run, accepting the keys older versions stored there."""
        values = {section: dict(v) if isinstance(v, dict) else v for section, v in values.items()}
        model = values.get("model", {})
        for key in LEGACY_DERIVED:
            model.pop(key, None)
        # older versions kept a model's own options among everyone's: they move to [model.options]
        options_cls = options_class(model.get("name", ModelConfig.name))
        if options_cls is not None:
            own = {f.name for f in dataclasses.fields(options_cls)}
            moved = {key: model.pop(key) for key in list(model) if key in own}
            model["options"] = {**moved, **(model.get("options") or {})}
        return cls.from_dict(values)

    def _check_combinations(self) -> None:
        t, m = self.train, self.model
        if t.minutes is None and t.steps is None:
            raise ConfigError("set train.steps or train.minutes: training needs a budget", field="train.steps")
        if m.options is not None and hasattr(m.options, "check"):
            m.options.check()  # combinations of the model's own options


# Values older versions kept in the model section: derived ones are in checkpoint meta now, and the
# task is the model's (GAN.task).
LEGACY_DERIVED = ("num_classes", "text_dim", "task")


def config_fields(section_cls: type) -> list[tuple[dataclasses.Field, Any]]:
    """(field, resolved type) for each field of a section, for parsers and the CLI (the model's own
    options, a section of their own, left out)."""
    hints = typing.get_type_hints(section_cls)
    return [(f, hints[f.name]) for f in dataclasses.fields(section_cls) if not f.metadata.get("model_options")]


def _check_misplaced_options(model: Any) -> None:
    """A model's own option set beside everyone's (as older versions had it) says where it goes."""
    if not isinstance(model, dict) or not isinstance(model.get("name", ModelConfig.name), str):
        return
    options_cls = options_class(model.get("name", ModelConfig.name))
    own = {f.name for f in dataclasses.fields(options_cls)} if options_cls else set()
    misplaced = sorted(key for key in model if key in own)
    if misplaced:
        key = misplaced[0]
        raise ConfigError(f"model.{key} is an option of model {model.get('name', ModelConfig.name)!r}; set it under "
                          f"[model.options] (model.options.{key})", field=f"model.options.{key}")


def _build_options(model: str, values: dict[str, Any]):
    """The model's options ([model.options]) as its Options dataclass, or None for a model without."""
    given = values.get("options")
    options_cls = options_class(model)
    if options_cls is None:
        if given:
            first = next(iter(given)) if isinstance(given, dict) else ""
            raise ConfigError(f"model {model!r} has no options of its own (model.options.{first} applies to other "
                              f"models); leave it out", field=f"model.options.{first}" if first else "model.options")
        return None
    if dataclasses.is_dataclass(given):
        given = dataclasses.asdict(given)
    return _build_section("model.options", options_cls, given or {})


def _build_section(name: str, section_cls: type, values: Any):
    if not isinstance(values, dict):
        raise ConfigError(f"config section [{name}] must be a table of key = value", field=name)
    fields = config_fields(section_cls)
    valid = {f.name for f, _ in fields} | ({"options"} if section_cls is ModelConfig else set())
    bad = sorted(set(values) - valid)
    if bad:
        raise ConfigError(f"unknown key(s) {bad} in [{name}]; valid keys: {sorted(valid)}", field=f"{name}.{bad[0]}")
    checked = {f.name: check_value(f"{name}.{f.name}", values[f.name], kind, f.metadata)
               for f, kind in fields if f.name in values}
    return section_cls(**checked)


def check_value(key: str, value: Any, kind: Any, meta: dict) -> Any:
    """The value converted to the field's type, or a ConfigError naming the key and what is allowed."""
    optional = type(None) in typing.get_args(kind)
    base = next((k for k in typing.get_args(kind) if k is not type(None)), kind) if optional else kind
    if value is None:
        if optional:
            return None
        raise ConfigError(f"{key} needs a value ({_describe(base, meta)})", field=key)
    value = _convert(key, value, base, meta)
    _check_range(key, value, base, meta)
    return value


def _convert(key: str, value: Any, base: type, meta: dict) -> Any:
    wrong = ConfigError(f"{key} must be {_describe(base, meta)}, got {value!r}", field=key)
    if base is bool:
        if not isinstance(value, bool):  # "no" and 0 are not booleans: refusing beats guessing
            raise wrong
        return value
    if base is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return value
    if base is float:
        if isinstance(value, str):  # YAML 1.1 reads 2e-4 (no dot) as a string; take it as the number meant
            try:
                value = float(value)
            except ValueError:
                raise wrong from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise wrong
        return float(value)
    if base is str:
        if not isinstance(value, str):
            raise wrong
        return value
    raise TypeError(f"config field {key} has an unsupported type {base}")  # a programming error, not input


def _check_range(key: str, value: Any, base: type, meta: dict) -> None:
    low, high, above, choices = meta.get("min"), meta.get("max"), meta.get("above"), meta.get("choices")
    if (choices and value not in choices) or (low is not None and value < low) \
            or (high is not None and value > high) or (above is not None and value <= above):
        raise ConfigError(f"{key} must be {_describe(base, meta)}, got {value!r}", field=key)


def _describe(base: type, meta: dict) -> str:
    """What a field allows, in words: 'an integer from 1 to 100', 'one of 1, 3', ..."""
    if meta.get("choices"):
        return "one of " + ", ".join(repr(c) for c in meta["choices"])
    noun = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}[base]
    low, high, above = (_number(meta.get(k)) for k in ("min", "max", "above"))
    if above is not None:
        noun += f" above {above}" + (f" and at most {high}" if high is not None else "")
    elif low is not None and high is not None:
        noun += f" from {low} to {high}"
    elif low is not None:
        noun += f" of at least {low}"
    return noun


def _number(value: float | None) -> str | None:
    """1000000000 -> '1,000,000,000', 0.0001 -> '0.0001'."""
    if value is None:
        return None
    return f"{int(value):,}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:g}"


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML, YAML or JSON file into a nested dict (sections data/model/loss/train)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found; pass an existing .toml, .yaml or .json file",
                          field="config")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib
            values = tomllib.loads(text)
        elif path.suffix == ".json":  # e.g. a run's own config.json
            values = json.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            import yaml

            values = yaml.safe_load(text) or {}
        else:
            raise ConfigError(f"config file {path} must end in .toml, .yaml, .yml or .json", field="config")
    except ConfigError:
        raise
    except Exception as exc:  # parser errors differ by library; report them in one line
        raise ConfigError(f"cannot parse {path}: {exc}".splitlines()[0], field="config") from exc
    if not isinstance(values, dict):
        raise ConfigError(f"config file {path} must hold sections like [train] and [model]", field="config")
    return values


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge two nested dicts; values in `override` win."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def difference(values: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The entries of a nested dict that differ from the defaults (what a config file needs to say)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, dict):
            inner = difference(value, defaults.get(key, {}))
            if inner:
                out[key] = inner
        elif defaults.get(key, object()) != value:
            out[key] = value
    return out
