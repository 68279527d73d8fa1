"""One typed configuration shared by the CLI, config files and checkpoints.

Values are layered, lowest first: dataclass defaults < the chosen model's preset
< a TOML/YAML config file < command-line flags. The resolved config is stored in
every checkpoint, so a run can always be rebuilt from its own files.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A config value or file is invalid; the message says how to fix it."""


@dataclass
class DataConfig:
    # "fashion-mnist" or a path to a folder of images (sub-folders become classes).
    dataset: str = "fashion-mnist"
    data_dir: str | None = None  # where the Fashion-MNIST IDX files are
    resolution: int = 28
    channels: int = 1  # 1 = grayscale, 3 = RGB
    # text-to-image catalogues (CSV/JSONL); empty = detect (see couturier.data.catalogue)
    image_column: str = ""
    text_column: str = ""
    attribute_columns: str = ""  # comma-separated
    image_dir: str = ""


@dataclass
class ModelConfig:
    name: str = "dcgan"
    conditional: bool = False
    z_dim: int = 100
    width: int = 64  # channel (or unit) multiplier
    num_classes: int = 10
    task: str = "image"  # "image" (unconditional or class-conditional) or "text2image"
    text_encoder: str = "tfidf"  # text2image: "tfidf" or "sentence"
    text_dim: int = 256  # set from the encoder when training starts
    grow_steps: int = 0  # text2image: K > 0 trains the last doubling at half size for K steps, fades in over K


@dataclass
class LossConfig:
    name: str = "bce"
    r1_gamma: float = 0.0  # R1 penalty weight on real images (0 = off)
    gp_weight: float = 10.0  # gradient-penalty weight, used by wgan-gp


@dataclass
class TrainConfig:
    steps: int | None = 2000
    minutes: float | None = None  # wall-clock budget; overrides steps when set
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    d_steps: int = 1  # discriminator updates per generator update
    ema_decay: float = 0.0  # 0 = no EMA of the generator
    diffaugment: str = ""  # comma-separated: color,translation,cutout; "auto" = on below 10,000 images
    seed: int = 0
    device: str = "cpu"
    amp: bool = True  # mixed precision; only used on CUDA
    compile: bool = False
    threads: int = 0  # CPU threads (0 = torch's default)
    log_every: int = 50
    sample_every: int = 500
    checkpoint_every: int = 1000
    keep_checkpoints: int = 2  # older checkpoints kept besides the latest
    eval_every: int = 0  # evaluate FID & co. every N steps and keep the best weights (0 = never)
    eval_n: int = 10000  # samples per evaluation during training
    grid_columns: int = 10


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Config":
        """Build a config from a nested dict, rejecting unknown keys."""
        sections = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = set(values) - set(sections)
        if unknown:
            raise ConfigError(
                f"unknown config section(s) {sorted(unknown)}; valid sections: {sorted(sections)}"
            )
        built = {}
        for section_field in dataclasses.fields(cls):
            section_cls = _SECTION_CLASSES[section_field.name]
            section_values = values.get(section_field.name) or {}
            if not isinstance(section_values, dict):
                raise ConfigError(f"config section [{section_field.name}] must be a table of key = value")
            valid = {f.name for f in dataclasses.fields(section_cls)}
            bad = set(section_values) - valid
            if bad:
                raise ConfigError(
                    f"unknown key(s) {sorted(bad)} in [{section_field.name}]; valid keys: {sorted(valid)}"
                )
            built[section_field.name] = section_cls(**section_values)
        config = cls(**built)
        config.validate()
        return config

    def validate(self) -> None:
        """Check value ranges so bad input fails before any work starts."""
        t, m, d = self.train, self.model, self.data
        positive = {
            "train.batch_size": t.batch_size,
            "train.log_every": t.log_every,
            "train.sample_every": t.sample_every,
            "train.checkpoint_every": t.checkpoint_every,
            "train.d_steps": t.d_steps,
            "train.grid_columns": t.grid_columns,
            "model.z_dim": m.z_dim,
            "model.width": m.width,
            "model.num_classes": m.num_classes,
            "data.resolution": d.resolution,
        }
        for key, value in positive.items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{key} must be a positive integer, got {value!r}")
        if t.threads < 0:
            raise ConfigError(f"train.threads must be 0 (all) or more, got {t.threads}")
        if t.steps is not None and (not isinstance(t.steps, int) or isinstance(t.steps, bool)):
            raise ConfigError(f"train.steps must be a positive integer, got {t.steps!r}")
        if t.minutes is None and (t.steps is None or t.steps <= 0):
            raise ConfigError(f"train.steps must be a positive integer, got {t.steps!r} (or set --minutes)")
        if t.minutes is not None and t.minutes <= 0:
            raise ConfigError(f"train.minutes must be positive, got {t.minutes!r}")
        if t.lr_g <= 0 or t.lr_d <= 0:
            raise ConfigError("learning rates must be positive")
        if not 0.0 <= t.ema_decay < 1.0:
            raise ConfigError(f"train.ema_decay must be in [0, 1), got {t.ema_decay}")
        if t.eval_every < 0 or t.eval_n < 100:
            raise ConfigError("train.eval_every must be 0 (off) or more and train.eval_n at least 100 "
                              "(the nearest-neighbour metrics need that many samples)")
        if m.grow_steps < 0 or (m.grow_steps and m.name != "text2image"):
            raise ConfigError("model.grow_steps must be 0 (off) or positive, and only text2image grows")
        if t.keep_checkpoints < 0:
            raise ConfigError("train.keep_checkpoints must be 0 or more")
        if m.task not in ("image", "text2image"):
            raise ConfigError(f"model.task must be 'image' or 'text2image', got {m.task!r}")
        if (m.task == "text2image") != (m.name == "text2image"):
            raise ConfigError("--task text2image goes with --model text2image (the default for that task)")
        if m.task == "text2image" and t.eval_every:
            raise ConfigError("--eval-every judges Fashion-MNIST images; text-to-image runs are judged by "
                              "benchmarks/text2image.py instead")
        if d.channels not in (1, 3):
            raise ConfigError(f"data.channels must be 1 (grayscale) or 3 (RGB), got {d.channels}")


_SECTION_CLASSES = {
    "data": DataConfig,
    "model": ModelConfig,
    "loss": LossConfig,
    "train": TrainConfig,
}


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML, YAML or JSON file into a nested dict (sections data/model/loss/train)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found; pass an existing .toml, .yaml or .json file")
    text = path.read_text()
    try:
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
            raise ConfigError(f"config file {path} must end in .toml, .yaml, .yml or .json")
    except ConfigError:
        raise
    except Exception as exc:  # parser errors differ by library; report them in one line
        raise ConfigError(f"cannot parse {path}: {exc}".splitlines()[0]) from exc
    if not isinstance(values, dict):
        raise ConfigError(f"config file {path} must hold sections like [train] and [model]")
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


def build_config(*layers: dict[str, Any]) -> Config:
    """Resolve a config from layers (file, flags, ...), with the model's preset beneath them."""
    from couturier.models import model_preset

    combined: dict[str, Any] = {}
    for layer in layers:
        combined = merge(combined, layer)
    name = combined.get("model", {}).get("name", ModelConfig.name)
    return Config.from_dict(merge(model_preset(name), combined))
