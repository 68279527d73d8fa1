"""Network building blocks shared by the models of both wings (image GANs in couturier.models,
text to image in couturier.text2image): conditioning, spectral norm, initialisation, and the
upsampling generator body."""
from couturier.layers.basic import (ConditionalBatchNorm2d, LabelConcat, ProjectionHead, embed_labels,
                                    init_dcgan_weights, maybe_sn, resolution_plan)
from couturier.layers.upsample import SkipExcitation, UpsampleGenerator, UpsampleToImage

__all__ = ["ConditionalBatchNorm2d", "LabelConcat", "ProjectionHead", "SkipExcitation", "UpsampleGenerator",
           "UpsampleToImage", "embed_labels", "init_dcgan_weights", "maybe_sn", "resolution_plan"]
