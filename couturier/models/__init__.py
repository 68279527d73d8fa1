"""GAN architectures, chosen by name. Importing this package registers them all."""
from couturier.models.registry import build_models, get_model_spec, model_names, model_preset, register_model
from couturier.models import dcgan, mlp, sngan, text2image  # noqa: F401  (registration side effect)

__all__ = ["build_models", "get_model_spec", "model_names", "model_preset", "register_model"]
