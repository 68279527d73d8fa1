import pytest
from conftest import needs_data, tiny_config

from couturier.report import build_report, compare_runs
from couturier.train import Trainer


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, fmnist_slice):
    root = tmp_path_factory.mktemp("runs")
    Trainer(tiny_config("dcgan", conditional=True, steps=4), root / "dcgan", dataset=fmnist_slice).fit(progress=False)
    Trainer(tiny_config("mlp", steps=4), root / "mlp", dataset=fmnist_slice).fit(progress=False)
    return root / "dcgan", root / "mlp"


def test_report_is_one_self_contained_file(two_runs):
    path = build_report(two_runs[0])
    html = path.read_text()
    assert path.name == "report.html"
    assert html.count("data:image/png;base64,") >= 4  # curves, grids over time, per-class grid
    assert "ankle boot" in html and "&#34;name&#34;: &#34;dcgan&#34;" in html  # escaped JSON
    assert "src=\"http" not in html  # nothing fetched from elsewhere


def test_compare_table_and_figure(two_runs, tmp_path):
    names, table = compare_runs(list(two_runs), tmp_path / "compare.png")
    assert [row["run"] for row in table] == ["dcgan", "mlp"]
    assert {"loss_d", "loss_g", "images_per_s"} <= set(names)
    assert (tmp_path / "compare.png").stat().st_size > 1000
    with pytest.raises(FileNotFoundError, match="metrics.csv"):
        compare_runs([tmp_path])


@needs_data
def test_report_shows_evaluation_curves_and_nearest_neighbours(tmp_path, fmnist_slice, shared_cache):
    from couturier.metrics.evaluate import evaluate
    from couturier.samples import load_samples, save_evaluation

    run = tmp_path / "run"
    Trainer(tiny_config("dcgan", steps=4, eval_every=2, eval_n=200), run, dataset=fmnist_slice).fit(progress=False)
    samples = load_samples(run, n=200)
    images, requested = samples.images, samples.requested
    save_evaluation(run, images, evaluate(images, requested=requested))
    html = build_report(run).read_text()
    assert "Nearest training images" in html and "memorisation_share" in html
    assert html.count("data:image/png;base64,") >= 6  # + metric curves and the nearest-neighbour panel
    _, table = compare_runs([run])
    assert "fid" in table[0] and "coverage" in table[0]
