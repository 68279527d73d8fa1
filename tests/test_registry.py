"""registry.py: names, and discovery of a package's files."""
import pytest


def test_registry_finds_a_new_file_without_an_import_list(tmp_path, monkeypatch):
    from couturier.registry import Registry

    package = tmp_path / "plugins"
    package.mkdir()
    (package / "__init__.py").write_text("from couturier.registry import Registry\nTHINGS = Registry('thing', 'plugins')\n")
    for name in ("alpha", "beta"):
        (package / f"{name}.py").write_text(f"from plugins import THINGS\nTHINGS.register('{name}')(object())\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import plugins

    assert isinstance(plugins.THINGS, Registry) and plugins.THINGS.names() == ["alpha", "beta"]
    with pytest.raises(ValueError, match="valid things: alpha, beta"):
        plugins.THINGS.get("gamma")



def test_every_registry_chosen_by_name_owns_the_packages_its_files_live_in():
    """A new model, loss, metric, text encoder or forecast method is one new file in these packages."""
    from couturier.losses import LOSSES
    from couturier.metrics.registry import METRICS
    from couturier.models.registry import MODELS
    from couturier.text2image.encoders import ENCODERS
    from couturier.trends.methods import METHODS

    assert MODELS.packages == ("couturier.models", "couturier.text2image.models")
    assert (LOSSES.packages, METRICS.packages) == (("couturier.losses",), ("couturier.metrics",))
    assert ENCODERS.packages == ("couturier.text2image.encoders",) and ENCODERS.names() == ["sentence", "tfidf"]
    assert METHODS.packages == ("couturier.trends.methods",)
    assert METHODS.names() == ["last", "multinomial", "overall", "seasonal"]
    assert {"text2image", "projected-text2image", "dcgan", "projected"} <= set(MODELS.names())
