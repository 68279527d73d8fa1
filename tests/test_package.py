"""The package as a whole: cheap to import, leaves global state alone, speaks its own terms."""
import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "couturier"


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_import_is_lazy_and_leaves_matplotlib_alone():
    out = _run("import sys, couturier; print(sorted(m for m in ('torch', 'matplotlib', 'couturier.train') "
               "if m in sys.modules)); print(couturier.build_config.__module__)")
    assert out.splitlines() == ["[]", "couturier.presets"]
    # drawing a figure does not switch the process-wide backend a user may have chosen
    backend = _run("import matplotlib; matplotlib.use('svg'); import couturier.viz as v; "
                   "v.plot_training_curves([{'step': 1, 'loss_d': 1.0}], '/dev/null'); print(matplotlib.get_backend())")
    assert backend == "svg"


def test_no_library_message_names_a_command_line_flag():
    """Messages from below the faces say config keys and argument names; the CLI adds its flags."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("cli/", "serve/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and node.exc is not None:
                text = " ".join(n.value for n in ast.walk(node.exc)
                                if isinstance(n, ast.Constant) and isinstance(n.value, str))
                if "--" in text or "`couturier" in text:
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_no_module_is_over_about_400_lines():
    long = {p.relative_to(PACKAGE).as_posix(): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 420}
    assert long == {}


def test_metrics_data_and_models_do_not_import_upwards():
    """One-way dependencies: metrics judge samples, data knows no model, models know no training loop."""
    rules = {"metrics": ("couturier.train", "couturier.sampling", "couturier.checkpoint", "couturier.cli",
                         "couturier.viz"),
             "data": ("couturier.models", "couturier.train", "couturier.metrics", "couturier.cli"),
             "models": ("couturier.train", "couturier.cli", "couturier.metrics", "couturier.distributed"),
             "config.py": ("couturier.models", "couturier.data", "couturier.train")}
    broken = []
    for where, forbidden in rules.items():
        files = [PACKAGE / where] if where.endswith(".py") else (PACKAGE / where).rglob("*.py")
        for path in files:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(forbidden):
                    broken.append(f"{path.relative_to(PACKAGE)} imports {node.module}")
    assert broken == []
