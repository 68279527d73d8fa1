"""`projected-text2image`: the text-to-image objective with the projected D (couturier.models.projected:
D judges images in the features of frozen EfficientNet-Lite0), the task's default model.

D projects the text embedding onto each scale's pooled features; the attribute and contrastive
heads read all four scales' features side by side.
"""
from __future__ import annotations

import torch
from torch import nn

from couturier.errors import ConfigError
from couturier.models.projected import PRESET, ProjectedDiscriminator
from couturier.models.registry import register_model
from couturier.text2image.attributes import AttributeHead
from couturier.text2image.condition import text_of
from couturier.text2image.contrastive import ContrastiveHead
from couturier.text2image.networks import text_output
from couturier.text2image.models.text2image import TEXT_AUGMENT, TEXT_BATCH, TEXT_OBJECTIVE, TextToImage


class TextProjectedDiscriminator(ProjectedDiscriminator):
    """The projected D conditioned on a text embedding, with the text objective's heads."""

    def __init__(self, channels: int, resolution: int, width: int, text_dim: int,
                 attribute_sizes: tuple[int, ...] = (), contrastive: bool = False):
        super().__init__(channels, resolution, width, "vector", text_dim)
        self.attributes = AttributeHead(self.pooled_features, attribute_sizes) if attribute_sizes else None
        self.contrast = ContrastiveHead(self.pooled_features, text_dim) if contrastive else None

    def forward(self, x, condition, rows: torch.Tensor | None = None):
        """D(x, TextCondition) in training; D(x, embedding) for best-of draws when sampling."""
        return super().forward(x, text_of(condition), rows)

    def outputs(self, logit: torch.Tensor, pooled: list[torch.Tensor], y: torch.Tensor | None):
        return text_output(logit, torch.cat(pooled, dim=1), y, self.attributes, self.contrast)


@register_model("projected-text2image",
                # variety 0.5: at 0.1 this D let G draw one picture per description; attributes 3: the
                # attributes of held-out descriptions matched more often than at 1, at a lower FID; sentence:
                # TF-IDF knows no word the catalogue does not use, so it cannot follow paraphrases; learning
                # rates 4e-4: lower FID and attributes matched more often than at 2e-4, the variety it cost
                # returned with sampled codes (code_spread). BENCHMARKS.md, "Text to image"
                preset={"model": {"width": 16, "options": {**TEXT_OBJECTIVE, "variety_weight": 0.5,
                                                           "attribute_weight": 3.0, "text_encoder": "sentence"}},
                        "data": {"resolution": 64, "channels": 3}, **PRESET,
                        "train": {**PRESET["train"], "batch_size": TEXT_BATCH, "diffaugment": TEXT_AUGMENT,
                                  "lr_g": 4e-4, "lr_d": 4e-4}},
                summary="text-to-image with the projected D: frozen EfficientNet-Lite0 features, text projection")
class ProjectedTextToImage(TextToImage):
    """The text-to-image objective (conditioning augmentation, matching-aware pairs) with the projected D."""

    def build(self) -> tuple[nn.Module, nn.Module]:
        if self.cfg.model.options.grow_steps:
            raise ConfigError("the projected D judges the full-size image; progressive growing (grow_steps) "
                              "is for the text2image model", field="model.options.grow_steps")
        d, m = self.cfg.data, self.cfg.model
        generator = self.build_generator()
        return generator, TextProjectedDiscriminator(d.channels, d.resolution, m.width, self.encoder.dim,
                                                     self.head_sizes, m.options.contrastive_weight > 0)
