"""text2image/attributes.py: the catalogue's attribute columns as D's auxiliary task (TAC-GAN)."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from couturier.errors import ConfigError
from couturier.text2image.attributes import (MISSING, attribute_ids, attribute_loss, attribute_vocabulary,
                                             twin_attribute_loss)


def test_vocabulary_keeps_columns_with_classes_and_ids_mark_missing_cells():
    columns = {"baseColour": ["Red", "Blue", "", "Red"], "masterCategory": ["Apparel"] * 4,
               "usage": ["Casual", "NA", "Sports", "Casual"]}
    vocabulary = attribute_vocabulary(columns)
    assert vocabulary == {"baseColour": ("Blue", "Red"), "usage": ("Casual", "Sports")}  # one value: nothing to learn
    ids = attribute_ids(columns, vocabulary)
    assert ids.tolist() == [[1, 0], [0, MISSING], [MISSING, 1], [1, 0]]


def test_loss_is_the_mean_cross_entropy_and_skips_missing_targets():
    torch.manual_seed(0)
    logits = torch.randn(4, 5)  # colour: 2 classes, usage: 3
    ids = torch.tensor([[1, 0], [0, MISSING], [MISSING, 2], [1, 1]])
    expected = (F.cross_entropy(logits[[0, 1, 3], :2], torch.tensor([1, 0, 1]))
                + F.cross_entropy(logits[[0, 2, 3], 2:], torch.tensor([0, 2, 1]))) / 2
    assert torch.allclose(attribute_loss(logits, ids, (2, 3)), expected)
    all_missing = torch.full((4, 2), MISSING)
    assert attribute_loss(logits, all_missing, (2, 3)).item() == 0.0  # not NaN


def test_the_twin_classifier_learns_fakes_and_g_must_fool_it():
    torch.manual_seed(0)
    logits = torch.randn(4, 10)  # two classifiers of (2, 3) classes side by side
    ids = torch.tensor([[1, 0], [0, 2], [1, 1], [0, 0]])
    first, twin = attribute_loss(logits[:, :5], ids, (2, 3)), attribute_loss(logits[:, 5:], ids, (2, 3))
    assert torch.allclose(twin_attribute_loss(logits, ids, (2, 3), "real"), first)
    assert torch.allclose(twin_attribute_loss(logits, ids, (2, 3), "fake"), twin)
    assert torch.allclose(twin_attribute_loss(logits, ids, (2, 3), "generator"), first - twin)
    with pytest.raises(ValueError, match="unknown role"):
        twin_attribute_loss(logits, ids, (2, 3), "ema")


def test_with_the_twin_d_scores_fakes_attributes_and_g_is_paid_for_fooling_the_twin(catalogue, tmp_path):
    from conftest import tiny_config

    from couturier.train import Trainer

    cfg = tiny_config("text2image", steps=2, batch_size=8, data={"dataset": str(catalogue), "resolution": 32,
                                                                 "channels": 3})
    trainer = Trainer(cfg.replace("model", options={"attribute_weight": 2.0, "attribute_twin": True}), tmp_path / "twin",
                      log=lambda _: None)
    labels, model = trainer.sampler.dataset.labels, trainer.model
    condition = model.real_condition(labels[:2])
    out = trainer.D(torch.zeros(2, 3, 32, 32), condition)
    assert out.logit.shape == (2,) and out.attributes.shape == (2, 2 * (2 + 3 + 4))  # the classifier, its twin
    ids = condition.attribute_ids
    assert torch.equal(ids, labels[:2, model.encoder.dim:].long())
    first, twin = attribute_loss(out.attributes[:, :9], ids, (2, 3, 4)), attribute_loss(out.attributes[:, 9:], ids, (2, 3, 4))
    assert torch.allclose(model.auxiliary_loss(out, condition, "generator"), 2.0 * (first - twin))
    assert torch.allclose(model.auxiliary_loss(out, condition, "fake"), 2.0 * twin)
    trainer.fit(progress=False)
    assert trainer.step == 2
    # without the twin, D's classifier learns from real photos alone
    plain = Trainer(cfg.replace("model", options={"attribute_weight": 2.0}), tmp_path / "plain", log=lambda _: None)
    out = plain.D(torch.zeros(2, 3, 32, 32), condition)
    assert out.attributes.shape[1] == 9 and plain.model.auxiliary_loss(out, condition, "fake").item() == 0.0
    with pytest.raises(ConfigError, match="attribute_weight above 0") as caught:
        cfg.replace("model", options={"attribute_weight": 0.0, "attribute_twin": True})
    assert caught.value.field == "model.options.attribute_twin"


def test_text_model_with_attribute_head_trains_and_samples_from_words_alone(catalogue, tmp_path):
    from conftest import tiny_config

    from couturier.sampling import generate, load_generator
    from couturier.train import Trainer

    cfg = tiny_config("text2image", steps=4, batch_size=8, data={"dataset": str(catalogue), "resolution": 32,
                                                                 "channels": 3})
    cfg = cfg.replace("model", options={"attribute_weight": 1.0, "variety_weight": 0.5})
    trainer = Trainer(cfg, tmp_path / "tac", log=lambda _: None)
    dim = trainer.model.encoder.dim
    assert trainer.model.attributes == {"gender": ("Men", "Women"), "articleType": ("Boots", "Dresses", "Shirts"),
                                        "baseColour": ("Black", "Blue", "Green", "Red")}
    labels = trainer.sampler.dataset.labels
    assert labels.shape[1] == dim + 3  # the embedding, then the ids
    out = trainer.D(torch.zeros(2, 3, 32, 32), trainer.model.real_condition(labels[:2]))
    assert out.logit.shape == (2,) and out.attributes.shape == (2, 2 + 3 + 4) and out.embedding is None
    trainer.fit(progress=False)
    from couturier.checkpoint import load_checkpoint

    assert load_checkpoint(tmp_path / "tac").meta["attributes"]["baseColour"] == ["Black", "Blue", "Green", "Red"]
    loaded = load_generator(tmp_path / "tac")
    assert generate(loaded, ["Red Dresses for Women"], n=2).shape == (2, 3, 32, 32)


def test_pairs_of_the_mode_seeking_term_share_their_descriptions(catalogue):
    from conftest import tiny_config

    from couturier.models.registry import get_model
    from couturier.noise import Noise

    cfg = tiny_config("text2image", data={"dataset": str(catalogue), "resolution": 32, "channels": 3})
    model = get_model("text2image")(cfg.replace("model", options={"variety_weight": 1.0}), encoder=None)
    model.encoder = type("Encoder", (), {"dim": 1})()
    pool = torch.arange(40.0)[:, None]
    rows = model.fake_condition(9, Noise(), pool, model.real_condition(pool[:9])).embedding
    assert torch.equal(rows[:4], rows[4:8]) and rows.shape == (9, 1)


def test_with_a_confidence_cap_rows_the_head_already_reads_right_cost_nothing():
    logits = torch.tensor([[3.0, 0.0], [0.0, 0.5], [0.0, 0.0]], requires_grad=True)  # p(asked) 0.95, 0.38, 0.5
    ids = torch.tensor([[0], [0], [0]])
    capped = attribute_loss(logits, ids, (2,), confidence=0.5)
    unsure = F.cross_entropy(logits[1:2], torch.tensor([0])) - torch.log(torch.tensor(2.0))
    assert torch.allclose(capped, unsure / 3)  # only the row read below 0.5 pays, and only what it lacks
    capped.backward()
    assert logits.grad[0].abs().sum() == 0 and logits.grad[1].abs().sum() > 0
    assert attribute_loss(logits, ids, (2,)) > capped  # uncapped, every row pays


def test_the_cap_applies_to_g_alone_and_needs_the_plain_classifier(catalogue):
    from conftest import tiny_config

    from couturier.models.outputs import DiscriminatorOutput
    from couturier.models.registry import get_model

    cfg = tiny_config("text2image", data={"dataset": str(catalogue), "resolution": 32, "channels": 3})
    cfg = cfg.replace("model", options={"attribute_weight": 2.0, "attribute_confidence": 0.9})
    model = get_model("text2image")(cfg, encoder=None)
    model.attributes = {"colour": ("Black", "Red")}
    model.encoder = type("Encoder", (), {"dim": 1})()
    condition = model.real_condition(torch.tensor([[0.0, 0.0], [0.0, 1.0]]))  # an embedding of one number, a colour id
    sure = DiscriminatorOutput(torch.zeros(2), attributes=torch.tensor([[5.0, -5.0], [-5.0, 5.0]]))
    assert model.auxiliary_loss(sure, condition, "generator").item() == 0.0
    assert model.auxiliary_loss(sure, condition, "real").item() > 0.0  # D still learns the photos fully
    with pytest.raises(ConfigError, match="attribute_weight above 0") as caught:
        cfg.replace("model", options={"attribute_twin": True})
    assert caught.value.field == "model.options.attribute_confidence"
