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


# The generic layers of couturier: they serve every model and know nothing of text to image, whose
# wing (couturier/text2image/) builds on them (docs/architecture.md).
GENERIC = ("config.py", "train", "sampling.py", "data", "models/base.py", "losses")
TEXT_NAMES = {"TextToImage", "TextOptions", "TextMonitor", "PromptGrounder", "Reading", "text_encoder", "grounder",
              "encoder", "looks", "code_spread", "attribute_weight", "variety_weight", "mode_seeking_penalty"}


def test_the_generic_layers_know_nothing_of_text_to_image():
    mentions = []
    for where in GENERIC:
        files = [PACKAGE / where] if where.endswith(".py") else sorted((PACKAGE / where).rglob("*.py"))
        for path in files:
            for node in ast.walk(ast.parse(path.read_text())):
                found = None
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                    found = next((m for m in modules if m.startswith("couturier.text2image")), None)
                elif isinstance(node, ast.Name) and node.id in TEXT_NAMES:
                    found = node.id
                elif isinstance(node, ast.Attribute) and node.attr in TEXT_NAMES:
                    found = node.attr
                elif isinstance(node, ast.Constant) and node.value == "text2image":
                    found = repr(node.value)
                if found:
                    mentions.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {found}")
    assert mentions == []


def test_importing_config_train_and_sampling_loads_nothing_of_text_to_image():
    out = _run("import sys, couturier.config, couturier.train, couturier.sampling; "
               "print(sorted(m for m in sys.modules if m.startswith('couturier.text2image')))")
    assert out == "[]"
