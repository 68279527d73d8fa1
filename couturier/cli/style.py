"""`couturier stylize`, `texture` and `train-stylizer`: fabrics on garments, new fabric."""
from __future__ import annotations

from pathlib import Path

import click

from couturier.cli.generate import refuse_existing
from couturier.errors import ConfigError


STYLE_FEATURES = click.Choice(["lite0", "lite0-softmax", "random", "vgg19"])


def _panel_path(out: Path) -> Path:
    return out.with_name(out.stem + "-panel.png")


@click.command()
@click.argument("content", type=click.Path())
@click.argument("style", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="Result picture (.png or .jpg).")
@click.option("--size", type=click.IntRange(32, 8192), default=512, show_default=True, help="Long side of the result in pixels.")
@click.option("--steps", type=click.IntRange(0, 10_000), default=150, show_default=True,
              help="L-BFGS steps (optimisation mode).")
@click.option("--content-weight", type=float, default=1.0, show_default=True)
@click.option("--style-weight", type=float, default=100.0, show_default=True)
@click.option("--tv-weight", type=float, default=1.0, show_default=True, help="Smoothness (total variation).")
@click.option("--mask", type=click.Path(), help="White = garment: only it takes the fabric.")
@click.option("--auto-mask", is_flag=True, help="Without a person in the photo (or the people extra): find the "
              "garment on a plain background by its colours.")
@click.option("--garment", type=click.Choice(["auto", "upper", "lower", "dress", "all"]), default="auto",
              show_default=True, help="On a photo of a person, the garment that takes the fabric (found by the "
                                      "people extra's pose network; auto: a one-piece garment, else the upper one).")
@click.option("--preserve-color", is_flag=True, help="Keep the garment's colours; transfer texture only.")
@click.option("--fabric-scale", type=click.FloatRange(0, 4), default=0.3, show_default=True,
              help="STYLE is a fabric swatch repeated over the garment, its long side this share of the "
                   "content's (0.3: a catalogue crop keeps its size); 0: STYLE is a picture (a painting), "
                   "used whole.")
@click.option("--fast", is_flag=True, help="One forward pass of the AdaIN stylizer instead of optimising.")
@click.option("--alpha", type=float, default=1.0, show_default=True, help="Fast mode: 0 = content, 1 = full style.")
@click.option("--stylizer", type=click.Path(), help="Fast mode: decoder weights from `train-stylizer`.")
@click.option("--features", type=STYLE_FEATURES, default="lite0", show_default=True,
              help="lite0: pretrained EfficientNet-Lite0 (the pretrained extra); lite0-softmax: its features "
                   "softmax-smoothed; random: random VGG-19 (offline, no extra); vgg19: ImageNet VGG-19 "
                   "(downloaded once, or --vgg FILE).")
@click.option("--vgg", type=click.Path(), help="torchvision's vgg19-dcbb9e9d.pth.")
@click.option("--max-pixels", type=int, default=50_000_000, show_default=True, help="Refuse bigger inputs.")
@click.option("--panel/--no-panel", default=True, show_default=True, help="Also write OUT-panel.png.")
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--progress/--no-progress", default=True)
def stylize(content, style, out, size, steps, content_weight, style_weight, tv_weight, mask, auto_mask, garment,
            preserve_color, fabric_scale, fast, alpha, stylizer, features, vgg, max_pixels, panel, threads, force, progress):
    """Put the fabric or style of STYLE on the garment in CONTENT (--steps 0: the fabric draped
    over the garment, at once)."""
    import torch

    from couturier import style as styling

    out = Path(out)
    refuse_existing(out, force)
    if threads:
        torch.set_num_threads(threads)
    if mask and auto_mask:
        raise ConfigError("give --mask or --auto-mask, not both", field="mask")
    content_image = styling.read_rgb(content, size, max_pixels)
    style_image = styling.read_rgb(style, size, max_pixels)
    if mask:
        region, how = styling.read_mask(mask, *content_image.shape[-2:]), f"the mask {mask}"
    else:
        region, how = styling.garment_region(content_image, auto_mask, garment)
    if fast:
        result = styling.stylize_fast(content_image, style_image, styling.load_fast_stylizer(stylizer),
                                      alpha, region, preserve_color, fabric_scale)
    else:
        net = styling.load_style_net(features, vgg)
        result = styling.stylize(content_image, style_image, net, steps, content_weight, style_weight,
                                 tv_weight, region, preserve_color, progress, fabric_scale)
    styling.save_rgb(result.image, out)
    message = f"wrote {out} in {result.seconds:.1f} s; garment: {how}"
    if not fast:
        message += f" (content loss {result.content_loss:.3f}, style loss {result.style_loss:.4f})"
    note = styling.fabric_note(style_image) if fabric_scale else None
    if note:
        message += f"; note: {note}"
    if panel:
        from couturier.viz import plot_panel

        plot_panel([("content", styling.to_pil(content_image)), ("style", styling.to_pil(style_image)),
                    ("result", styling.to_pil(result.image))], _panel_path(out))
        message += f"; panel {_panel_path(out)}"
    click.echo(message)


@click.command()
@click.argument("swatch", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="The new fabric (.png).")
@click.option("--size", type=click.IntRange(32, 8192), default=512, show_default=True, help="Side of the square result.")
@click.option("--tileable", is_flag=True, help="Wrap seamlessly when tiled (size a multiple of 16).")
@click.option("--spectrum-weight", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Keep the swatch's Fourier spectrum too (Liu et al. 2016): about 10 for periodic fabric "
                   "(checks, stripes, knits).")
@click.option("--repeat/--no-repeat", default=True, show_default=True,
              help="Tile the swatch's own repeat when it has one (checks, stripes); --no-repeat synthesises.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--steps", type=click.IntRange(0, 10_000), default=40, show_default=True,
              help="L-BFGS refinement steps.")
@click.option("--features", type=STYLE_FEATURES, default="lite0", show_default=True,
              help="Feature network: pretrained EfficientNet-Lite0, or the random VGG-19 (offline, no extra).")
@click.option("--vgg", type=click.Path(), help="torchvision's vgg19-dcbb9e9d.pth.")
@click.option("--max-pixels", type=int, default=50_000_000, show_default=True, help="Refuse bigger swatches.")
@click.option("--panel/--no-panel", default=True, show_default=True,
              help="Also write OUT-panel.png (swatch, result, result tiled 2x2).")
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--progress/--no-progress", default=True)
def texture(swatch, out, size, tileable, spectrum_weight, repeat, seed, steps, features, vgg, max_pixels, panel,
            threads, force, progress):
    """Grow a new, larger piece of fabric from a small SWATCH."""
    import torch

    from couturier import style as styling
    from couturier.style.periodic import PROMINENT, spectrum_peak

    out = Path(out)
    refuse_existing(out, force)
    if threads:
        torch.set_num_threads(threads)
    swatch_image = styling.read_rgb(swatch, size, max_pixels, enlarge=False)
    net = styling.load_style_net(features, vgg)
    result = styling.synthesize_texture(swatch_image, net, size, tileable, seed, steps,
                                        spectrum_weight=spectrum_weight, progress=progress, repeat=repeat)
    styling.save_rgb(result.image, out)
    how = ("the swatch's repeat tiled" if result.method == "repeat"
           else f"synthesised, style loss {result.style_loss:.4f}")
    period, prominence = spectrum_peak(swatch_image)
    repeat = (f"repeat {styling.dominant_period(result.image, min(swatch_image.shape[-2:]) / 2):.0f} px, the swatch's "
              f"{period:.0f} px" if prominence >= PROMINENT else "the swatch has no clear repeat")
    message = f"wrote {out} in {result.seconds:.1f} s ({how}; seam ratio {styling.seam_ratio(result.image):.2f}, {repeat})"
    if panel:
        from couturier.viz import plot_panel

        tiled = torch.cat([torch.cat([result.image] * 2, 3)] * 2, 2)
        plot_panel([("swatch", styling.to_pil(swatch_image)), ("new fabric", styling.to_pil(result.image)),
                    ("tiled 2x2", styling.to_pil(tiled))], _panel_path(out))
        message += f"; panel {_panel_path(out)}"
    click.echo(message)


@click.command("train-stylizer")
@click.option("--content", "content_dir", type=click.Path(), required=True, help="Folder of content pictures.")
@click.option("--styles", "style_dir", type=click.Path(), required=True, help="Folder of style/fabric pictures.")
@click.option("--out", type=click.Path(), required=True, help="Weights file (.safetensors; a .json goes beside).")
@click.option("--steps", type=click.IntRange(1, 1_000_000), default=3000, show_default=True)
@click.option("--size", type=click.IntRange(32), default=128, show_default=True, help="Training crop size.")
@click.option("--batch-size", type=int, default=8, show_default=True)
@click.option("--encoder", type=click.Choice(["lite0", "random"]), default="lite0", show_default=True,
              help="lite0: pretrained EfficientNet-Lite0, AdaIN at four levels; random: random VGG-19, one level.")
@click.option("--style-weight", type=click.FloatRange(0),
              help="Fabric statistics against content in the decoder's training loss (default: the shipped "
                   "decoder's, 3).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, help="CPU threads (default: all).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--progress/--no-progress", default=True)
def train_stylizer(content_dir, style_dir, out, steps, size, batch_size, encoder, style_weight, seed, threads, force,
                   progress):
    """Train the fast (AdaIN) stylizer's decoder; use it with `stylize --fast --stylizer OUT`."""
    import json

    import torch

    from couturier.style import train_decoder

    out = Path(out).with_suffix(".safetensors")
    refuse_existing(out, force)
    if threads:
        torch.set_num_threads(threads)
    weight = {} if style_weight is None else {"style_weight": style_weight}
    meta = train_decoder(content_dir, style_dir, out, steps, size, batch_size, seed=seed, progress=progress,
                         encoder=encoder, **weight)
    click.echo(f"wrote {out}: {json.dumps({k: meta[k] for k in ('final_content_loss', 'final_style_loss')})}")



COMMANDS = (stylize, texture, train_stylizer)
