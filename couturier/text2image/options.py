"""The text-to-image models' own options: `[model.options]` in config files, flags of the same
names, stored with the config in every checkpoint (couturier.config checks them like any section)."""
from __future__ import annotations

from dataclasses import dataclass

from couturier.config import option
from couturier.errors import ConfigError


@dataclass(frozen=True)
class TextOptions:
    text_encoder: str = option("tfidf", "text encoder, by registered name", flags=("encoder",))
    grow_steps: int = option(0, "train the last doubling at half size for N steps, then fade it in over N "
                             "(0 = off)", min=0)
    generator: str = option("transposed", "how G doubles its maps: 'transposed' (DCGAN's 4x4 transposed "
                            "convolutions) or 'upsample' (nearest + 3x3 convolution, with FastGAN's skip-layer "
                            "excitation from 64 px)", choices=("transposed", "upsample"))
    attribute_weight: float = option(0.0, "weight of D's auxiliary classifier of the catalogue's attribute columns, "
                                     "which G must satisfy (TAC-GAN; 0 = off)", min=0.0, max=100.0)
    attribute_twin: bool = option(False, "a twin attribute classifier learns the fakes' attributes and G must fool "
                                  "it, so the attribute push keeps each class's variety (TAC-GAN, Gong et al. 2019)")
    attribute_confidence: float = option(0.0, "G's attribute push stops for a picture once D's head gives the asked "
                                         "class this probability (0 = never stops; plain cross-entropy pays for "
                                         "each class's most typical garment)", min=0.0, max=0.99)
    contrastive_weight: float = option(0.0, "weight of the sentence-image contrastive loss: D learns which of a "
                                       "batch's descriptions goes with each photo, and G's fakes must be found "
                                       "from their own (XMC-GAN; 0 = off)", min=0.0, max=100.0)
    reconstruction_weight: float = option(0.0, "fakes are drawn for the real batch's own descriptions and their "
                                          "16x16 average must match the paired photo's (L1); teaches colour and "
                                          "silhouette in few steps (0 = off)", min=0.0, max=1000.0)
    reconstruction_nearest: bool = option(False, "of two seeds of one description (mode seeking), only the closer "
                                          "must match the paired photo, so the other may draw another garment of "
                                          "the description")
    variety_weight: float = option(0.0, "weight of the mode-seeking term that makes different seeds of one "
                                   "description differ (MSGAN; 0 = off)", min=0.0, max=100.0)
    # 0.7: on the 30-minute preset, seeds of one description differ by 0.73 of what real photos of
    # one look do (0.55 at 0.4, near-duplicates to a user) while the catalogue's words are still
    # drawn at 94% of the real photos' own rate (0.77 at 1.0) (BENCHMARKS.md, "Text to image")
    code_spread: float = option(0.7, "sampling: the conditioning code's noise, taken from the seed, as a fraction "
                                "of the training noise (0 = the code's mean: one garment per description; 1 = as "
                                "in training: the most variety, the words followed least)", min=0.0, max=1.0)

    def check(self) -> None:
        """Combinations that would be ignored silently, and the encoder's name."""
        from couturier.text2image.encoders import ENCODERS

        if self.text_encoder not in ENCODERS.names():
            raise ConfigError(f"unknown text encoder {self.text_encoder!r}; valid text encoders: "
                              f"{', '.join(ENCODERS.names())}", field="model.options.text_encoder")
        if self.attribute_twin and self.attribute_weight <= 0:
            raise ConfigError("model.options.attribute_twin is the twin of the attribute classifier; set "
                              "model.options.attribute_weight above 0 too", field="model.options.attribute_twin")
        if self.attribute_confidence and (self.attribute_weight <= 0 or self.attribute_twin):
            raise ConfigError("model.options.attribute_confidence caps the attribute classifier's push on G; set "
                              "model.options.attribute_weight above 0 and leave attribute_twin off",
                              field="model.options.attribute_confidence")
        if self.reconstruction_nearest and (self.reconstruction_weight <= 0 or self.variety_weight <= 0):
            raise ConfigError("model.options.reconstruction_nearest picks the closer of two seeds; set "
                              "model.options.reconstruction_weight and variety_weight above 0 too",
                              field="model.options.reconstruction_nearest")
