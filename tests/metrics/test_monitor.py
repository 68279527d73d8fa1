"""metrics/test_monitor.py"""
import csv

import pytest
from conftest import needs_data, tiny_config

from couturier.errors import ConfigError
from couturier.metrics.monitor import COVERAGE_ALARM, ENTROPY_ALARM, collapse_warning
from couturier.presets import build_config
from couturier.sampling import load_generator
from couturier.train import Trainer


def test_collapse_warning_names_the_failing_measure_and_ignores_a_rising_one():
    healthy = {"class_entropy": 0.99, "coverage": 0.8, "density": 0.9}
    assert collapse_warning(healthy, healthy) == ""
    falling = {**healthy, "class_entropy": ENTROPY_ALARM - 0.01}
    assert "class entropy" in collapse_warning(falling, healthy)
    assert collapse_warning(falling, None) == ""  # no trend yet at the first evaluation
    few_images = {**healthy, "coverage": COVERAGE_ALARM - 0.01}
    assert "coverage" in collapse_warning(few_images, few_images)  # low and staying put
    assert "entropy" not in collapse_warning(few_images, healthy)
    young = {"class_entropy": 0.7, "coverage": 0.1, "density": 0.6}
    assert collapse_warning(young, {"class_entropy": 0.6, "coverage": 0.05}) == ""  # climbing: not collapse
    # low coverage from unrealistic samples (blur, an untrained G) is poor fidelity, not collapse
    assert collapse_warning({**healthy, "coverage": 0.05, "density": 0.1}, healthy) == ""


def test_eval_settings_are_checked():
    with pytest.raises(ConfigError, match="eval_n"):
        build_config({"train": {"eval_every": 10, "eval_n": 10}})
    with pytest.raises(ConfigError, match="fashion-mnist"):
        Trainer(build_config({"data": {"dataset": "my_folder"}, "train": {"eval_every": 5}}), "unused")


@needs_data
def test_training_with_eval_every_logs_metrics_and_keeps_best(tmp_path, fmnist_slice, shared_cache):
    said = []
    cfg = tiny_config("sngan", conditional=True, steps=6, eval_every=3, eval_n=200)
    trainer = Trainer(cfg, tmp_path / "run", dataset=fmnist_slice, log=said.append)
    trainer.fit(progress=False)

    rows = [r for r in csv.DictReader((tmp_path / "run" / "metrics.csv").open()) if r["fid"]]
    assert [int(r["step"]) for r in rows] == [3, 6]
    for row in rows:
        assert float(row["fid"]) > 0 and 0 <= float(row["coverage"]) <= 1
        assert 0 <= float(row["class_consistency"]) <= 1  # conditional: the asked-for class is known
    assert (tmp_path / "run" / "metric_curves.png").stat().st_size > 1000
    best_step = min(rows, key=lambda r: float(r["fid"]))["step"]
    best = load_generator(tmp_path / "run" / "best")
    assert best.step == int(best_step) and best.conditional
    assert any("FID" in line for line in said)  # the final evaluation is reported (bar lines go to tqdm)

