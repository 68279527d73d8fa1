"""Optimisation-based style transfer (Gatys, Ecker & Bethge 2016): put a fabric on a garment.

The image itself is optimised to keep the content network's deep-layer activations and take on
the style's Gram matrices. A fabric swatch is laid out at its scale and the optimisation starts
from it draped over the garment (style/drape.py), so the steps blend a pattern that is already
there instead of growing one from the Gram loss; a picture style (a painting) starts from the
garment in the style's colours. With a mask the style statistics
are measured on the garment only, and the network always sees the background as it was: the
deep layers see far, so a background left free would be painted to shape the garment's features.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch
from tqdm import tqdm

from couturier import deadline
from couturier.style.drape import FABRIC_SCALE, drape_fabric
from couturier.style.images import composite, keep_colours, require_min_side
from couturier.style.losses import content_loss, gram, style_loss, total_variation


@dataclass
class StyleResult:
    image: torch.Tensor
    content_loss: float
    style_loss: float
    seconds: float
    method: str = "optimisation"  # how it was made: texture says "repeat" or "synthesis"


def lbfgs_optimise(image: torch.Tensor, objective, steps: int, desc: str, progress: bool) -> torch.Tensor:
    """Minimise objective(image) -> (loss, {name: value}) over the pixels with L-BFGS and a strong-Wolfe
    line search, in one optimiser call (so the line search keeps its evaluations); the objective
    sees the pixels clamped to [0, 1] (straight through). `steps` bounds the iterations."""
    image = image.clone(memory_format=torch.contiguous_format).requires_grad_(True)
    if steps <= 0:
        return image.detach()
    optimiser = torch.optim.LBFGS([image], lr=1.0, max_iter=steps, max_eval=steps * 5 // 4, history_size=20,
                                  tolerance_grad=1e-9, tolerance_change=1e-12, line_search_fn="strong_wolfe")
    with tqdm(total=steps * 5 // 4, desc=desc, unit="eval", disable=not progress, dynamic_ncols=True) as bar:
        def closure():
            deadline.check()  # a server's time limit stops the optimisation between evaluations
            optimiser.zero_grad()
            # the objective sees [0, 1] but the gradient passes the clamp unchanged (straight through):
            # a plain clamp has zero gradient outside, so a saturated garment's red channel that
            # stepped past 1 could never come back down and the fabric's colours never arrived
            loss, parts = objective(image + (image.clamp(0.0, 1.0) - image).detach())
            loss.backward()
            bar.set_postfix({k: f"{v:.3g}" for k, v in parts.items()}, refresh=False)
            bar.update()
            return loss

        optimiser.step(closure)
        _end_bar(bar, optimiser.state[image], steps, desc)
    return image.detach().clamp(0.0, 1.0)


def _end_bar(bar, state: dict, steps: int, desc: str) -> None:
    """L-BFGS ends on its iteration bound, or on a flat loss, mostly before the evaluation bound the
    bar counts to: the bar says which and ends full."""
    if bar.disable or bar.n >= bar.total:
        return
    why = f"{steps} iterations done" if state.get("n_iter", 0) >= steps else "converged"
    bar.set_description_str(f"{desc} ({why} in {bar.n} of {bar.total} evaluations)", refresh=False)
    bar.total = bar.n
    bar.refresh()


def fabric_colours(content: torch.Tensor, style: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The start of the optimisation: the garment with the fabric's colour means and spreads (per
    channel, inside the mask), so L-BFGS spends its steps on the pattern. Started from the garment's
    own colours, 150 steps left a red T-shirt given a blue check gold and purple; 400 reached blue."""
    weights = torch.ones_like(content[:, :1]) if mask is None else mask
    total = weights.sum().clamp_min(1.0)
    mean = (content * weights).sum((2, 3), keepdim=True) / total
    spread = ((content - mean).pow(2) * weights).sum((2, 3), keepdim=True).div(total).sqrt()
    recoloured = (content - mean) / spread.clamp_min(1e-3) * style.std((2, 3), keepdim=True) + style.mean((2, 3), keepdim=True)
    return torch.lerp(content, recoloured.clamp(0.0, 1.0), weights)


def stylize(content: torch.Tensor, style: torch.Tensor, net, steps: int = 150,
            content_weight: float = 1.0, style_weight: float = 100.0, tv_weight: float = 1.0,
            mask: torch.Tensor | None = None, preserve_color: bool = False,
            progress: bool = True, fabric_scale: float | None = FABRIC_SCALE) -> StyleResult:
    """content, style: (1, 3, H, W) in [0, 1] (sizes may differ); mask: (1, 1, H, W) or None;
    net: a style feature network (`load_style_net`). fabric_scale: the style is a fabric swatch
    whose long side spans this share of the content's; None or 0: a picture style, used as given.
    With a fabric, steps=0 returns the draped fabric."""
    require_min_side(content, "content picture")
    require_min_side(style, "style picture")
    start = time.perf_counter()
    if fabric_scale:
        draped = drape_fabric(content, style, mask, fabric_scale)
        style, first, mask = draped.fabric, draped.picture, draped.mask
    else:
        first = fabric_colours(content, style, mask)
    content_layer, style_layers = net.content_layer, net.style_layers  # each feature network names its own
    with torch.no_grad():
        content_target = net(content, (content_layer,))[content_layer]
        style_targets = {k: gram(v) for k, v in net(style, style_layers).items()}
    wanted = (*style_layers, content_layer)

    def objective(image):
        features = net(composite(image, content, mask), wanted)
        c = content_loss(features[content_layer], content_target)
        s = style_loss(features, style_targets, mask)
        loss = content_weight * c + style_weight * s + tv_weight * total_variation(image)
        return loss, {"content": c.item(), "style": s.item()}

    result = lbfgs_optimise(first, objective, steps, "stylize", progress)
    if preserve_color:
        result = keep_colours(result, content)
    result = composite(result, content, mask)
    with torch.no_grad():  # the losses of what is returned, after colour and mask
        features = net(result, wanted)
        c = float(content_loss(features[content_layer], content_target))
        s = float(style_loss(features, style_targets, mask))
    return StyleResult(result, c, s, time.perf_counter() - start)
