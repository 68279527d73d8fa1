"""Best of K: draw K candidates for each picture and keep the one the run's own D scores highest.

D was trained to tell real photos from G's fakes and, in conditional models, matching pairs
from mismatched ones (projection, GAN-INT-CLS), so at sampling time it is a judge of G's draws
that costs one forward pass. Keeping its favourite of a few draws is the simplest form of
discriminator rejection sampling (Azadi et al. 2019), and what DALL-E did with CLIP (Ramesh et
al. 2021). It costs K times the sampling work and a little variety. On the catalogue it is a
small and uneven gain (BENCHMARKS.md, "Text to image"), so it is an option, not the default. Metrics never use D's judgement: FID is computed in another network's features.
"""
from __future__ import annotations

import torch
from torch import nn

from couturier.errors import ConfigError
from couturier.models.outputs import as_output

MAX_BEST_OF = 64


def check_best_of(best_of: int, critic: nn.Module | None) -> int:
    """best_of itself, once it is known to be usable with this run."""
    if isinstance(best_of, bool) or not isinstance(best_of, int) or not 1 <= best_of <= MAX_BEST_OF:
        raise ConfigError(f"best_of must be a whole number from 1 to {MAX_BEST_OF}, got {best_of!r}", field="best_of")
    if best_of > 1 and critic is None:
        raise ConfigError("best_of above 1 needs the run's discriminator, and this checkpoint holds only G; "
                          "use best_of 1", field="best_of")
    return best_of


def realism(critic: nn.Module, images: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
    """D's logit per image (N,); a D with auxiliary outputs (attribute heads) puts its logit first."""
    return as_output(critic(images, condition)).logit.reshape(len(images), -1)[:, 0].float()


@torch.no_grad()
def draw_best(generator: nn.Module, critic: nn.Module | None, z: torch.Tensor,
              condition: torch.Tensor | None) -> torch.Tensor:
    """z (N, K, z_dim) and one condition per row -> (N, C, H, W) in G's range: per row, the
    candidate D scores highest for that row's condition (K = 1: G's one draw, D unused)."""
    n, k = z.shape[:2]
    repeated = condition.repeat_interleave(k, dim=0) if condition is not None else None
    images = generator(z.reshape(n * k, -1), repeated)
    if k == 1:
        return images
    pick = realism(critic, images, repeated).reshape(n, k).argmax(dim=1)
    return images.reshape(n, k, *images.shape[1:])[torch.arange(n, device=images.device), pick]
