"""Wasserstein loss with gradient penalty (Gulrajani et al. 2017)."""
from couturier.losses import LOSSES, GANLoss


@LOSSES.register("wgan-gp")
class WassersteinGP(GANLoss):
    """The critic's Wasserstein estimate; the trainer adds the gradient penalty (loss.gp_weight)."""

    uses_gradient_penalty = True

    def d_loss(self, real, fake):
        return fake.mean() - real.mean()

    def g_loss(self, fake):
        return -fake.mean()
