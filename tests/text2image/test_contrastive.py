"""text2image/contrastive.py: D learns which description goes with which photo; G's fakes must be found from theirs."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from couturier.text2image.contrastive import CONTRAST_DIM, TEMPERATURE, ContrastiveHead, contrastive_loss


def _pairs(image: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
    return torch.cat([F.normalize(image, dim=1), F.normalize(words, dim=1)], dim=1)


def test_matched_pairs_cost_less_than_shuffled_ones_and_the_loss_is_infonce_both_ways():
    torch.manual_seed(0)
    image, text = torch.randn(6, 8), torch.randn(6, 5)
    matched = contrastive_loss(_pairs(image, image + 0.1 * torch.randn(6, 8)), text)
    shuffled = contrastive_loss(_pairs(image, image.roll(1, dims=0)), text)
    assert matched < 0.1 < math.log(6) < shuffled
    words = torch.randn(6, 8)
    logits = F.normalize(image, dim=1) @ F.normalize(words, dim=1).T / TEMPERATURE
    target = torch.arange(6)
    expected = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
    assert torch.allclose(contrastive_loss(_pairs(image, words), text), expected)


def test_a_repeated_description_is_not_its_twins_negative():
    torch.manual_seed(1)
    image = torch.randn(4, 8)
    text = torch.randn(4, 5)
    text[1] = text[0]  # a mode-seeking pair: two seeds of one description
    words = image.clone()
    words[1] = words[0]  # both fakes look like what the description says
    masked = contrastive_loss(_pairs(image, words), text)
    unmasked = contrastive_loss(_pairs(image, words), torch.randn(4, 5))
    assert masked < unmasked  # with one text the pair's fakes do not compete for it


def test_the_head_embeds_both_sides_at_unit_length():
    head = ContrastiveHead(features=12, text_dim=7)
    out = head(torch.randn(3, 12), torch.randn(3, 7))
    assert out.shape == (3, 2 * CONTRAST_DIM)
    image, words = out.chunk(2, dim=1)
    assert torch.allclose(image.norm(dim=1), torch.ones(3)) and torch.allclose(words.norm(dim=1), torch.ones(3))


@pytest.mark.parametrize("name", ["text2image", "projected-text2image"])
def test_d_returns_the_embeddings_after_the_attributes_and_g_is_asked_to_be_found(name, catalogue, tmp_path):
    from conftest import tiny_config

    from couturier.text2image.attributes import attribute_loss
    from couturier.train import Trainer

    cfg = tiny_config(name, steps=2, batch_size=8, data={"dataset": str(catalogue), "resolution": 32, "channels": 3})
    cfg = cfg.replace("model", width=8, options={"attribute_weight": 1.0, "contrastive_weight": 2.0})
    trainer = Trainer(cfg, tmp_path / "run", log=lambda _: None)
    model, labels = trainer.model, trainer.sampler.dataset.labels[:4]
    condition = model.real_condition(labels)
    out = trainer.D(torch.rand(4, 3, 32, 32) * 2 - 1, condition)
    assert (out.logit.shape, out.attributes.shape, out.embedding.shape) == ((4,), (4, 2 + 3 + 4), (4, 2 * CONTRAST_DIM))
    attributes = attribute_loss(out.attributes, condition.attribute_ids, (2, 3, 4))
    contrast = contrastive_loss(out.embedding, condition.embedding)
    assert torch.equal(condition.embedding, labels[:, :model.encoder.dim])
    assert torch.allclose(model.auxiliary_loss(out, condition, "real"), attributes + 2.0 * contrast)
    assert torch.allclose(model.auxiliary_loss(out, condition, "generator"), attributes + 2.0 * contrast)
    assert model.auxiliary_loss(out, condition, "fake").item() == 0.0  # D learns the pairing from real photos only
    before = trainer.D.contrast.text.weight.clone()
    trainer.fit(progress=False)
    assert trainer.step == 2 and not torch.equal(trainer.D.contrast.text.weight, before)
