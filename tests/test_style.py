"""Style transfer and fabric synthesis, on pictures the tests draw: a garment on white, a striped fabric."""
from __future__ import annotations

import hashlib
import http.server
import threading

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from couturier import style
from couturier.cli import cli, main
from couturier.style import features as style_features
from couturier.style.losses import gram


def garment_picture(size: int = 64) -> Image.Image:
    """A dark-red T-shirt shape on a white background."""
    array = np.full((size, size, 3), 255, np.uint8)
    s = size // 8
    array[2 * s:7 * s, 3 * s:5 * s] = (150, 20, 30)  # body
    array[2 * s:3 * s, 1 * s:7 * s] = (150, 20, 30)  # sleeves
    return Image.fromarray(array)


def fabric_picture(size: int = 48) -> Image.Image:
    """Blue and yellow diagonal stripes with a little noise: a fabric with clear structure."""
    yy, xx = np.mgrid[:size, :size]
    stripes = ((xx + yy) // 4) % 2
    rng = np.random.default_rng(0)
    array = np.where(stripes[..., None] == 1, (30, 60, 200), (230, 200, 40)).astype(np.float64)
    return Image.fromarray(np.clip(array + rng.normal(0, 8, array.shape), 0, 255).astype(np.uint8))


@pytest.fixture(scope="module")
def net():
    return style.load_style_net()


@pytest.fixture
def pictures(tmp_path):
    garment, fabric = tmp_path / "garment.png", tmp_path / "fabric.png"
    garment_picture().save(garment)
    fabric_picture().save(fabric)
    return garment, fabric


def test_random_network_is_the_same_everywhere():
    a, b = style.load_style_net(), style.load_style_net()
    x = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    assert torch.equal(a(x, ("relu3_1",))["relu3_1"], b(x, ("relu3_1",))["relu3_1"])


def test_gram_is_size_independent_for_a_repeated_texture():
    x = torch.rand(1, 4, 8, 8)
    assert torch.allclose(gram(x), gram(x.repeat(1, 1, 2, 2)), atol=1e-6)


def test_stylize_moves_style_towards_fabric_and_keeps_background_under_mask(net, pictures):
    garment, fabric = (style.read_rgb(p, 64) for p in pictures)
    mask = style.auto_mask(garment)
    assert 0.2 < float((mask > 0.5).float().mean()) < 0.6
    before = style.stylize(garment, fabric, net, steps=0, mask=mask, progress=False)
    after = style.stylize(garment, fabric, net, steps=15, mask=mask, progress=False)
    assert after.style_loss < 0.7 * before.style_loss
    background = mask < 0.01
    assert torch.allclose(after.image[background.expand_as(garment)], garment[background.expand_as(garment)])
    assert not torch.allclose(after.image, garment, atol=0.05)  # the garment did change


def test_preserve_color_keeps_the_garments_hue(net, pictures):
    garment, fabric = (style.read_rgb(p, 64) for p in pictures)
    plain = style.stylize(garment, fabric, net, steps=10, progress=False).image
    kept = style.stylize(garment, fabric, net, steps=10, preserve_color=True, progress=False).image

    def chroma_error(x):  # distance of the red/blue balance from the garment's
        return float(((x[:, 0] - x[:, 2]) - (garment[:, 0] - garment[:, 2])).abs().mean())

    assert chroma_error(kept) < chroma_error(plain)


def test_tileable_texture_has_no_seam_and_follows_the_seed(net, tmp_path):
    swatch = style.read_rgb(_save(fabric_picture(48), tmp_path / "swatch.png"))
    a = style.synthesize_texture(swatch, net, size=96, tileable=True, seed=1, steps=8, progress=False)
    b = style.synthesize_texture(swatch, net, size=96, tileable=True, seed=1, steps=8, progress=False)
    c = style.synthesize_texture(swatch, net, size=96, tileable=True, seed=2, steps=8, progress=False)
    assert a.image.shape == (1, 3, 96, 96)
    assert torch.equal(a.image, b.image) and not torch.equal(a.image, c.image)
    assert style.seam_ratio(a.image) < 1.25
    # the measure does see a seam: a crop of a smooth gradient jumps back at every edge
    ramp = torch.linspace(0, 1, 96).view(1, 1, 1, 96).expand(1, 3, 96, 96)
    assert style.seam_ratio(ramp) > 10
    # and the colours are the fabric's: yellow and blue, not noise around grey
    assert abs(float(a.image.mean()) - float(swatch.mean())) < 0.1


def _save(image: Image.Image, path):
    image.save(path)
    return path


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
    with pytest.raises(style.StyleInputError, match="over the cap of 1,000.*max_pixels"):
        style.read_rgb(garment, max_pixels=1000)
    Image.new("L", (10, 10)).save(tmp_path / "small_mask.png")
    with pytest.raises(style.StyleInputError, match="mask .* is 10x10 but the content is 64x64"):
        style.read_mask(tmp_path / "small_mask.png", 64, 64)
    noisy = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with pytest.raises(style.StyleInputError, match="not plain enough.*mask"):
        style.auto_mask(noisy)
    with pytest.raises(style.StyleInputError, match="8x8; the style network needs at least 32"):
        style.stylize(noisy, noisy[..., :8, :8], style.load_style_net(), steps=1, progress=False)
    with pytest.raises(style.StyleInputError, match="multiple of 16"):
        style.synthesize_texture(noisy, style.load_style_net(), size=100, tileable=True, progress=False)


def test_vgg_weights_are_checked_and_loaded(tmp_path, monkeypatch):
    wrong = tmp_path / "vgg19.pth"
    torch.save({"features.0.weight": torch.zeros(64, 3, 3, 3)}, wrong)
    with pytest.raises(style.StyleNetError, match="not torchvision's VGG-19"):
        style.load_style_net("vgg19", wrong)
    # a file in torchvision's layout whose hash we declare official loads into the network
    state, full = {}, style_features.VGGFeatures(1)
    indices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28]  # torchvision's conv positions
    convs = [layer for layer in full.layers if isinstance(layer, torch.nn.Conv2d)]
    for conv, i in zip(convs, indices):
        state[f"features.{i}.weight"] = torch.full_like(conv.weight, 0.01 * i)
        state[f"features.{i}.bias"] = torch.zeros_like(conv.bias)
    good = tmp_path / "vgg19-good.pth"
    torch.save(state, good)
    monkeypatch.setattr(style_features, "VGG19_SHA256_PREFIX", hashlib.sha256(good.read_bytes()).hexdigest()[:8])
    net = style.load_style_net("vgg19", good)
    conv4_1 = next(l for n, l in zip(net.names, net.layers) if n == "conv4_1")
    assert float(conv4_1.weight[0, 0, 0, 0]) == pytest.approx(0.01 * 19)


def test_vgg_download_is_verified_and_cached(tmp_path, monkeypatch):
    payload = b"these bytes are not VGG"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(style_features, "VGG19_URL", f"http://127.0.0.1:{server.server_port}/vgg19-dcbb9e9d.pth")
    with pytest.raises(style.StyleNetError, match="expected dcbb9e9d.*nothing was cached"):
        style.load_style_net("vgg19")
    assert not list(tmp_path.rglob("*.pth"))
    server.shutdown()
    monkeypatch.setattr(style_features, "VGG19_URL", "http://127.0.0.1:9/vgg19-dcbb9e9d.pth")  # nothing listens
    with pytest.raises(style.StyleNetError, match="cannot download .*random features"):
        style.load_style_net("vgg19")


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
    result = style.stylize_fast(garment, fabric, stylizer, mask=style.auto_mask(garment))
    assert result.image.shape == garment.shape
    (tmp_path / "decoder.safetensors").write_bytes(b"tampered")
    with pytest.raises(style.StyleInputError, match="checksum"):
        style.load_fast_stylizer(tmp_path / "decoder.safetensors")


def test_shipped_fast_stylizer_loads():
    stylizer = style.load_fast_stylizer()
    out = stylizer(torch.rand(1, 3, 40, 40), torch.rand(1, 3, 32, 32))
    assert out.shape == (1, 3, 40, 40)


def test_cli_stylize_and_texture_write_results_and_panels(tmp_path, pictures):
    garment, fabric = pictures
    runner = CliRunner()
    out = tmp_path / "result.png"
    result = runner.invoke(cli, ["stylize", str(garment), str(fabric), "--out", str(out), "--size", "48",
                                 "--steps", "3", "--auto-mask", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (48, 48) and (tmp_path / "result-panel.png").is_file()
    fabric_out = tmp_path / "new-fabric.png"
    result = runner.invoke(cli, ["texture", str(fabric), "--out", str(fabric_out), "--size", "64", "--tileable",
                                 "--steps", "3", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert Image.open(fabric_out).size == (64, 64) and "seam ratio" in result.output


def test_cli_bad_input_is_one_line_and_nothing_is_overwritten(tmp_path, pictures, monkeypatch, capsys):
    garment, fabric = pictures
    out = tmp_path / "keep.png"
    out.write_bytes(b"precious")
    for argv in (["stylize", str(garment), str(fabric), "--out", str(out)],
                 ["stylize", str(tmp_path / "missing.png"), str(fabric), "--out", str(tmp_path / "new.png")],
                 ["texture", str(fabric), "--out", str(tmp_path / "t.png"), "--size", "50", "--tileable"]):
        monkeypatch.setattr("sys.argv", ["couturier", *argv])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 2
        error = capsys.readouterr().err.strip()
        assert error.startswith("error: ") and "\n" not in error
    assert out.read_bytes() == b"precious"
