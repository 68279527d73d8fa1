"""Golden runs: a few hundred training steps whose final weights must never change by accident.

The digests in golden_weights.json were written by the code before the objective/config redesign
(commit d9019dc) and the redesign reproduced them bit for bit. A change that alters training
numerics on purpose regenerates them, and says so in its commit (text2image's was rewritten
when its conditioning augmentation began scaling unit-length text embeddings, issue 15):

    python tests/golden_runs.py --write

Digests are kept per kind of CPU (`cpu_signature`); `--write --all-cpus` adds this CPU's digests
beside the others' (for a new kind of host, the code unchanged: the AMX host's were written so, by
code whose AVX512 digests were the recorded ones, 248b428), plain `--write` keeps only its own.
Where bfloat16 is native the signature says BF16: the default train.amp trains in it there (the
AVX512 digests, of float32 training, were kept when bfloat16 autocast came to such CPUs: this host
reproduced its own float32 digests with amp off for every run but projected-text2image, whose
generator's first layer became one matrix product). An AVX512-BF16 host without AMX (AMD EPYC)
had no digests, so its five golden runs were skipped there; its own were added with `--write
--all-cpus` by the code of 570a1ce and reproduced by the test in a second process. When the
upsampling G's last doubling came to be computed at the map's own size (layers/upsample.py) and
the frozen strided depthwise convolutions forward in bfloat16 (backbones/efficientnet_lite.py), only
projected-text2image moved: rewritten here, dropped for the CPUs this host is not. An AVX2 host
(no AVX512) skipped all five, as the EPYC had; its own were added with `--write --all-cpus` by the
code of b22d58a and reproduced by the test in a second process.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import torch

GOLDEN_FILE = Path(__file__).with_name("golden_weights.json")
STEPS = 300

# name -> (config layer, which dataset fixture): the three model families the trainer serves,
# with the loss paths (gradient penalty, R1, two D steps), schedules (growing) and the text
# objective's terms besides.
GOLDEN_RUNS = {
    "dcgan": ({"model": {"name": "dcgan", "width": 8, "z_dim": 16}}, "fmnist"),
    "sngan-conditional": ({"model": {"name": "sngan", "conditional": True, "width": 8, "z_dim": 16}}, "fmnist"),
    "dcgan-wgan-gp-r1": ({"model": {"name": "dcgan", "conditional": True, "width": 8, "z_dim": 16},
                         "loss": {"name": "wgan-gp", "r1_gamma": 1.0}, "train": {"d_steps": 2}}, "fmnist"),
    "text2image-growing": ({"model": {"name": "text2image", "width": 8, "z_dim": 16,
                                      "options": {"grow_steps": 100, "attribute_weight": 0.0, "variety_weight": 0.0,
                                                  "reconstruction_weight": 0.0, "generator": "transposed"}},
                            "data": {"resolution": 32}, "train": {"diffaugment": "auto"}}, "catalogue"),
    # the task's default model with every objective term on (attributes, reconstruction, mode seeking,
    # contrastive); fewer steps, its frozen backbone costs more per step
    "projected-text2image": ({"model": {"name": "projected-text2image", "width": 8, "z_dim": 16,
                                        "options": {"text_encoder": "tfidf", "contrastive_weight": 0.5}},
                              "data": {"resolution": 32}, "train": {"steps": 60}}, "catalogue"),
}


def run_config(name: str, catalogue_dir: Path | None = None) -> dict:
    layer, data = GOLDEN_RUNS[name]
    train = {"steps": STEPS, "batch_size": 16, "log_every": 50, "sample_every": 1000, "checkpoint_every": 1000,
             "grid_columns": 4, "seed": 3, "threads": 1}
    layer = {**layer, "train": {**train, **layer.get("train", {})}}
    if data == "catalogue":
        layer["data"] = {**layer.get("data", {}), "dataset": str(catalogue_dir)}
    return layer


def weights_digest(tensors: dict[str, torch.Tensor]) -> str:
    """SHA-256 over the networks' tensors (G, D and G_ema), keys sorted; optimizer and RNG left out."""
    digest = hashlib.sha256()
    for key in sorted(k for k in tensors if k.split(".", 1)[0] in ("G", "D", "G_ema")):
        digest.update(key.encode())
        digest.update(tensors[key].contiguous().numpy().tobytes())
    return digest.hexdigest()


def cpu_signature() -> str:
    """Kernels differ by instruction set, so digests are comparable only on the same one. oneDNN
    also picks other float32 convolution kernels where the CPU has AMX tiles (the same AVX512
    capability to torch): two hosts of one family gave different digests for the same code."""
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        flags = []
    from couturier.train.run import native_bfloat16_cpu

    signature = f"torch {torch.__version__} {torch.backends.cpu.get_cpu_capability()}" + (" AMX" if "amx_tile" in flags else "")
    # where bfloat16 is native, train.amp (on by default) trains the convolutional models in it
    return signature + (" BF16" if native_bfloat16_cpu() else "")


def golden_digests() -> dict[str, str] | None:
    """The digests recorded on this kind of CPU, or None where none were."""
    return json.loads(GOLDEN_FILE.read_text())["digests"].get(cpu_signature())


def train_and_digest(name: str, out: Path, dataset, catalogue_dir: Path | None) -> str:
    try:
        from couturier.presets import build_config
    except ImportError:  # the code before the redesign, which wrote the digests
        from couturier.config import build_config
    from couturier.train import Trainer, load_checkpoint

    threads = torch.get_num_threads()
    try:
        cfg = build_config(run_config(name, catalogue_dir))
        Trainer(cfg, out, dataset=dataset if GOLDEN_RUNS[name][1] == "fmnist" else None,
                log=lambda _: None).fit(progress=False)
    finally:
        torch.set_num_threads(threads)
    return weights_digest(load_checkpoint(out).tensors)


def main() -> None:  # pragma: no cover - the writer, run by hand
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    import conftest

    if "--write" not in sys.argv:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dataset = conftest.fmnist_slice.__wrapped__()
        catalogue_dir = conftest.catalogue.__wrapped__(_Factory(tmp))
        digests = {name: train_and_digest(name, tmp / name, dataset, catalogue_dir) for name in GOLDEN_RUNS}
    # plain --write is a change on purpose, which leaves the other CPUs' digests stale: they go
    keep = "--all-cpus" in sys.argv and GOLDEN_FILE.is_file()
    recorded = {**(json.loads(GOLDEN_FILE.read_text())["digests"] if keep else {}), cpu_signature(): digests}
    GOLDEN_FILE.write_text(json.dumps({"steps": STEPS, "digests": recorded}, indent=2) + "\n")
    print(json.dumps(digests, indent=2))


class _Factory:  # stands in for pytest's tmp_path_factory outside pytest
    def __init__(self, root: Path):
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path


if __name__ == "__main__":
    main()
