"""`couturier trends`: files a merchandiser opens, next season drawn, and one-line refusals."""
from __future__ import annotations

import json

from conftest import run_cli, tiny_config

from couturier.train import Trainer


def test_forecast_by_group_writes_plots_tables_and_says_what_it_used(trending, tmp_path, monkeypatch, capsys):
    out = tmp_path / "trends"
    code, stdout, err = run_cli(monkeypatch, capsys, "trends", trending, "--attribute", "baseColour", "--by",
                                "gender", "--horizon", "2", "--out", out)
    assert code == 0, err
    assert "Men: multinomial (error" in stdout and "next: Navy Blue" in stdout
    for name in ("forecast.png", "backtest.png", "history.csv", "forecast.csv", "backtest.csv", "trends.json"):
        assert (out / name).stat().st_size > 0
    assert stdout.strip().splitlines()[-1] == f"wrote {out}/ ({', '.join(sorted(p.name for p in out.iterdir()))})"
    _check_figures_against_backtest_csv(stdout, out / "backtest.csv")
    tables = json.loads((out / "trends.json").read_text())
    assert {row["group"] for row in tables["summary"]} == {"Men", "Women"}
    assert {row["period"] for row in tables["forecast"]} == {"2021 Spring", "2021 Summer"}


def _check_figures_against_backtest_csv(stdout, backtest_csv):
    """Every 'method (error)' a verdict names is that method's error in backtest.csv, and the method
    it forecasts with is the row marked chosen."""
    import csv
    import re

    rows = list(csv.DictReader(backtest_csv.open()))
    for line in stdout.splitlines():
        group, _, verdict = line.partition(": ")
        if "backtest periods" not in verdict:
            continue
        errors = {r["method"]: float(r["mean_abs_share_error"]) for r in rows if r["group"] == group}
        named = re.findall(r"(\w+) \((?:error )?(\d\.\d{4})\)", verdict)
        assert {m for m, _ in named} == set(errors), verdict
        assert all(abs(float(value) - errors[method]) < 6e-5 for method, value in named), verdict
        chosen = next(r["method"] for r in rows if r["group"] == group and r["chosen"] == "True")
        assert re.search(rf"forecasting with {chosen} \(", verdict), verdict


def test_generate_draws_one_row_per_top_look(trending, catalogue, tmp_path, monkeypatch, capsys):
    run = tmp_path / "text-run"
    Trainer(tiny_config("text2image", steps=2, batch_size=8,
                        data={"dataset": str(catalogue), "resolution": 32, "channels": 3}), run).fit(progress=False)
    out = tmp_path / "collection"
    code, _, err = run_cli(monkeypatch, capsys, "trends", trending, "--attribute", "baseColour,articleType",
                           "--by", "gender", "--generate", run, "--looks", "2", "--per-look", "3", "--out", out)
    assert code == 0, err
    looks = json.loads((out / "trends.json").read_text())["collection"]
    assert len(looks) == 4 and looks[0]["description"].startswith("Navy Blue ") and " for " in looks[0]["description"]
    assert (out / "collection.png").stat().st_size > 0


def test_bad_requests_are_one_line_and_leave_the_output_alone(trending, tmp_path, monkeypatch, capsys, fmnist_slice):
    out = tmp_path / "kept"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    code, _, err = run_cli(monkeypatch, capsys, "trends", trending, "--out", out)
    assert code == 2 and "already exists" in err and (out / "mine.txt").read_text() == "keep me"
    code, _, err = run_cli(monkeypatch, capsys, "trends", trending, "--attribute", "colour", "--out", tmp_path / "a")
    assert code == 2 and "columns found: id, gender, articleType, baseColour, season, year, usage" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "a").exists()
    image_run = tmp_path / "image-run"
    Trainer(tiny_config("dcgan", steps=1), image_run, dataset=fmnist_slice).fit(progress=False)
    code, _, err = run_cli(monkeypatch, capsys, "trends", trending, "--generate", image_run, "--out", tmp_path / "b")
    assert code == 2 and "not a text-to-image run" in err
    code, _, err = run_cli(monkeypatch, capsys, "trends", trending, "--method", "prophet", "--out", tmp_path / "c")
    assert code == 2 and "unknown forecast method 'prophet'" in err
