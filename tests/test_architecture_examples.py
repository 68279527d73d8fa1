"""docs/architecture.md, "Adding things": each example, run as the file it says to add, works."""
from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
import torch

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def examples() -> dict[str, str]:
    """file the example says to add -> its code."""
    section = DOC.read_text().split("## Adding things", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"`(couturier/[\w/]+\.py)`[^`]*?(?:`[^`]*`[^`]*?)*?```python\n(.*?)```", section, re.S)
    return {path: code for path, code in found}


@pytest.fixture
def run_example(monkeypatch):
    """Execute an example as the module it would be (registering what it defines), and forget it after."""
    from couturier import config
    from couturier.losses import LOSSES
    from couturier.metrics.registry import METRICS
    from couturier.models.registry import MODELS
    from couturier.text2image.encoders import ENCODERS

    for registry in (MODELS, LOSSES, METRICS, ENCODERS):
        registry.names()  # the real ones first, so the example's are the only new names
        monkeypatch.setattr(registry, "_items", dict(registry._items))
    options_before = dict(config.MODEL_OPTIONS)

    def run(path: str) -> dict:
        name = path[:-3].replace("/", ".")
        module = types.ModuleType(name)
        monkeypatch.setitem(sys.modules, name, module)
        exec(compile(examples()[path], path, "exec"), module.__dict__)
        return module.__dict__

    yield run
    config.MODEL_OPTIONS.clear()
    config.MODEL_OPTIONS.update(options_before)


def test_the_doc_shows_a_model_a_term_a_loss_a_metric_and_a_text_encoder():
    assert sorted(examples()) == ["couturier/losses/least_squares.py", "couturier/metrics/brightness.py",
                                  "couturier/models/tinygan.py", "couturier/text2image/encoders/chars.py",
                                  "couturier/text2image/terms/brightness.py"]


def test_a_new_model_with_options_trains(run_example, fmnist_slice, tmp_path):
    from conftest import tiny_config

    from couturier.cli.flags import config_flag_table
    from couturier.train import Trainer

    run_example("couturier/models/tinygan.py")
    cfg = tiny_config("tinygan", steps=2)
    assert cfg.model.options.d_width == 4 and config_flag_table()["model.options.d_width"] == "--d-width"
    wider = cfg.replace("model", options={"d_width": 8})
    trainer = Trainer(wider, tmp_path / "run", dataset=fmnist_slice, log=lambda _: None)
    trainer.fit(progress=False)
    narrow = Trainer(cfg, tmp_path / "narrow", dataset=fmnist_slice, log=lambda _: None)
    assert trainer.step == 2 and sum(p.numel() for p in trainer.D.parameters()) > sum(p.numel() for p in narrow.D.parameters())


def test_a_new_objective_term_adds_to_gs_loss(run_example):
    term = run_example("couturier/text2image/terms/brightness.py")["Brightness"](2.0)
    assert torch.isclose(term.generator(torch.full((2, 3, 4, 4), 0.25), None, None), torch.tensor(1.5))
    assert term.auxiliary(None, None, "real") is None


def test_a_new_loss_is_found_by_name(run_example):
    from couturier.losses import get_loss

    run_example("couturier/losses/least_squares.py")
    loss = get_loss("lsgan")
    assert loss.d_loss(torch.ones(3), torch.zeros(3)).item() == 0.0 and loss.g_loss(torch.ones(3)).item() == 0.0


def test_a_new_metric_joins_the_judgement(run_example):
    import numpy as np

    from couturier.metrics.registry import Judgement, judge

    run_example("couturier/metrics/brightness.py")
    images = np.full((4, 1, 8, 8), 51, dtype=np.uint8)
    assert judge(Judgement(images, np.zeros((4, 2)), None), ["brightness"]) == {"brightness": pytest.approx(0.2)}


def test_a_new_text_encoder_is_chosen_by_name(run_example):
    from couturier.text2image.encoders import build_text_encoder, load_text_encoder

    run_example("couturier/text2image/encoders/chars.py")
    encoder = build_text_encoder("chars")
    assert encoder.encode(["a red dress"])[0, 0].item() == 1.0 and encoder.encode(["a red dress"]).shape == (1, 26)
    assert isinstance(load_text_encoder(encoder.state()), type(encoder))
