"""What a text-to-image training step costs, and the frozen network's share of it.

    python benchmarks/step_cost.py --configs configs/text2image/sentence-64px-w16-10min.toml,configs/text2image/projected-sentence-64px-w16-10min.toml
    python benchmarks/step_cost.py --compare-layout --configs configs/throughput/dcgan.toml,configs/throughput/sngan.toml

For each config: seconds per training step (median of 10 after 3 warm-up steps), and for the
projected D the frozen EfficientNet-Lite0 alone on a step's passes: the real batch forward (no
gradient; judged with its own and with mismatched descriptions from one pass) and the fakes
forward and backward to the pixels (one pass serves D's step and G's); with --compare-layout,
the step again with the networks in PyTorch's default layout instead of channels-last; with
--compare-unfolded, the frozen network's passes again with its BatchNorms kept; with
--compare-bf16, the step with train.amp off (float32) and on (bfloat16 autocast), two trainers
timed in turns, where the CPU has AVX512-BF16 or AMX; with --compare-compile,
the step with the networks torch.compile'd (config train.compile) and the seconds the first
steps took to compile; with --profile, torch.profiler's table of operators over 20 steps. Text
configs need the split table benchmarks/text2image.py writes.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from couturier.config import load_config_file, merge
from couturier.presets import build_config
from couturier.train import Trainer
from couturier.train.run import native_bfloat16_cpu


def _median_seconds(fn, repeats: int = 10, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def unfolded_backbone() -> torch.nn.Module:
    """The frozen network with its BatchNorms kept (load_backbone folds them into the convolutions)."""
    from couturier.backbones import EfficientNetLite0, lite0_weights_path

    net = EfficientNetLite0()
    net.load_state_dict(torch.load(lite0_weights_path(), map_location="cpu", weights_only=True))
    return net.eval().requires_grad_(False)


def profile_table(trainer, steps: int = 20, rows: int = 15) -> str:
    """torch.profiler's operators over `steps` training steps, by total CPU time: where a step goes."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for i in range(steps):
            trainer.train_step(i, False)
    return prof.key_averages().table(sort_by="cpu_time_total", row_limit=rows)


def precision_steps(layer: dict, folder: str, rounds: int = 5) -> dict:
    """Seconds a step with train.amp off (float32) and on (bfloat16 autocast where the CPU has it),
    two trainers timed in turns, so that the machine's drift falls on both alike."""
    trainers = {precision: Trainer(build_config(merge(layer, {"train": {"amp": amp}})), Path(folder) / precision,
                                   log=lambda _: None)
                for precision, amp in (("float32", False), ("bf16", True))}
    times = {precision: [] for precision in trainers}
    step = iter(range(10 ** 6))
    for _ in range(rounds):
        for precision, trainer in trainers.items():
            times[precision].append(_median_seconds(lambda: trainer.train_step(next(step), False), repeats=10))
    out = {f"step_s_{precision}": statistics.median(seconds) for precision, seconds in times.items()}
    out["bf16_speedup"] = out["step_s_float32"] / out["step_s_bf16"]
    return out


def compiled_step(layer: dict, folder: str) -> dict:
    """The same step with the networks torch.compile'd: seconds a step, and the first steps' seconds
    (they compile)."""
    trainer = Trainer(build_config(merge(layer, {"train": {"compile": True}})), Path(folder) / "compiled",
                      log=lambda _: None)
    step = iter(range(10 ** 6))
    start = time.perf_counter()
    for _ in range(3):
        trainer.train_step(next(step), False)
    first = time.perf_counter() - start
    return {"step_s_compiled": _median_seconds(lambda: trainer.train_step(next(step), False)),
            "compile_s": first}


def measure(path: str, threads: int, compare_layout: bool = False, compare_unfolded: bool = False,
            profile: bool = False, compare_bf16: bool = False, compare_compile: bool = False) -> dict:
    layer = merge(load_config_file(path), {"train": {"threads": threads, "steps": 100}})
    cfg = build_config(layer)
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(cfg, Path(folder) / "run", log=lambda _: None)
        step = iter(range(10 ** 6))
        result = {"config": Path(path).stem, "batch": cfg.train.batch_size,
                  "step_s": _median_seconds(lambda: trainer.train_step(next(step), False))}
        if profile:
            print(profile_table(trainer), flush=True)
        if compare_layout:  # the same trainer with its networks back in the default (NCHW) layout
            for net in (trainer.G, trainer.D):
                net.to(memory_format=torch.contiguous_format)
            result["step_s_contiguous"] = _median_seconds(lambda: trainer.train_step(next(step), False))
            result["channels_last_saving"] = 1.0 - result["step_s"] / result["step_s_contiguous"]
            for net in (trainer.G, trainer.D):
                net.to(memory_format=torch.channels_last)
        if hasattr(trainer.D, "backbone"):
            from couturier.backbones import normalise

            n = cfg.train.batch_size
            images = torch.rand(2 * n, 3, trainer.D.size, trainer.D.size) * 2 - 1

            def frozen_step(backbone=None):  # a step's passes (couturier.train.judging): the real batch,
                # and the fakes once, forward on D's step and backward on G's; in the step's precision, with
                # the copy of the backbone the step reads (ProjectedDiscriminator.working_backbone)
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=trainer.amp_dtype is not None):
                    backbone = backbone or trainer.D.working_backbone("cpu")
                    with torch.no_grad():
                        backbone.stages(normalise(images[:n]))
                    x = images[n:].clone().requires_grad_(True)
                    stages = backbone.stages(normalise(x))
                sum(h.float().sum() for h in stages).backward()

            result["frozen_step_s"] = _median_seconds(frozen_step)
            result["frozen_share"] = result["frozen_step_s"] / result["step_s"]
            if compare_unfolded:
                unfolded = unfolded_backbone()
                if trainer.D.backbone._conv_stem.weight.is_contiguous(memory_format=torch.channels_last):
                    unfolded.to(memory_format=torch.channels_last)  # the layout the trainer's copy has
                result["frozen_step_s_unfolded"] = _median_seconds(lambda: frozen_step(unfolded))
        if compare_bf16 and native_bfloat16_cpu():
            result.update(precision_steps(layer, folder))
        elif compare_bf16:
            print("this CPU has neither AVX512-BF16 nor AMX: train.amp runs in float32 here, nothing to compare")
        if compare_compile:
            result.update(compiled_step(layer, folder))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compare-layout", action="store_true",
                        help="also time the step with the networks in the default NCHW layout (not channels-last)")
    parser.add_argument("--compare-unfolded", action="store_true",
                        help="also time the frozen network with its BatchNorms kept, not folded into the convolutions")
    parser.add_argument("--profile", action="store_true", help="also print torch.profiler's operators over 20 steps")
    parser.add_argument("--compare-bf16", action="store_true",
                        help="also time the step with train.amp off and on, in turns (CPUs with native bfloat16)")
    parser.add_argument("--compare-compile", action="store_true", help="also time the step torch.compile'd")
    args = parser.parse_args()
    for path in args.configs.split(","):
        row = measure(path, args.threads, args.compare_layout, args.compare_unfolded, args.profile,
                      args.compare_bf16, args.compare_compile)
        print(", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
