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

