"""The sentence-image contrastive term (XMC-GAN): D learns which of a batch's descriptions goes with
each real photo, and each fake must be found from its own (text2image/contrastive.py)."""
from __future__ import annotations

from couturier.text2image.contrastive import contrastive_loss
from couturier.text2image.terms import Term


class Contrastive(Term):
    def auxiliary(self, output, condition, role):
        if role == "fake":  # D learns the pairing on real photos only
            return None
        return self.weight * contrastive_loss(output.embedding, condition.embedding)
