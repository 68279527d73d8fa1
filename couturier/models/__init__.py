"""GAN architectures, chosen by name: one file per model, each registering a `GAN` subclass
(see base.py for what a model provides)."""
from couturier.models.base import GAN
from couturier.models.registry import get_model, model_names, model_preset, register_model

__all__ = ["GAN", "get_model", "model_names", "model_preset", "register_model"]
