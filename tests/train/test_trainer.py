"""train/trainer.py: the loop, its outputs, resume, divergence."""
import csv

import numpy as np
import pytest
import torch
from conftest import tiny_config
from PIL import Image

from couturier.checkpoint import list_checkpoints
from couturier.data.images import LABEL_WIDTH
from couturier.train import Trainer, TrainingDiverged, load_checkpoint


def _final_tensors(run_dir):
    return load_checkpoint(run_dir).tensors


@pytest.mark.parametrize("model", ["dcgan", "sngan"])
def test_stopped_and_resumed_run_ends_with_identical_weights(tmp_path, fmnist_slice, model):
    straight = Trainer(tiny_config(model, conditional=True), tmp_path / "straight", dataset=fmnist_slice)
    straight.fit(progress=False)

    first = Trainer(tiny_config(model, conditional=True, steps=3), tmp_path / "split", dataset=fmnist_slice)
    first.fit(progress=False)
    resumed = Trainer(tiny_config(model, conditional=True, steps=6), tmp_path / "split", resume=True,
                      dataset=fmnist_slice)
    assert resumed.step == 3 and resumed.run_id == first.run_id != straight.run_id  # one run, one id
    resumed.fit(progress=False)

    a, b = _final_tensors(tmp_path / "straight"), _final_tensors(tmp_path / "split")
    assert a.keys() == b.keys()
    assert any(k.startswith("G_ema.") for k in a) == (model == "sngan")
    for key in a:
        if key.startswith("rng."):
            continue
        assert torch.equal(a[key], b[key]), key
    rows = list(csv.DictReader((tmp_path / "split" / "metrics.csv").open()))
    # the stopped run's last row (step 3) stays; the resumed log continues without duplicates
    assert [int(r["step"]) for r in rows] == [2, 3, 4, 6]


def test_run_folder_outputs(tmp_path, fmnist_slice):
    trainer = Trainer(tiny_config("mlp", conditional=True, keep_checkpoints=1, checkpoint_every=1),
                      tmp_path / "run", dataset=fmnist_slice)
    trainer.fit(progress=False)
    run = tmp_path / "run"
    assert [p.name for p in list_checkpoints(run / "checkpoints")] == ["step-00000005", "step-00000006"]
    assert not any(p.name.startswith(".tmp") for p in (run / "checkpoints").iterdir())
    rows = list(csv.DictReader((run / "metrics.csv").open()))
    assert set(rows[0]) >= {"step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
                            "images_per_s"}
    assert all(float(r["images_per_s"]) > 0 for r in rows)
    assert (run / "loss_curves.png").is_file() and (run / "samples" / "step-00000003.png").is_file()
    grid = Image.open(run / "samples.png")
    # one row per class (10) of grid_columns (4) images, 28 px + 2 px padding, scaled 2x; its class beside it
    assert grid.size == (LABEL_WIDTH + 2 * (4 * 30 + 2), 2 * (10 * 30 + 2))
    meta = load_checkpoint(run).meta
    assert meta["model"] == "mlp" and meta["config"]["train"]["batch_size"] == 16
    assert meta["class_names"][9] == "ankle boot"


def test_progress_grids_use_their_own_noise_and_never_move_the_training_stream(tmp_path, fmnist_slice):
    """The grid's noise is the same in every run of a seed, and drawing a bigger grid changes no weight."""
    small = Trainer(tiny_config("dcgan", grid_columns=2), tmp_path / "small", dataset=fmnist_slice)
    assert small.fixed_z.shape == (20, 16)
    z = small.fixed_z.clone()
    small.fit(progress=False)
    wide = Trainer(tiny_config("dcgan", grid_columns=8), tmp_path / "wide", dataset=fmnist_slice)
    assert wide.fixed_z.shape == (80, 16) and torch.equal(wide.fixed_z[:20], z)  # one seeded stream
    wide.fit(progress=False)
    again = Trainer(tiny_config("dcgan", grid_columns=2), tmp_path / "again", dataset=fmnist_slice)
    other_seed = Trainer(tiny_config("dcgan", grid_columns=2, seed=1), tmp_path / "seed1", dataset=fmnist_slice)
    assert torch.equal(again.fixed_z, z) and not torch.equal(other_seed.fixed_z, z)
    a, b = _final_tensors(tmp_path / "small"), _final_tensors(tmp_path / "wide")
    assert all(torch.equal(a[k], b[k]) for k in a if k.startswith(("G.", "D.")))


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, fmnist_slice):
    trainer = Trainer(tiny_config("dcgan"), tmp_path / "run", dataset=fmnist_slice)
    real_g_loss = trainer.loss.g_loss
    calls = {"n": 0}

    def exploding(fake):
        calls["n"] += 1
        value = real_g_loss(fake)
        return value * float("nan") if calls["n"] >= 5 else value

    trainer.loss.g_loss = exploding
    with pytest.raises(TrainingDiverged, match="NaN/inf at step 5"):
        trainer.fit(progress=False)
    kept = list_checkpoints(tmp_path / "run" / "checkpoints")
    assert [p.name for p in kept] == ["step-00000003"]
    assert all(torch.isfinite(t.float()).all() for t in load_checkpoint(kept[0]).tensors.values())


@pytest.mark.parametrize("loss", ["wgan-gp", "hinge"])
def test_other_losses_and_r1_train(tmp_path, fmnist_slice, loss):
    cfg = tiny_config("dcgan", loss=loss, steps=2, r1=1.0)
    row = Trainer(cfg, tmp_path / "run", dataset=fmnist_slice).fit(progress=False)
    assert row["step"] == 2 and all(v == v for v in row.values())  # no NaN


def test_auto_diffaugment_turns_on_for_small_datasets(tmp_path, fmnist_slice):
    trainer = Trainer(tiny_config("sngan", steps=1), tmp_path / "run", dataset=fmnist_slice)
    assert trainer.cfg.train.diffaugment == "auto"
    assert trainer.policy == ("color", "translation", "cutout")  # 512 images: small
    trainer.fit(progress=False)


def test_training_on_a_folder_of_rgb_garments(tmp_path):
    from conftest import tiny_config

    from couturier.sampling import load_generator, sample
    from couturier.train import Trainer

    rng = np.random.default_rng(0)
    for label in ("shirts", "shoes"):
        (tmp_path / "shop" / label).mkdir(parents=True)
        for i in range(20):
            pixels = rng.integers(0, 255, (50, 40, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "shop" / label / f"{i}.jpg")
    cfg = tiny_config("sngan", conditional=True, steps=2,
                      data={"dataset": str(tmp_path / "shop"), "resolution": 32, "channels": 3})
    Trainer(cfg, tmp_path / "run").fit(progress=False)
    generator = load_generator(tmp_path / "run")
    images, labels = sample(generator, n=4, class_name="shoes")
    assert generator.class_names == ("shirts", "shoes")
    assert images.shape == (4, 3, 32, 32) and labels.tolist() == [1] * 4



def test_training_leaves_the_global_rng_alone(tmp_path, fmnist_slice):
    trainer = Trainer(tiny_config("sngan", steps=3), tmp_path / "run", dataset=fmnist_slice)  # DiffAugment on
    before = torch.get_rng_state()
    trainer.fit(progress=False)
    assert torch.equal(torch.get_rng_state(), before)


def test_the_first_row_after_a_resume_covers_the_whole_window(tmp_path, fmnist_slice):
    """A run killed after a mid-window checkpoint: its resumed row averages the same steps as an
    uninterrupted run's (the window travels in the checkpoint)."""
    import shutil

    straight = Trainer(tiny_config(steps=4, log_every=4, checkpoint_every=2), tmp_path / "straight",
                       dataset=fmnist_slice)
    straight.fit(progress=False)
    Trainer(tiny_config(steps=3, log_every=4, checkpoint_every=2), tmp_path / "killed",
            dataset=fmnist_slice).fit(progress=False)
    shutil.rmtree(tmp_path / "killed" / "checkpoints" / "step-00000003")  # as if killed after step 2's save
    assert load_checkpoint(tmp_path / "killed").meta["log_window"]["steps"] == 2
    resumed = Trainer(tiny_config(steps=4, log_every=4, checkpoint_every=2), tmp_path / "killed", resume=True,
                      dataset=fmnist_slice)
    resumed.fit(progress=False)
    a, b = straight.metrics.rows[-1], resumed.metrics.rows[-1]
    assert a["step"] == b["step"] == 4
    assert all(a[k] == b[k] for k in ("loss_d", "loss_g", "d_real", "d_fake"))


def test_a_real_batch_judged_under_two_descriptions_passes_through_d_once(tmp_path, catalogue, monkeypatch):
    """GAN-INT-CLS judges each real batch with its own and with mismatched descriptions: D's image
    pass sees it once (real + fake = 2 batches in D's step, the fakes again in G's step)."""
    from couturier.presets import build_config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cfg = build_config({"model": {"name": "text2image", "width": 8, "z_dim": 16},
                        "data": {"dataset": str(catalogue), "resolution": 32},
                        "train": {"steps": 1, "batch_size": 8, "checkpoint_every": 1, "sample_every": 1}})
    trainer = Trainer(cfg, tmp_path / "run", log=lambda _: None)
    seen = []
    trainer.D.image.features.register_forward_hook(lambda _m, args, _out: seen.append(args[0].shape[0]))
    stats = trainer.train_step(0, want_stats=True)
    assert seen == [16, 8] and torch.isfinite(stats.loss_d)


def test_the_projected_d_sees_each_batch_once_a_step_through_its_frozen_network(tmp_path, catalogue, monkeypatch):
    """Real batch once (its own and mismatched descriptions), fakes once (D's step and G's step)."""
    from couturier.presets import build_config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cfg = build_config({"model": {"name": "projected-text2image", "options": {"text_encoder": "tfidf"}, "width": 8, "z_dim": 16},
                        "data": {"dataset": str(catalogue), "resolution": 32},
                        "train": {"steps": 1, "batch_size": 8, "checkpoint_every": 1, "sample_every": 1}})
    trainer = Trainer(cfg, tmp_path / "run", log=lambda _: None)
    seen = []
    hook = trainer.D.backbone._conv_stem.register_forward_hook(lambda _m, args, _out: seen.append(args[0].shape[0]))
    try:
        before = [p.detach().clone() for p in trainer.G.parameters()]
        stats = trainer.train_step(0, want_stats=True)
    finally:
        hook.remove()
    assert seen == [8, 8] and torch.isfinite(stats.loss_g)  # fakes, then reals; none in G's step
    assert any(not torch.equal(b, p) for b, p in zip(before, trainer.G.parameters()))  # G learned through it


def test_a_text_to_image_run_logs_both_varieties_and_plots_the_alarm_it_watches(tmp_path, catalogue, monkeypatch):
    """--eval-every on a text-to-image run: metrics.csv carries the typical-pair variety the
    collapse alarm watches beside the distance to the centre, and metric_curves.png is drawn."""
    import csv

    from couturier.presets import build_config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cfg = build_config({"model": {"name": "text2image", "options": {"text_encoder": "tfidf"}, "width": 8, "z_dim": 16},
                        "data": {"dataset": str(catalogue), "resolution": 32},
                        "train": {"steps": 2, "batch_size": 8, "eval_every": 1, "checkpoint_every": 2,
                                  "sample_every": 2}})
    Trainer(cfg, tmp_path / "run", log=lambda _: None).fit(progress=False)
    with (tmp_path / "run" / "metrics.csv").open() as fh:
        evaluated = [row for row in csv.DictReader(fh) if row["variety_typical_ratio"]]
    assert [int(row["step"]) for row in evaluated] == [1, 2]
    assert all(float(row["variety_typical"]) > 0 for row in evaluated)  # a young G's seeds differ
    # the fixture's photos of one description are identical: no real scale, so no ratio and no alarm
    assert all(float(row["variety_typical_real"]) == 0 and row["variety_typical_ratio"] == "nan"
               and float(row["collapse"]) == 0 for row in evaluated)
    assert (tmp_path / "run" / "metric_curves.png").stat().st_size > 0


@pytest.mark.parametrize("model, native, steps_in", [("dcgan", True, torch.bfloat16), ("dcgan", False, torch.float32),
                                                     ("mlp", True, torch.float32)])
def test_amp_trains_convolutional_models_in_bfloat16_on_cpus_that_have_it(tmp_path, fmnist_slice, monkeypatch,
                                                                           model, native, steps_in):
    monkeypatch.setattr("couturier.train.trainer.native_bfloat16_cpu", lambda: native)
    trainer = Trainer(tiny_config(model, steps=2), tmp_path / "run", dataset=fmnist_slice)
    drawn = []
    trainer.G.register_forward_hook(lambda _, __, out: drawn.append(out.dtype))
    stats = [trainer.train_step(step, want_stats=True) for step in range(2)]
    assert set(drawn) == {steps_in}
    assert all(torch.isfinite(torch.stack([s.loss_d, s.loss_g, s.grad_norm_d, s.grad_norm_g])).all() for s in stats)
    assert all(p.dtype == torch.float32 for p in trainer.G.parameters())  # the weights stay float32
