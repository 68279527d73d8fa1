"""couturier/directions/methods.py: SeFa's and GANSpace's directions."""
import numpy as np
import pytest
import torch

from couturier import directions as steer
from couturier.errors import ConfigError


def test_sefa_directions_are_orthonormal_strongest_first_and_the_layers_own():
    torch.manual_seed(0)
    weight = torch.randn(64, 8) @ torch.diag(torch.tensor([5.0, 4, 3, 2, 1, 1, 1, 1]))
    found = steer.sefa(weight, 3)
    vectors = np.stack([d.vector for d in found])
    assert np.allclose(vectors @ vectors.T, np.eye(3), atol=1e-5)
    assert found[0].strength >= found[1].strength >= found[2].strength
    # the strongest direction moves the (column-normalised) layer more than any random one
    columns = weight / weight.norm(dim=0, keepdim=True)
    moved = lambda v: float((columns @ torch.as_tensor(v)).norm())  # noqa: E731
    random = [moved(r / np.linalg.norm(r)) for r in np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)]
    assert moved(found[0].vector) >= max(random) - 1e-5
    with pytest.raises(ConfigError, match="ask for 1 to 8 directions"):
        steer.sefa(weight, 9)


class EarlyReLU(torch.nn.Module):
    """A generator whose early layer is ReLU(W z): z0 drives four units, z1 one, the rest none."""

    def __init__(self):
        super().__init__()
        self.weight = torch.zeros(8, 4)
        self.weight[:4, 0] = 1.0
        self.weight[4, 1] = 1.0

    def early_features(self, z, y=None):
        return torch.relu(z @ self.weight.T)

    def forward(self, z, y=None):
        return self.early_features(z, y)[:, :1, None, None]


def test_ganspace_finds_the_latent_that_moves_the_early_layer_most():
    z = torch.randn(2000, 4, generator=torch.Generator().manual_seed(0))
    found = steer.ganspace(EarlyReLU(), z, None, 2)
    assert all(abs(np.linalg.norm(d.vector) - 1) < 1e-5 for d in found)
    assert abs(found[0].vector[0]) > 0.99 and abs(found[1].vector[1]) > 0.99  # z0 (four units), then z1
    assert found[0].strength > found[1].strength
    with pytest.raises(ConfigError, match="no early layer"):
        steer.ganspace(torch.nn.Identity(), z, None, 2)
    with pytest.raises(ConfigError, match="no direction method 'pca'"):
        steer.find("pca", EarlyReLU(), 2, z)


def test_every_generator_family_says_which_layer_acts_on_z(conditional_run, text_run):
    """SeFa and GANSpace read the real generators: the image GANs' and the text GAN's (z only, not the words)."""
    from couturier import sampling

    for run in (conditional_run, text_run):
        loaded = sampling.load_generator(run)
        z_dim = loaded.config.model.z_dim
        assert steer.latent_weight(loaded.generator).shape[1] == z_dim
        assert len(steer.find("sefa", loaded.generator, 3)) == 3
        z = sampling.latents(64, z_dim, 0)
        y = (sampling.encode_prompts(loaded, list(loaded.prompts[:1]) * 64) if loaded.reads_prompts
             else torch.arange(64) % 10)
        assert len(steer.find("ganspace", loaded.generator, 3, z, y)) == 3
