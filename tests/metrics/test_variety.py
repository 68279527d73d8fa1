"""metrics/variety.py: different seeds for one description should give different garments."""
import numpy as np

from couturier.metrics.registry import Judgement, Reference, judge
from couturier.metrics.variety import within_group_spread


def test_a_generator_that_ignores_its_noise_has_no_variety():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(10), 5)  # 10 descriptions, 5 seeds each
    collapsed = np.repeat(rng.normal(size=(10, 8)), 5, axis=0)  # every seed: the same picture
    varied = collapsed + rng.normal(scale=0.5, size=collapsed.shape)
    assert within_group_spread(collapsed, groups) < 1e-12
    assert within_group_spread(varied, groups) > 0.5
    assert np.isnan(within_group_spread(varied, np.arange(50)))  # no group of two: nothing to say


def test_variety_is_judged_against_real_photos_sharing_the_attributes():
    rng = np.random.default_rng(1)
    real, groups = rng.normal(size=(60, 4)), np.repeat(np.arange(12), 5)
    fake = real * 0.5  # half the real spread within every group
    images = np.zeros((60, 3, 8, 8), np.uint8)
    results = judge(Judgement(images, fake, Reference("real", real), extra={"groups": groups,
                                                                             "reference_groups": groups}),
                    ["variety"])
    assert abs(results["variety_ratio"] - 0.5) < 1e-9 and results["variety_real"] > 0


def test_a_broken_seed_is_not_variety_for_the_typical_pair_distance():
    from couturier.metrics.variety import typical_pair_distance

    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(10), 8)
    varied = rng.normal(size=(80, 16))  # eight different garments per description
    one_and_broken = np.repeat(rng.normal(size=(10, 16)), 8, axis=0) + 0.01 * rng.normal(size=(80, 16))
    one_and_broken[::8] += 20.0  # the first seed of each description is broken
    assert within_group_spread(one_and_broken, groups) > within_group_spread(varied, groups)  # fooled
    assert typical_pair_distance(one_and_broken, groups) < 0.1 * typical_pair_distance(varied, groups)


def test_evaluate_reports_the_typical_pair_variety_beside_the_mean_distance():
    rng = np.random.default_rng(2)
    real, groups = rng.normal(size=(80, 4)), np.repeat(np.arange(10), 8)
    fake = np.repeat(real[::8], 8, axis=0)  # one garment per group...
    fake[::8] += 30.0  # ...and one broken draw in each
    images = np.zeros((80, 3, 8, 8), np.uint8)
    results = judge(Judgement(images, fake, Reference("real", real), extra={"groups": groups,
                                                                             "reference_groups": groups}),
                    ["variety", "variety_typical"])
    assert results["variety_ratio"] > 1.0  # the broken draws read as more variety than real photos
    assert results["variety_typical_ratio"] < 0.05 and results["variety_typical_real"] > 0
