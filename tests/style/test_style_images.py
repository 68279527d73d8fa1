"""style/images.py: reading pictures and masks."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import fabric_picture
from PIL import Image

from couturier import style


def test_inputs_of_every_mode_are_read_as_rgb(tmp_path):
    base = fabric_picture(32)
    modes = {"grey.png": base.convert("L"), "rgba.png": base.convert("RGBA"),
             "palette.png": base.convert("P"), "cmyk.jpg": base.convert("CMYK"),
             "deep.png": Image.fromarray(np.asarray(base.convert("L")).astype(np.uint16) * 257)}
    for name, image in modes.items():
        image.save(tmp_path / name)
        x = style.read_rgb(tmp_path / name, 32)
        assert x.shape == (1, 3, 32, 32) and 0.0 <= float(x.min()) and float(x.max()) <= 1.0, name
    # a swatch is never enlarged, only shrunk
    assert style.read_rgb(tmp_path / "grey.png", 64, enlarge=False).shape[-1] == 32
    assert style.read_rgb(tmp_path / "grey.png", 16, enlarge=False).shape[-1] == 16


def test_bad_inputs_say_what_to_do(tmp_path, pictures):
    garment, fabric = pictures
    (tmp_path / "broken.png").write_bytes(b"not a picture")
    with pytest.raises(style.StyleInputError, match="not a readable image"):
        style.read_rgb(tmp_path / "broken.png")
    with pytest.raises(style.StyleInputError, match="is a folder; pass a picture file"):
        style.read_rgb(tmp_path)
    with pytest.raises(style.StyleInputError, match="over the cap of 1,000.*max_pixels"):
        style.read_rgb(garment, max_pixels=1000)
    Image.new("L", (10, 10)).save(tmp_path / "small_mask.png")
    with pytest.raises(style.StyleInputError, match="mask .* is 10x10 but the content is 64x64"):
        style.read_mask(tmp_path / "small_mask.png", 64, 64)
    noisy = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with pytest.raises(style.StyleInputError, match="no plain background.*draw a mask"):
        style.garment_mask(noisy)
    with pytest.raises(style.StyleInputError, match="8x8; the style network needs at least 32"):
        style.stylize(noisy, noisy[..., :8, :8], style.load_style_net(), steps=1, progress=False)
    with pytest.raises(style.StyleInputError, match="multiple of 16"):
        style.synthesize_texture(noisy, style.load_style_net(), size=100, tileable=True, progress=False)

