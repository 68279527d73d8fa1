"""Training throughput of every model, and how close it comes to this machine's limit.

For each model (unconditional and conditional, at its preset batch size) it times
full G+D training steps on real Fashion-MNIST, counts each step's floating-point
operations with torch's FlopCounterMode, and divides the achieved GFLOP/s by the
float32 matrix-multiply rate measured in the same run (a large square GEMM, the
best case for this CPU). It also times GEMMs at the mlp's own shapes, which is
what bounds the small-batch models.

    python benchmarks/throughput.py [--device cuda] [--compile] [--seconds 20] [--out results.json]
    python benchmarks/throughput.py --profile mlp      # where one model's step time goes
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import tempfile
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from couturier.presets import build_config
from couturier.data import load_dataset
from couturier.train import Trainer

KERAS_ITERS_PER_S = 5.0  # the original Keras loop at batch 32 on this 2-core CPU (TF 2.21), from the issue


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def gemm_rate(n: int, k: int, m: int, device: str, seconds: float = 1.0) -> float:
    """GFLOP/s of float32 (n x k) @ (k x m), repeated for about `seconds`."""
    a, b = torch.randn(n, k, device=device), torch.randn(k, m, device=device)
    for _ in range(3):
        a @ b
    sync(device)
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(10):
            a @ b
        reps += 10
    sync(device)
    return 2 * n * k * m * reps / (time.perf_counter() - start) / 1e9


def bench_model(name: str, conditional: bool, dataset, args) -> dict:
    train = {"steps": 10**9, "device": args.device, "compile": args.compile, "amp": args.amp}
    if args.batch_size:
        train["batch_size"] = args.batch_size
    cfg = build_config({"model": {"name": name, "conditional": conditional}, "train": train})
    run_dir = tempfile.mkdtemp(prefix="couturier-bench-")
    try:
        trainer = Trainer(cfg, f"{run_dir}/run", dataset=dataset, log=lambda _: None)
        for step in range(args.warmup):
            trainer.train_step(step, False)
        with FlopCounterMode(display=False) as counter:
            trainer.train_step(args.warmup, False)
        flops = counter.get_total_flops()
        sync(args.device)
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            trainer.train_step(args.warmup + 1 + steps, False)
            steps += 1
        sync(args.device)
        elapsed = time.perf_counter() - start
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    batch = cfg.train.batch_size
    return {"model": name, "conditional": conditional, "batch_size": batch, "steps_per_s": steps / elapsed,
            "images_per_s": steps * batch / elapsed, "gflop_per_step": flops / 1e9,
            "gflop_per_s": flops * steps / elapsed / 1e9}


def profile(name: str, args) -> None:
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    cfg = build_config({"model": {"name": name}, "train": {"device": args.device}})
    run_dir = tempfile.mkdtemp(prefix="couturier-bench-")
    try:
        trainer = Trainer(cfg, f"{run_dir}/run", log=lambda _: None)
        for step in range(args.warmup):
            trainer.train_step(step, False)
        with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
            for step in range(20):
                trainer.train_step(args.warmup + step, False)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--no-amp", dest="amp", action="store_false")
    parser.add_argument("--seconds", type=float, default=20.0, help="timed seconds per model")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--models", default="mlp,dcgan,sngan")
    parser.add_argument("--batch-size", type=int, help="override every model's preset batch size")
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--profile", metavar="MODEL", help="print the top operators of 20 steps of MODEL")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args)
        return

    dataset = load_dataset(build_config({}).data)
    peak = gemm_rate(2048, 2048, 2048, args.device, 3.0)
    small = {f"{n}x{k}x{m}": gemm_rate(n, k, m, args.device)
             for n, k, m in [(32, 512, 1024), (32, 1024, 784), (1024, 32, 784)]}
    rows = [bench_model(name, cond, dataset, args) for name in args.models.split(",") for cond in (False, True)]

    print(f"\nmachine: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
          f"torch {torch.__version__}, device {args.device}, compile {args.compile}, amp {args.amp}")
    print(f"float32 GEMM 2048^3: {peak:.1f} GFLOP/s; at the mlp's batch-32 shapes: "
          + ", ".join(f"{k} {v:.1f}" for k, v in small.items()))
    print("\n| model | conditional | batch | steps/s | images/s | GFLOP/step | GFLOP/s | share of GEMM peak |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {'yes' if r['conditional'] else 'no'} | {r['batch_size']} | {r['steps_per_s']:.1f} "
              f"| {r['images_per_s']:.0f} | {r['gflop_per_step']:.3f} | {r['gflop_per_s']:.1f} "
              f"| {100 * r['gflop_per_s'] / peak:.0f}% |")
    mlp = next((r for r in rows if r["model"] == "mlp" and not r["conditional"]), None)
    if mlp:
        print(f"\nmlp vs the original Keras loop ({KERAS_ITERS_PER_S:.0f} it/s): "
              f"{mlp['steps_per_s'] / KERAS_ITERS_PER_S:.1f}x")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"peak_gflops": peak, "small_gemm_gflops": small, "rows": rows,
                       "torch": torch.__version__, "threads": torch.get_num_threads(), "device": args.device,
                       "compile": args.compile, "date": time.strftime("%Y-%m-%d")}, fh, indent=2)


if __name__ == "__main__":
    main()
