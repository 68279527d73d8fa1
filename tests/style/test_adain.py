"""style/adain.py: the fast stylizer."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import fabric_picture, garment_picture

from couturier import style


def test_fast_stylizer_trains_saves_and_stylizes(tmp_path, pictures):
    contents, styles = tmp_path / "contents", tmp_path / "styles"
    contents.mkdir(), styles.mkdir()
    for i in range(3):
        garment_picture(64).rotate(90 * i).save(contents / f"{i}.png")
        fabric_picture(64).rotate(90 * i).save(styles / f"{i}.png")
    (styles / "unreadable.png").write_bytes(b"junk")  # skipped, not a crash
    meta = style.train_decoder(contents, styles, tmp_path / "decoder", steps=4, size=32, batch_size=2,
                               progress=False)
    assert meta["steps"] == 4 and np.isfinite(meta["final_style_loss"])
    stylizer = style.load_fast_stylizer(tmp_path / "decoder.safetensors")
    garment = style.read_rgb(pictures[0], 60)  # not a multiple of 8: padded inside, cropped back
    fabric = style.read_rgb(pictures[1], 48)
    result = style.stylize_fast(garment, fabric, stylizer, mask=style.garment_mask(garment))
    assert result.image.shape == garment.shape
    (tmp_path / "decoder.safetensors").write_bytes(b"tampered")
    with pytest.raises(style.StyleInputError, match="checksum"):
        style.load_fast_stylizer(tmp_path / "decoder.safetensors")


def test_shipped_fast_stylizer_loads():
    stylizer = style.load_fast_stylizer()
    out = stylizer(torch.rand(1, 3, 40, 40), torch.rand(1, 3, 32, 32))
    assert out.shape == (1, 3, 40, 40)

