"""Hinge loss (Lim & Ye 2017), as used by SNGAN and BigGAN."""
import torch.nn.functional as F

from couturier.losses import LOSSES, GANLoss


@LOSSES.register("hinge")
class Hinge(GANLoss):
    def d_loss(self, real, fake):
        return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()

    def g_loss(self, fake):
        return -fake.mean()
