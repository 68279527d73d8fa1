"""couturier: generative fashion design with GANs.

    import couturier
    cfg = couturier.build_config({"model": {"name": "dcgan"}, "train": {"steps": 500}})
    couturier.Trainer(cfg, "runs/demo").fit()
    generator = couturier.load_generator("runs/demo")
    images, labels = couturier.sample(generator, n=50, seed=1)   # uint8 (50, 1, 28, 28)
    images, requested = couturier.sample(generator, n=10000)
    scores = couturier.evaluate(images, requested=requested)      # FID, coverage, class entropy, ...

Importing couturier is cheap: each name loads its module on first use, and nothing here touches
matplotlib's backend or other global state.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Config": "couturier.config", "ConfigError": "couturier.errors", "CouturierError": "couturier.errors",
    "build_config": "couturier.presets", "load_dataset": "couturier.data", "model_names": "couturier.models",
    "Trainer": "couturier.train", "load_generator": "couturier.sampling", "sample": "couturier.sampling",
    "interpolate": "couturier.sampling", "save_samples": "couturier.sampling", "evaluate": "couturier.metrics",
    "FeatureNet": "couturier.metrics", "load_feature_net": "couturier.metrics",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'couturier' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
