"""The original GAN loss, non-saturating for G."""
import torch
import torch.nn.functional as F

from couturier.losses import LOSSES, GANLoss


@LOSSES.register("bce")
class NonSaturatingBCE(GANLoss):
    """Goodfellow et al. (2014): D maximises log D(x) + log(1 - D(G(z))); G maximises log D(G(z))."""

    def d_loss(self, real, fake):
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def g_loss(self, fake):
        return F.softplus(-fake).mean()

    def score(self, logits):
        return torch.sigmoid(logits).mean()
