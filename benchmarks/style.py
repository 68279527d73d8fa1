"""Fabric on garments, judged: a panel of 6 catalogue garments x 4 fabrics, old against new.

    python benchmarks/style.py [--panel-size 256] [--size 512] [--steps 150] [--threads 2]

Old: the random VGG-19 features and the background-only mask. New: pretrained EfficientNet-Lite0
features and the garment as `stylize --auto-mask` finds it (on a person, the people extra's pose
network: face, hair, skin and the other garment excluded; laid flat, the colour rules). For every cell: the style
distance in a network NOT used for the optimisation (the other of the two, and the catalogue's
attribute classifier, a third network trained on product photos), the garment's structure kept
(correlation of blurred edge maps inside the mask), and the background outside it unchanged.
Also: seconds per 512 px picture for Gatys and fast (AdaIN); tileable fabric is benchmarks/texture.py.
The new and old methods' panels are drawn at --panel-size (24 pictures each); the timings at --size.
Writes docs/style/*.png and docs/style/results.json. The garments and fabrics are never in the
fast stylizer's training data (scripts/train_stylizer.py leaves them out).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from scipy import ndimage

from couturier import style
from couturier.fileio import write_text
from couturier.style.losses import gram, style_loss

DOCS = Path("docs/style")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-products" / "images"
# The panel: six catalogue garments (four worn, two laid flat) and four fabrics cut from other
# products, (id, crop box in the 60x80 photo). scripts/train_stylizer.py never trains on them.
PANEL_GARMENTS = ("1163", "2711", "1529", "2095", "7410", "2555")
PANEL_FABRICS = {"checks": ("2131", (18, 34, 42, 58)), "stripes": ("3789", (18, 36, 42, 60)),
                 "floral": ("6883", (16, 46, 38, 62)), "denim": ("25719", (10, 46, 40, 62))}
COARSE = 1 / 32  # of the picture's width: 6 px at 192, where a 20 px stripe repeat keeps a sixth of its contrast
JUDGE = Path("runs/bench/t2i-cmp/attributes.safetensors")  # benchmarks/text2image.py trains it


def fabric(name: str) -> torch.Tensor:
    key, box = PANEL_FABRICS[name]
    crop = Image.open(SHARED / f"{key}.jpg").convert("RGB").crop(box)
    return style.from_pil(crop.resize((crop.width * 8, crop.height * 8), Image.Resampling.BICUBIC))


def old_mask(x: torch.Tensor, threshold: float = 0.12) -> torch.Tensor:
    """The earlier automatic mask: everything far from the border's colour, holes filled."""
    image = x[0].permute(1, 2, 0).numpy()
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    figure = np.abs(image - np.median(border, axis=0)).max(axis=2) > threshold
    figure = ndimage.binary_fill_holes(ndimage.binary_opening(figure, iterations=2))
    return torch.from_numpy(ndimage.gaussian_filter(figure.astype(np.float32), 1.5))[None, None]


class AttributeFeatures(torch.nn.Module):
    """The catalogue attribute classifier's conv blocks as a style network (a judge only)."""

    def __init__(self, path: Path):
        super().__init__()
        from couturier.metrics.attributes import AttributeJudge

        body = AttributeJudge.load(path).net.body  # four (conv, norm, relu, pool) blocks, then the head
        self.blocks = torch.nn.ModuleList(torch.nn.Sequential(*body[i:i + 4]) for i in range(0, 16, 4))
        self.style_layers = ("block1", "block2", "block3", "block4")

    def forward(self, x, wanted):
        h, out = F.interpolate(x, scale_factor=128 / max(x.shape[-2:]), mode="area") * 2 - 1, {}
        for i, block in enumerate(self.blocks):
            h = block(h)
            out[f"block{i + 1}"] = h
        return {k: v for k, v in out.items() if k in wanted}


def style_distance(net, image, fabric_image, garment_image, mask) -> float:
    """Gram distance to the fabric on the garment, over the same for the untouched garment: 1 is
    no transfer, 0 the fabric's statistics exactly."""
    with torch.no_grad():
        target = {k: gram(v) for k, v in net(fabric_image, net.style_layers).items()}
        after = style_loss(net(image, net.style_layers), target, mask)
        before = style_loss(net(garment_image, net.style_layers), target, mask)
    return float(after / before)


def structure_kept(image, garment_image, mask, blur: float = 1 / 256) -> float:
    """Correlation of blurred edge magnitudes inside the mask: folds, seams and outline kept. At
    the default blur a fabric's own edges count against it; at COARSE the pattern averages out
    and what is compared is the garment's outline and large folds."""
    def edges(x):
        grey = ndimage.gaussian_filter(x[0].mean(0).numpy(), x.shape[-1] * blur)
        return np.hypot(ndimage.sobel(grey, 0), ndimage.sobel(grey, 1))
    inside = mask[0, 0].numpy() > 0.5
    return float(np.corrcoef(edges(image)[inside], edges(garment_image)[inside])[0, 1])


def background_change(image, garment_image, mask) -> float:
    outside = mask[0, 0].numpy() < 0.01
    return float((image - garment_image).abs()[0].mean(0).numpy()[outside].mean() * 255)


def run_panel(garments, fabrics, method, judges) -> tuple[list[list[torch.Tensor]], dict]:
    """Every method is judged against the fabric as it should lie on the garment: at the catalogue's
    scale (style.FABRIC_SCALE), repeated over the picture."""
    rows, scores = [], {"seconds": [], "structure": [], "outline_and_folds": [], "background": [],
                        **{f"style_in_{j}": [] for j in judges}}
    for key, (garment_image, mask) in garments.items():
        row = []
        for name, fabric_image in fabrics.items():
            start = time.perf_counter()
            image = method(garment_image, fabric_image, mask)
            scores["seconds"].append(time.perf_counter() - start)
            laid_out = style.fabric_at_scale(fabric_image, garment_image)
            for j, net in judges.items():
                scores[f"style_in_{j}"].append(style_distance(net, image, laid_out, garment_image, mask))
            scores["structure"].append(structure_kept(image, garment_image, mask))
            scores["outline_and_folds"].append(structure_kept(image, garment_image, mask, COARSE))
            scores["background"].append(background_change(image, garment_image, mask))
            row.append(image)
        rows.append(row)
        print(method.__name__, key, {k: round(v[-1], 3) for k, v in scores.items()}, flush=True)
    return rows, {k: float(np.mean(v)) for k, v in scores.items()}


def save_panel(garments, fabrics, rows, path: Path, cell: int = 192) -> None:
    """Top row: the fabrics; left column: the garments; each cell the garment in that fabric."""
    from PIL import ImageOps

    def tile(x=None):
        if x is None:
            return np.full((cell, cell, 3), 255, np.uint8)
        return np.asarray(ImageOps.pad(style.to_pil(x), (cell, cell), color=(255, 255, 255)))

    lines = [np.concatenate([tile()] + [tile(f) for f in fabrics.values()], 1)]
    for (garment_image, _), row in zip(garments.values(), rows):
        lines.append(np.concatenate([tile(garment_image)] + [tile(x) for x in row], 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(lines, 0)).save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="long side for the timings")
    parser.add_argument("--panel-size", type=int, default=256, help="long side of the panels' pictures")
    parser.add_argument("--steps", type=int, default=150, help="stylize steps (the CLI default)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--skip-old", action="store_true", help="only the new method's panel")
    parser.add_argument("--masks-only", action="store_true", help="only the masks against the hand-drawn outlines")
    parser.add_argument("--judge", type=Path, default=JUDGE, help="an attribute classifier to judge style with too")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.masks_only:
        results = json.loads((DOCS / "results.json").read_text())
        results["masks"] = mask_row()
        write_text(DOCS / "results.json", json.dumps(results, indent=2))
        print(json.dumps(results["masks"], indent=2))
        return
    size = args.size
    nets = {"lite0": style.load_style_net("lite0"), "random": style.load_style_net("random")}
    judges = dict(nets)
    if args.judge.is_file():
        judges["attributes"] = AttributeFeatures(args.judge)
    photos = {key: style.read_rgb(SHARED / f"{key}.jpg", args.panel_size) for key in PANEL_GARMENTS}
    fabrics = {name: fabric(name) for name in PANEL_FABRICS}
    results: dict = {"date": time.strftime("%Y-%m-%d"), "machine": platform.processor() or platform.machine(),
                     "threads": torch.get_num_threads(), "torch": torch.__version__, "size": size,
                     "panel_size": args.panel_size, "steps": args.steps}

    def gatys_new(garment_image, fabric_image, mask):
        return style.stylize(garment_image, fabric_image, nets["lite0"], args.steps, mask=mask, progress=False).image

    def gatys_old(garment_image, fabric_image, mask):  # the swatch used whole, optimised from the garment
        return style.stylize(garment_image, fabric_image, nets["random"], args.steps, mask=mask, progress=False,
                             fabric_scale=None).image

    def drape(garment_image, fabric_image, mask):  # what Gatys starts from
        return style.stylize(garment_image, fabric_image, nets["lite0"], 0, mask=mask, progress=False).image

    stylizer = style.load_fast_stylizer()

    def fast(garment_image, fabric_image, mask):
        return style.stylize_fast(garment_image, fabric_image, stylizer, mask=mask).image

    new_garments = {k: (x, worn_or_laid_flat(x)) for k, x in photos.items()}
    old_garments = {k: (x, old_mask(x)) for k, x in photos.items()}
    for name, method, garments in (("new", gatys_new, new_garments), ("drape", drape, new_garments),
                                   ("fast", fast, new_garments), ("old", gatys_old, old_garments)):
        if name == "old" and args.skip_old:
            continue
        rows, scores = run_panel(garments, fabrics, method, {k: v for k, v in judges.items() if k != method_net(name)})
        results[name] = scores
        if name in ("new", "old"):  # the panels BENCHMARKS.md shows
            save_panel(garments, fabrics, rows, DOCS / f"panel-{name}.png")
    results["timings"] = timings(size, fabrics["checks"], nets, stylizer, args.steps)
    results["masks"] = mask_row()
    write_text(DOCS / "results.json", json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


def worn_or_laid_flat(picture: torch.Tensor) -> torch.Tensor:
    """The garment as `stylize --auto-mask` finds it: on a person, by the people extra's pose
    network (the colour rules without it); laid flat, by the colour rules."""
    region, _ = style.garment_region(picture, auto_mask=True)
    return region


def timings(size: int, fabric_image, nets, stylizer, steps: int) -> dict:
    """Seconds for one garment at `size` (its long side): Gatys with each network, and fast mode
    (median of 3 after a warm-up); the mask is found before the clock starts."""
    garment_image = style.read_rgb(SHARED / f"{PANEL_GARMENTS[2]}.jpg", size)
    mask = worn_or_laid_flat(garment_image)
    out = {}
    for name, net in nets.items():
        start = time.perf_counter()
        style.stylize(garment_image, fabric_image, net, steps, mask=mask, progress=False)
        out[f"gatys_{name}"] = time.perf_counter() - start
    start = time.perf_counter()
    style.stylize(garment_image, fabric_image, nets["lite0"], 0, mask=mask, progress=False)
    out["drape"] = time.perf_counter() - start
    style.stylize_fast(garment_image, fabric_image, stylizer, mask=mask)
    fast_times = []
    for _ in range(3):
        start = time.perf_counter()
        style.stylize_fast(garment_image, fabric_image, stylizer, mask=mask)
        fast_times.append(time.perf_counter() - start)
    out["fast"] = float(np.median(fast_times))
    print("timings", out, flush=True)
    return out


def mask_row() -> dict:
    """IoU of the garment mask and of the background-only mask with the outlines drawn by hand
    in tests/style/garment_masks.json, on the photos the colour rules were built for."""
    from couturier.style.masks import iou

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from drawn_garments import COLOUR_RULES_SET, drawn_mask

    scores = {"garment mask": {}, "background only": {}}
    for key in COLOUR_RULES_SET:
        photo = style.read_rgb(SHARED / f"{key}.jpg")
        want = drawn_mask(key)
        scores["garment mask"][key] = iou(style.garment_mask(photo)[0, 0].numpy() > 0.5, want)
        scores["background only"][key] = iou(old_mask(photo)[0, 0].numpy() > 0.5, want)
    return {name: {"mean": float(np.mean(list(v.values()))), **v} for name, v in scores.items()}


def method_net(name: str) -> str:
    """The network a panel optimises with, left out of its judges."""
    return {"new": "lite0", "fast": "lite0", "old": "random"}.get(name, "")


if __name__ == "__main__":
    main()
