"""couturier: generative fashion design with GANs.

    import couturier
    cfg = couturier.build_config({"model": {"name": "dcgan"}, "train": {"steps": 500}})
    couturier.Trainer(cfg, "runs/demo").fit()
    generator = couturier.load_generator("runs/demo")
    images, labels = couturier.sample(generator, n=50, seed=1)   # uint8 (50, 1, 28, 28)
    images, requested = couturier.sample(generator, n=10000)
    scores = couturier.evaluate(images, requested=requested)      # FID, coverage, class entropy, ...
"""
from couturier.config import Config, ConfigError, build_config
from couturier.data import load_dataset
from couturier.metrics import FeatureNet, evaluate, load_feature_net
from couturier.models import model_names
from couturier.sampling import interpolate, load_generator, sample, save_samples
from couturier.train import Trainer

__version__ = "0.1.0"
__all__ = ["Config", "ConfigError", "build_config", "load_dataset", "model_names", "Trainer",
           "load_generator", "sample", "interpolate", "save_samples", "evaluate", "FeatureNet", "load_feature_net"]
