"""text2image/terms/: each objective term, its weight, and the roles it speaks for."""
import torch

from couturier.models.outputs import DiscriminatorOutput
from couturier.text2image.attributes import attribute_loss, twin_attribute_loss
from couturier.text2image.condition import TextCondition
from couturier.text2image.contrastive import contrastive_loss
from couturier.text2image.terms import Term
from couturier.text2image.terms.attribute import AttributeClassification
from couturier.text2image.terms.contrastive import Contrastive
from couturier.text2image.terms.mode_seeking import ModeSeeking, mode_seeking_penalty, pair_up
from couturier.text2image.terms.reconstruction import Reconstruction
from couturier.text2image.terms.twin_attribute import TwinAttributeClassification

torch.manual_seed(0)
CONDITION = TextCondition(torch.randn(4, 5), torch.tensor([[0, 1], [1, 2], [0, 0], [1, 1]]))
OUTPUT = DiscriminatorOutput(torch.zeros(4), attributes=torch.randn(4, 10), embedding=torch.randn(4, 8))


def test_mode_seeking_pairs_seeds_and_pays_for_alike_pictures():
    assert pair_up(torch.arange(5)).tolist() == [0, 1, 0, 1, 4]
    assert torch.equal(pair_up(CONDITION).embedding[2:], CONDITION.embedding[:2])
    z = torch.randn(4, 3)
    alike, apart = torch.zeros(4, 1, 2, 2), torch.cat([torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2)])
    assert mode_seeking_penalty(alike, z) > mode_seeking_penalty(apart, z)
    assert torch.equal(ModeSeeking(0.5).generator(apart, z, None), 0.5 * mode_seeking_penalty(apart, z))
    assert ModeSeeking(0.5).auxiliary(OUTPUT, CONDITION, "real") is None  # G's term only


def test_reconstruction_compares_coarse_averages_with_the_paired_photo():
    fake, real = torch.full((2, 3, 32, 32), 0.5), torch.zeros(2, 3, 32, 32)
    assert torch.isclose(Reconstruction(2.0).generator(fake, None, real), torch.tensor(1.0))
    fine_detail = torch.zeros(2, 3, 32, 32)
    fine_detail[..., ::2, ::2], fine_detail[..., 1::2, 1::2] = 1.0, -1.0  # averages to 0 at 16x16
    assert Reconstruction(1.0).loss(fine_detail, real).item() == 0.0


def test_the_attribute_classifier_learns_from_real_photos_and_asks_g_alone_with_its_cap():
    term = AttributeClassification(3.0, (2, 3, 5))
    ids = TextCondition(CONDITION.embedding, torch.tensor([[0, 1, 4], [1, 2, 0], [0, 0, 1], [1, 1, 2]]))
    expected = 3.0 * attribute_loss(OUTPUT.attributes, ids.attribute_ids, (2, 3, 5))
    assert torch.allclose(term.auxiliary(OUTPUT, ids, "real"), expected)
    assert term.auxiliary(OUTPUT, ids, "fake") is None
    capped = AttributeClassification(3.0, (2, 3, 5), confidence=0.01)  # every row already read "right enough"
    assert capped.auxiliary(OUTPUT, ids, "generator").item() == 0.0 and capped.auxiliary(OUTPUT, ids, "real") > 0


def test_the_twin_speaks_for_every_role():
    ids = TextCondition(CONDITION.embedding, torch.tensor([[0, 1], [1, 2], [0, 0], [1, 1]]))
    out = DiscriminatorOutput(torch.zeros(4), attributes=torch.randn(4, 10))
    term = TwinAttributeClassification(2.0, (2, 3))
    for role in ("real", "fake", "generator"):
        assert torch.allclose(term.auxiliary(out, ids, role), 2.0 * twin_attribute_loss(out.attributes, ids.attribute_ids,
                                                                                         (2, 3), role))


def test_the_contrastive_term_is_learnt_on_real_photos_and_asked_of_g():
    term = Contrastive(2.0)
    expected = 2.0 * contrastive_loss(OUTPUT.embedding, CONDITION.embedding)
    assert torch.allclose(term.auxiliary(OUTPUT, CONDITION, "real"), expected)
    assert torch.allclose(term.auxiliary(OUTPUT, CONDITION, "generator"), expected)
    assert term.auxiliary(OUTPUT, CONDITION, "fake") is None and term.generator(None, None, None) is None


def test_a_term_says_nothing_unless_it_overrides_a_role():
    assert Term(1.0).generator(None, None, None) is None and Term(1.0).auxiliary(OUTPUT, CONDITION, "real") is None
