"""Data-parallel scaling: measured on this CPU, and modelled for 8 GPUs.

1. Throughput of 1 vs 2 processes on this machine, through the real command
   (`couturier train --nproc N`), the global batch fixed at each model's preset:
   one process with 1 and with all threads, and N processes with cores/N threads each.
2. What a step must communicate: DDP all-reduces every gradient (fp32) once per backward,
   SyncBatchNorm all-reduces per-channel statistics at every BatchNorm call and again in
   its backward. Counted on the real models (parameters, BatchNorm calls per step, FLOPs
   with FlopCounterMode), then set against interconnect bandwidths and a GPU's sustained
   FLOP rate to give the expected scaling to 8 GPUs.

    python benchmarks/distributed.py [--steps 300] [--models mlp,dcgan,sngan] [--out results.json]
    python benchmarks/distributed.py --model-only      # part 2 only (seconds)
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from couturier.presets import build_config
from couturier.data import ImageDataset
from couturier.train import Trainer

# Interconnects as (name, all-reduce bus bandwidth in GB/s, latency per collective in microseconds).
# Bus bandwidths are what nccl-tests typically reports for large all-reduces, not link peaks.
INTERCONNECTS = [
    ("NVLink 4 (8x H100 SXM, one node)", 360.0, 15.0),
    ("PCIe 4.0 x16 (8 GPUs, one node)", 20.0, 25.0),
    ("100 GbE (2 nodes x 4 GPUs)", 10.0, 40.0),
]
GPU_TFLOPS = 50.0  # assumed sustained bf16 rate of one H100 on these small convolutions (5% of peak)
KERNEL_US = 5.0  # assumed cost of one kernel launch: small steps are launch-bound, not FLOP-bound
BUCKET_MB = 25  # DDP's default gradient bucket size: one all-reduce per bucket


def synthetic_dataset(cfg) -> ImageDataset:
    """Random pixels of the model's shape (with descriptions for text2image): part 2 counts,
    it does not train, so the content does not matter."""
    d = cfg.data
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (512, d.channels, d.resolution, d.resolution), dtype=torch.uint8,
                           generator=generator)
    words = ["red dress for women", "blue shirt for men", "black boots for women", "green shirt for women"]
    texts = tuple(words[i % len(words)] for i in range(512))
    labels = torch.arange(512) % 10
    return ImageDataset(images, labels, tuple(f"class {i}" for i in range(10)), texts=texts)


def step_profile(name: str) -> dict:
    """Parameters, gradient bytes, BatchNorm calls, kernels and FLOPs of one training step."""
    cfg = build_config({"model": {"name": name}, "train": {"steps": 10}})
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(cfg, f"{folder}/run", dataset=synthetic_dataset(cfg), log=lambda _: None)
        trainer.train_step(0, False)
        calls = {"bn": 0}

        def count(module, _inputs):
            calls["bn"] += module.training

        norms = [m for net in (trainer.G, trainer.D) for m in net.modules()
                 if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        hooks = [m.register_forward_pre_hook(count) for m in norms]
        with FlopCounterMode(display=False) as counter:
            trainer.train_step(1, False)
        for hook in hooks:
            hook.remove()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            trainer.train_step(2, False)
        kernels = sum(e.count for e in prof.key_averages() if e.key.startswith("aten::") and e.self_cpu_time_total > 0
                      and not e.key.startswith(("aten::empty", "aten::view", "aten::as_strided", "aten::detach")))
        params_g = sum(p.numel() for p in trainer.G.parameters())
        params_d = sum(p.numel() for p in trainer.D.parameters())
    grad_bytes = 4 * (params_g + cfg.train.d_steps * params_d)
    return {"model": name, "batch_size": cfg.train.batch_size, "params_g": params_g, "params_d": params_d,
            "grad_mb_per_step": grad_bytes / 1e6, "syncbn_collectives_per_step": 2 * calls["bn"],
            "gflop_per_step": counter.get_total_flops() / 1e9, "ops_per_step": kernels}


def expected_scaling(profile: dict, gpus: int = 8) -> list[dict]:
    """Weak scaling: each GPU keeps the preset batch, so 8 GPUs train an 8x larger global batch."""
    compute_ms = max(profile["gflop_per_step"] / GPU_TFLOPS, profile["ops_per_step"] * KERNEL_US / 1e3)
    rows = []
    for name, bandwidth, latency_us in INTERCONNECTS:
        traffic_gb = 2 * (gpus - 1) / gpus * profile["grad_mb_per_step"] / 1e3  # ring all-reduce, per GPU
        buckets = 2 * max(1, math.ceil(profile["grad_mb_per_step"] / BUCKET_MB))  # D's and G's backward
        gradient_ms = traffic_gb / bandwidth * 1e3 + buckets * latency_us / 1e3
        syncbn_ms = profile["syncbn_collectives_per_step"] * latency_us / 1e3  # tiny, latency-bound, serial
        # DDP overlaps gradient buckets with the backward pass (about 2/3 of the step); SyncBatchNorm cannot overlap
        hidden = min(gradient_ms, 2 / 3 * compute_ms)
        best = compute_ms / (compute_ms + gradient_ms - hidden + syncbn_ms)
        worst = compute_ms / (compute_ms + gradient_ms + syncbn_ms)
        rows.append({"interconnect": name, "compute_ms": compute_ms, "gradient_ms": gradient_ms,
                     "syncbn_ms": syncbn_ms, "efficiency_no_overlap": worst, "efficiency_overlap": best,
                     "speedup_8_gpus": (gpus * worst, gpus * best)})
    return rows


def _allreduce_worker(rank: int, folder: str, megabytes: list[float]) -> None:
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{folder}/rendezvous", rank=rank, world_size=2)
    timings = {}
    for mb in megabytes:
        tensor = torch.ones(max(1, int(mb * 1e6 / 4)))
        for _ in range(3):
            dist.all_reduce(tensor)
        repeats = 20 if mb >= 1 else 500
        start = time.perf_counter()
        for _ in range(repeats):
            dist.all_reduce(tensor)
        timings[mb] = (time.perf_counter() - start) / repeats * 1e3
    if rank == 0:
        Path(folder, "timings.json").write_text(json.dumps(timings))
    dist.destroy_process_group()


def gloo_allreduce_ms(megabytes: list[float]) -> dict[float, float]:
    """Milliseconds of one gloo all-reduce between 2 processes of this machine, per tensor size."""
    import torch.multiprocessing as mp

    with tempfile.TemporaryDirectory() as folder:
        mp.spawn(_allreduce_worker, args=(folder, megabytes), nprocs=2)
        return {float(k): v for k, v in json.loads(Path(folder, "timings.json").read_text()).items()}


def measure(model: str, nproc: int, threads: int, steps: int) -> float:
    """Images/s of `couturier train --nproc N`, median over the logged windows after the first."""
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder) / "run"
        command = [sys.executable, "-m", "couturier", "train", "--model", model, "--steps", str(steps),
                   "--log-every", str(max(steps // 10, 1)), "--sample-every", str(10 * steps), "--checkpoint-every",
                   str(10 * steps), "--no-progress", "--out", str(run)]
        if nproc > 1:
            command += ["--nproc", str(nproc)]
        else:
            command += ["--threads", str(threads)]
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
        with (run / "metrics.csv").open() as fh:
            rates = sorted(float(row["images_per_s"]) for row in list(csv.DictReader(fh))[1:])
    return rates[len(rates) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mlp,dcgan,sngan")
    parser.add_argument("--profile-models", default="mlp,dcgan,sngan,text2image")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--model-only", action="store_true", help="skip the CPU measurements")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    results = {"machine": platform.processor() or platform.machine(), "cores": cores, "torch": torch.__version__,
               "date": time.strftime("%Y-%m-%d"), "assumed_gpu_tflops": GPU_TFLOPS, "assumed_kernel_us": KERNEL_US,
               "cpu": [], "model": []}
    if not args.model_only:
        print(f"| model | 1 process, 1 thread | 1 process, {cores} threads | 2 processes x {max(cores // 2, 1)} | "
              f"2 processes / best 1 process |\n|---|---|---|---|---|")
        for model in args.models.split(","):
            one_thread = measure(model, 1, 1, args.steps)
            one_all = measure(model, 1, cores, args.steps)
            two = measure(model, 2, max(cores // 2, 1), args.steps)
            results["cpu"].append({"model": model, "one_process_one_thread": one_thread,
                                   "one_process_all_threads": one_all, "two_processes": two})
            print(f"| {model} | {one_thread:.0f} img/s | {one_all:.0f} img/s | {two:.0f} img/s | "
                  f"{two / max(one_thread, one_all):.2f}x |", flush=True)
    print("\n| model | batch/GPU | G + D params | gradients/step | SyncBN collectives/step | GFLOP/step | ops/step |"
          "\n|---|---|---|---|---|---|---|")
    for model in args.profile_models.split(","):
        profile = step_profile(model)
        profile["scaling"] = expected_scaling(profile)
        results["model"].append(profile)
        print(f"| {model} | {profile['batch_size']} | {profile['params_g'] / 1e6:.2f}M + {profile['params_d'] / 1e6:.2f}M"
              f" | {profile['grad_mb_per_step']:.1f} MB | {profile['syncbn_collectives_per_step']} | "
              f"{profile['gflop_per_step']:.2f} | {profile['ops_per_step']} |", flush=True)
    sizes = [0.000016] + [p["grad_mb_per_step"] for p in results["model"]]
    timings = gloo_allreduce_ms(sizes)
    results["gloo_allreduce_ms"] = timings
    print("\nThis machine, 2 processes on gloo: all-reduce of 16 bytes (latency) "
          f"{timings[sizes[0]]:.3f} ms; " + "; ".join(
              f"{p['model']}'s {p['grad_mb_per_step']:.1f} MB of gradients {timings[p['grad_mb_per_step']]:.1f} ms"
              for p in results["model"]))
    print("\n| model | interconnect | compute/step | gradient all-reduce | SyncBN | efficiency | 8-GPU speed-up |"
          "\n|---|---|---|---|---|---|---|")
    for profile in results["model"]:
        for row in profile["scaling"]:
            low, high = row["speedup_8_gpus"]
            print(f"| {profile['model']} | {row['interconnect']} | {row['compute_ms']:.2f} ms | "
                  f"{row['gradient_ms']:.2f} ms | {row['syncbn_ms']:.2f} ms | "
                  f"{row['efficiency_no_overlap']:.0%}-{row['efficiency_overlap']:.0%} | {low:.1f}-{high:.1f}x |")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
