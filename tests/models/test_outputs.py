"""models/outputs.py: D's output by name; joined fields are views of one tensor, split by rows."""
import torch

from couturier.models.outputs import DiscriminatorOutput, as_output, cat_conditions


def test_joined_fields_are_columns_of_one_tensor_and_split_by_rows():
    logit, attributes, embedding = torch.arange(4.0), torch.rand(4, 3), torch.rand(4, 2)
    out = DiscriminatorOutput.joined(logit, attributes, embedding)
    assert out.packed.shape == (4, 6) and out.auxiliary
    assert torch.equal(out.logit, logit) and torch.equal(out.attributes, attributes) and torch.equal(out.embedding, embedding)
    first, second = out.float().split([1, 3])
    assert torch.equal(second.logit, logit[1:]) and torch.equal(second.attributes, attributes[1:])
    assert torch.equal(first.embedding, embedding[:1])
    plain = DiscriminatorOutput.joined(logit)
    assert plain.attributes is None and plain.embedding is None and not plain.auxiliary
    assert [o.logit.tolist() for o in as_output(logit).split([2, 2])] == [[0.0, 1.0], [2.0, 3.0]]


def test_conditions_are_joined_by_their_own_type():
    class Pair:
        def __init__(self, rows):
            self.rows = rows

        @classmethod
        def cat(cls, pairs):
            return cls([r for p in pairs for r in p.rows])

    assert cat_conditions([None, None]) is None
    assert cat_conditions([torch.zeros(2), torch.ones(1)]).tolist() == [0.0, 0.0, 1.0]
    assert cat_conditions([Pair([1]), Pair([2, 3])]).rows == [1, 2, 3]
