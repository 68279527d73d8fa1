"""data/__init__.py: the in-memory dataset and its deterministic, rank-sharded batches."""
from __future__ import annotations

import pytest
import torch
from conftest import make_image_folder

from couturier.config import DataConfig
from couturier.data import BatchSampler, DataError, ImageDataset, load_dataset


def test_rank_batches_together_are_the_one_process_batch(fmnist_slice):
    one = BatchSampler(fmnist_slice, 32, seed=3)
    ranks = [BatchSampler(fmnist_slice, 8, seed=3, rank=r, world=4) for r in range(4)]
    for step in (0, 5, one.per_epoch + 2):  # the first epoch and the next
        pixels, labels = one.batch(step)
        shares = [sampler.batch(step) for sampler in ranks]
        assert torch.equal(torch.cat([p for p, _ in shares]), pixels)
        assert torch.equal(torch.cat([y for _, y in shares]), labels)
        assert torch.equal(torch.cat([s.neighbour_labels(step) for s in ranks]), labels.roll(1))


def test_each_rank_sees_its_own_share_of_an_epoch():
    dataset = ImageDataset(torch.zeros(64, 1, 2, 2, dtype=torch.uint8), torch.arange(64), ("x",))
    seen = []
    for rank in range(2):
        sampler = BatchSampler(dataset, 4, seed=0, rank=rank, world=2)
        seen.append(torch.cat([sampler.batch(step)[1] for step in range(sampler.per_epoch)]))
    assert len(set(seen[0].tolist()) & set(seen[1].tolist())) == 0
    assert sorted(torch.cat(seen).tolist()) == list(range(64))


def test_dataset_from_folder_and_bad_paths(tmp_path):
    make_image_folder(tmp_path / "shop")
    ds = load_dataset(DataConfig(dataset=str(tmp_path / "shop"), resolution=32, channels=3))
    assert len(ds) == 5 and ds.skipped == 1
    with pytest.raises(DataError, match="neither 'fashion-mnist' nor an existing folder"):
        load_dataset(DataConfig(dataset=str(tmp_path / "nope")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no images"):
        load_dataset(DataConfig(dataset=str(tmp_path / "empty")))

