"""train/judging.py: how the trainer shows images to D."""
import torch
from torch import nn

from couturier.train.judging import Judging


class Recording(nn.Module):
    """A D that scores each image by its mean plus its condition, and records what it was given."""
    SHARES_ROWS = True

    def __init__(self, batchnorm: bool = False):
        super().__init__()
        self.norm = nn.BatchNorm2d(1) if batchnorm else None
        self.calls = []

    def forward(self, x, y, rows=None):
        self.calls.append((x.shape[0], None if rows is None else rows.tolist()))
        h = x.mean(dim=(1, 2, 3))
        return (h if rows is None else h[rows]) + y


def test_a_batch_passed_twice_is_augmented_and_judged_once():
    D, augmented = Recording(), []
    judge = Judging(D, D, lambda x: augmented.append(x.shape[0]) or x + 1.0)
    real, fake = torch.zeros(2, 1, 4, 4), torch.ones(3, 1, 4, 4)
    mine, theirs, other = torch.tensor([0.0, 1.0]), torch.tensor([5.0, 6.0, 7.0]), torch.tensor([9.0, 9.0])
    real_out, fake_out, mismatched = judge((real, mine), (fake, theirs), (real, other))
    assert D.calls == [(5, [0, 1, 2, 3, 4, 0, 1])] and augmented == [2, 3]
    assert real_out.logit.tolist() == [1.0, 2.0] and fake_out.logit.tolist() == [7.0, 8.0, 9.0]
    assert mismatched.logit.tolist() == [10.0, 10.0]  # the same augmented real images, the other descriptions


def test_a_d_with_batchnorm_sees_every_pair_on_its_own():
    D = Recording(batchnorm=True)
    judge = Judging(D, D, lambda x: x)
    real = torch.zeros(2, 1, 4, 4)
    judge((real, torch.zeros(2)), (torch.ones(2, 1, 4, 4), torch.zeros(2)), (real, torch.ones(2)))
    assert D.calls == [(2, None)] * 3 and judge.front is None
