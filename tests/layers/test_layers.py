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


@pytest.mark.parametrize("out_channels,bias", [(3, True), (5, False)])
def test_the_last_doubling_convolves_the_map_itself_as_the_upsampled_one(out_channels, bias):
    from couturier.layers.upsample import upsampled_conv

    conv = torch.nn.Conv2d(6, out_channels, 3, 1, 1, bias=bias).double()
    h = torch.randn(2, 6, 5, 7, dtype=torch.float64, requires_grad=True)  # odd, unequal sides: every border
    direct = conv(torch.nn.functional.interpolate(h, scale_factor=2, mode="nearest"))
    grads = torch.autograd.grad(direct.square().sum(), [h, conv.weight])
    phased = upsampled_conv(h, conv)
    torch.testing.assert_close(phased, direct)
    for got, wanted in zip(torch.autograd.grad(phased.square().sum(), [h, conv.weight]), grads):
        torch.testing.assert_close(got, wanted)  # the same parameters learn the same way
