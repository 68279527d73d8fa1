"""style/features.py: the random and the VGG-19 networks."""
from __future__ import annotations

import hashlib
import http.server
import threading

import pytest
import torch

from couturier import style
from couturier.style import features as style_features


def test_random_network_is_the_same_everywhere():
    a, b = style.load_style_net("random"), style.load_style_net("random")
    x = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    assert torch.equal(a(x, ("relu3_1",))["relu3_1"], b(x, ("relu3_1",))["relu3_1"])


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

