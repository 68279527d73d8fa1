"""Attribute classification (TAC-GAN's auxiliary classifier): D's head learns the catalogue's
attribute columns (colour, article type, gender) from real photos, and G's fakes must be read as
the attributes of their description (text2image/attributes.py has the head and the loss)."""
from __future__ import annotations

from couturier.text2image.attributes import attribute_loss
from couturier.text2image.terms import Term


class AttributeClassification(Term):
    def __init__(self, weight: float, sizes: tuple[int, ...], confidence: float = 0.0):
        """`confidence`: G's push stops for a picture once the head gives the asked class this probability."""
        super().__init__(weight)
        self.sizes, self.confidence = sizes, confidence

    def auxiliary(self, output, condition, role):
        if role == "fake":  # a lone classifier learns from real photos only
            return None
        confidence = self.confidence if role == "generator" else 0.0
        return self.weight * attribute_loss(output.attributes, condition.attribute_ids, self.sizes, confidence)
