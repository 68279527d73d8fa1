"""Text encoders for text-to-image: one interface, saved with the model."""
from couturier.text.encoders import ENCODERS, TextEncoder, TextEncoderError, build_text_encoder, load_text_encoder

__all__ = ["ENCODERS", "TextEncoder", "TextEncoderError", "build_text_encoder", "load_text_encoder"]
