"""The twin attribute classifier (TAC-GAN, Gong et al. 2019): a second head learns the fakes'
attributes and G must fool it, so the push towards the asked attributes keeps each class's variety
(text2image/attributes.py `twin_attribute_loss`)."""
from __future__ import annotations

from couturier.text2image.attributes import twin_attribute_loss
from couturier.text2image.terms import Term


class TwinAttributeClassification(Term):
    def __init__(self, weight: float, sizes: tuple[int, ...]):
        super().__init__(weight)
        self.sizes = sizes

    def auxiliary(self, output, condition, role):
        return self.weight * twin_attribute_loss(output.attributes, condition.attribute_ids, self.sizes, role)
