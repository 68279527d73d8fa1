"""`couturier try-on`: a garment's product photo put on a photo of a person."""
from __future__ import annotations

from pathlib import Path

import click

from couturier.cli.generate import refuse_existing
from couturier.errors import ConfigError


@click.command("try-on")
@click.argument("person", type=click.Path())
@click.argument("garment", type=click.Path(), required=False)
@click.option("--prompt", help="Instead of GARMENT: a garment drawn from these words by --run (a text-to-image run).")
@click.option("--run", type=click.Path(), help="The text-to-image run that draws --prompt.")
@click.option("--seed", type=int, default=0, show_default=True, help="Which of the run's drawings of --prompt.")
@click.option("--out", type=click.Path(), required=True, help="The person wearing the garment (.png or .jpg).")
@click.option("--size", type=click.IntRange(64, 4096), default=512, show_default=True,
              help="Long side of the result in pixels (the person photo is scaled to it).")
@click.option("--max-pixels", type=int, default=50_000_000, show_default=True, help="Refuse bigger inputs.")
@click.option("--panel/--no-panel", default=True, show_default=True, help="Also write OUT-panel.png.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def try_on(person, garment, prompt, run, seed, out, size, max_pixels, panel, force) -> None:
    """Dress the person in PERSON (a front-facing photo) in the garment of GARMENT (a product photo on a
    plain background) or one drawn from --prompt by --run. Needs the people extra."""
    import numpy as np
    from PIL import Image

    from couturier import style
    from couturier.data.images import save_image
    from couturier.people.tryon import try_on as dress

    out = Path(out)
    refuse_existing(out, force)
    if (garment is None) == (prompt is None):
        raise ConfigError("give a GARMENT photo or --prompt with --run, one of the two", field="garment")
    if prompt is not None and run is None:
        raise ConfigError("--prompt needs --run: the text-to-image run that draws the garment", field="run")
    person_photo = np.asarray(style.to_pil(style.read_rgb(person, size, max_pixels)))
    if prompt is None:
        garment_photo = np.asarray(style.to_pil(style.read_rgb(garment, size, max_pixels)))
    else:
        from couturier import sampling
        from couturier.people.words import garment_from_words

        garment_photo = garment_from_words(sampling.load_generator(run), prompt, seed, size // 2)
    result = dress(person_photo, garment_photo)
    save_image(Image.fromarray(result.image), out)
    message = (f"wrote {out} in {result.seconds:.2f} s; the new garment left {result.old_visible:.0%} of the old one "
               f"uncovered (inpainted) and {result.outside:.0%} of it fell outside the person")
    if panel:
        from couturier.viz import plot_panel

        panel_path = out.with_name(out.stem + "-panel.png")
        plot_panel([("person", Image.fromarray(person_photo)), ("garment", Image.fromarray(garment_photo)),
                    ("try-on", Image.fromarray(result.image))], panel_path)
        message += f"; panel {panel_path}"
    click.echo(message)


COMMANDS = (try_on,)
