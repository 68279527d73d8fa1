"""models/projected.py: D in the features of a frozen pretrained network."""
import pytest
import torch

from couturier.data.fashion_mnist import CLASS_NAMES
from couturier.errors import ConfigError
from couturier.models import get_model
from couturier.presets import build_config


def _networks(conditional=True):
    torch.manual_seed(0)
    cfg = build_config({"model": {"name": "projected", "conditional": conditional, "width": 8, "z_dim": 16}})
    return get_model("projected")(cfg, CLASS_NAMES).build()


def test_the_backbone_is_frozen_shared_and_kept_out_of_checkpoints_and_optimisers():
    _, D = _networks()
    backbone_weights = sum(p.numel() for p in D.backbone.parameters())
    assert backbone_weights > 3_000_000 and not any(p.requires_grad for p in D.backbone.parameters())
    assert not any(key.startswith("_backbone") or "_blocks" in key for key in D.state_dict())
    trainable = {name.split(".")[0] for name, p in D.named_parameters() if p.requires_grad}
    assert trainable == {"heads"}  # the random projections (CCM, CSM) stay fixed, as in the paper
    D.train()
    assert not D.backbone.training  # its BatchNorm statistics never move
    _, again = _networks()
    assert again.backbone is D.backbone


def test_gradients_reach_the_image_through_the_frozen_network_and_the_class_matters():
    G, D = _networks()
    z, y = torch.randn(4, 16), torch.tensor([0, 3, 7, 9])
    images = G(z, y)
    logits = D(images, y)
    assert logits.shape == (4,)
    logits.sum().backward()
    assert G.to_image.conv.weight.grad.abs().sum() > 0
    with torch.no_grad():
        assert not torch.allclose(D(images, y), D(images, (y + 1) % 10))


def test_the_upsampling_generator_draws_each_class_differently_without_transposed_convolutions():
    torch.manual_seed(0)
    cfg = build_config({"model": {"name": "projected", "conditional": True, "width": 8, "z_dim": 16}})
    assert cfg.model.options.generator == "upsample"  # the default
    G, _ = get_model("projected")(cfg, CLASS_NAMES).build()
    assert not any(isinstance(m, torch.nn.ConvTranspose2d) for m in G.ups.modules())
    for norm in G.norms:  # each class's own scale, as training would make it (it starts at 1 for all)
        torch.nn.init.normal_(norm.gain.weight, 1.0, 0.5)
    z = torch.randn(2, 16).repeat(2, 1)
    images = G.eval()(z, torch.tensor([0, 0, 5, 5]))
    assert images.shape == (4, 1, 28, 28) and images.abs().max() <= 1
    assert not torch.allclose(images[:2], images[2:], atol=1e-4)  # the same noise, another class


def test_the_text_variant_refuses_progressive_growing():
    cfg = build_config({"model": {"name": "projected-text2image", "options": {"grow_steps": 4}}, "data": {"resolution": 128}})
    model = get_model("projected-text2image").__new__(get_model("projected-text2image"))
    model.cfg = cfg
    with pytest.raises(ConfigError, match="progressive growing") as caught:
        model.build()
    assert caught.value.field == "model.options.grow_steps"


def test_the_task_must_be_the_models():
    with pytest.raises(ConfigError, match="'projected' is for the task 'image', but model.task is 'text2image'") as caught:
        build_config({"model": {"name": "projected", "task": "text2image"}})
    assert caught.value.field == "model.task"
    assert build_config({"model": {"name": "projected-text2image", "task": "text2image"}}).model.name == "projected-text2image"


def test_rows_score_one_pass_over_the_images_under_several_conditions():
    _, D = _networks()
    D.eval()  # spectral norm's power iteration would move the weights between the two calls
    images, y = torch.randn(3, 1, 28, 28), torch.tensor([0, 3, 7, 9, 1, 2])
    rows = torch.tensor([0, 1, 2, 0, 1, 2])  # every image twice, under two classes
    with torch.no_grad():
        assert torch.allclose(D(images, y, rows), D(images[rows], y), atol=1e-5)


def test_the_frozen_front_is_all_of_d_that_has_no_weights_to_train():
    """D(front(x)) == D(x): the trainer takes the fakes' front once a step for D's step and G's."""
    _, D = _networks()
    D.eval()
    images, y = torch.randn(2, 1, 28, 28, requires_grad=True), torch.tensor([1, 4])
    maps = D.front(images)
    assert [m.shape[1] for m in maps] == [32, 64, 128, 256]
    assert torch.allclose(D(maps, y), D(images, y), atol=1e-5)
    D(maps, y).sum().backward()
    assert images.grad.abs().sum() > 0  # G's step backpropagates through the front to the pixels


def test_under_autocast_the_front_reads_a_copy_of_the_backbone_cast_once():
    """Autocast would cast the frozen weights again at every call; the copy gives the same maps."""
    _, D = _networks()
    images = torch.rand(2, 1, 28, 28) * 2 - 1
    with torch.autocast("cpu", dtype=torch.bfloat16):
        copy = D.working_backbone("cpu")
        assert copy is not D.backbone and copy is D.working_backbone("cpu")
        assert {p.dtype for p in copy.parameters()} == {torch.bfloat16}
        maps = D.front(images)
        D._cast_backbones[torch.bfloat16] = D.backbone  # the backbone as autocast casts it at each call
        cast_each_call = D.front(images)
    assert all(torch.equal(a, b) for a, b in zip(maps, cast_each_call))
    assert D.working_backbone("cpu") is D.backbone  # autocast off: float32
    D.to(memory_format=torch.channels_last)
    assert not D._cast_backbones  # moved or re-laid out: cast again from the moved backbone
