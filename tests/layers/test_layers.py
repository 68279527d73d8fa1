"""layers/: the resolution plan and the generators' building blocks."""
import pytest
import torch

from couturier.layers import ConditionalBatchNorm2d, UpsampleGenerator, resolution_plan


def test_resolution_plan():
    assert resolution_plan(28) == (7, 2) and resolution_plan(64) == (4, 4) and resolution_plan(128) == (4, 5)
    with pytest.raises(ValueError, match="use 28, 32, 64 or 128"):
        resolution_plan(100)



def test_the_upsample_generator_stem_is_its_transposed_convolution_as_one_product():
    generator = UpsampleGenerator(16, 3, 32, 8, lambda ch: ConditionalBatchNorm2d(ch, None))
    z = torch.randn(5, 16)
    torch.testing.assert_close(generator._stem(z), generator.stem(z[:, :, None, None]), rtol=1e-5, atol=1e-6)
