"""`couturier try-on`: a garment's product photo put on a photo of a person."""
from __future__ import annotations

from pathlib import Path

import click

from couturier.cli.generate import refuse_existing


@click.command("try-on")
@click.argument("person", type=click.Path())
@click.argument("garment", type=click.Path())
@click.option("--out", type=click.Path(), required=True, help="The person wearing the garment (.png or .jpg).")
@click.option("--size", type=click.IntRange(64, 4096), default=512, show_default=True,
              help="Long side of the result in pixels (the person photo is scaled to it).")
@click.option("--max-pixels", type=int, default=50_000_000, show_default=True, help="Refuse bigger inputs.")
@click.option("--panel/--no-panel", default=True, show_default=True, help="Also write OUT-panel.png.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def try_on(person, garment, out, size, max_pixels, panel, force) -> None:
    """Dress the person in PERSON (a front-facing photo) in the garment of GARMENT (a product photo on a
    plain background). Needs the people extra."""
    import numpy as np

    from couturier import style
    from couturier.people.tryon import try_on as dress

    out = Path(out)
    refuse_existing(out, force)
    to_array = lambda picture: (picture[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)  # noqa: E731
    person_photo = to_array(style.read_rgb(person, size, max_pixels))
    garment_photo = to_array(style.read_rgb(garment, size, max_pixels))
    result = dress(person_photo, garment_photo)
    import torch

    picture = torch.from_numpy(result.image.astype(np.float32) / 255.0).permute(2, 0, 1)[None]
    style.save_rgb(picture, out)
    message = f"wrote {out} in {result.seconds:.2f} s; the old garment still shows on {result.old_visible:.0%} of it"
    if panel:
        from PIL import Image

        from couturier.viz import plot_panel

        panel_path = out.with_name(out.stem + "-panel.png")
        plot_panel([("person", Image.fromarray(person_photo)), ("garment", Image.fromarray(garment_photo)),
                    ("try-on", Image.fromarray(result.image))], panel_path)
        message += f"; panel {panel_path}"
    click.echo(message)


COMMANDS = (try_on,)
