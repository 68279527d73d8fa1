"""`couturier serve` without its extra."""
import sys

from conftest import run_cli


def test_a_missing_extra_is_one_line_naming_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if couturier[serve] were not installed
    code, _, err = run_cli(monkeypatch, capsys, "serve", "--runs", ".")
    assert code == 2 and err.strip() == "error: couturier serve needs the 'serve' extra: pip install 'couturier[serve]'"

