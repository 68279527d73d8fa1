"""Reliability: faults injected into training, runs stopped as people stop them, a corpus of bad
inputs, and the API fuzzed.

    python benchmarks/reliability.py --kills 10 --signals 10 --second-trainers 6 --fuzz-examples 100
                                                                          # ~15 minutes; docs/reliability.json
    python benchmarks/serve.py --runs runs/bench --model dcgan-rel --clients 32 --seconds 60 \\
        --out docs/reliability-load.json                                  # the load half

1. Faults: `couturier train` (mlp, 60 steps, a checkpoint every 5 and an evaluation every 10, so
   best/ is re-saved) is killed with SIGKILL at random moments and inside checkpoint saves (a pause
   hook holds the process there), then resumed; each kill counts as survived when the final
   weights equal those of an uninterrupted run bit for bit.
2. Stops (benchmarks/stops.py): SIGINT and SIGTERM at random moments (also to rank 1 of two under
   torchrun), inside a save, twice inside a save; second trainers on a run in training, with
   readers beside it; full, read-only and forbidden disks (the mounts need root).
3. Bad inputs: each CLI case must exit with status 2 and one line on stderr, no traceback (a
   traceback, or exit 0, is a failure); each API case must get a 4xx with a JSON detail.
4. The API fuzzed by schemathesis from its OpenAPI schema with the real model names: 5xx
   responses and requests over the time limit (hangs) are counted.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from couturier.checkpoint import load_checkpoint
from couturier.fileio import write_text

TRAIN = ["--model", "mlp", "--batch-size", "16", "--checkpoint-every", "5", "--log-every", "5",
         "--sample-every", "1000", "--eval-every", "10", "--eval-n", "200", "--threads", "1", "--seed", "1",
         "--steps", "60", "--no-progress"]


def couturier(*args, env=None, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "couturier", *map(str, args)], env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def networks(run: Path) -> dict:
    return {k: v for k, v in load_checkpoint(run, warn=lambda _: None).tensors.items() if k.startswith(("G.", "D."))}


def finish(run: Path) -> None:
    process = couturier("train", *TRAIN, "--out", run, *(["--resume"] if (run / "config.json").is_file() else []))
    if process.wait() != 0:
        raise RuntimeError(process.stderr.read())


def kill_at(run: Path, pause_point: str | None, delay: float | None) -> bool:
    """Start or resume the run, kill it at the pause point or after `delay` s; False if it ended first."""
    pause = run.parent / f"{run.name}.paused"
    pause.unlink(missing_ok=True)
    env = {"COUTURIER_PAUSE_AT": pause_point, "COUTURIER_PAUSE_FILE": str(pause)} if pause_point else {}
    process = couturier("train", *TRAIN, "--out", run, *(["--resume"] if (run / "config.json").is_file() else []),
                        env=env)
    deadline = time.time() + (delay if delay is not None else 120)
    while time.time() < deadline and process.poll() is None and not (pause_point and pause.exists()):
        time.sleep(0.02)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def faults(root: Path, kills: int, seed: int) -> dict:
    straight = root / "straight"
    finish(straight)
    reference = networks(straight)
    rng, results = random.Random(seed), []
    plans = [("checkpoint-written", None), ("checkpoint-aside", None)] + [(None, rng.uniform(2.5, 9.0))
                                                                         for _ in range(kills)]
    for i, (point, delay) in enumerate(plans):
        run = root / f"killed-{i}"
        landed = kill_at(run, point, delay)
        finish(run)
        same = all(torch.equal(a, b) for a, b in zip(reference.values(), networks(run).values()))
        results.append({"where": point or f"after {delay:.1f} s", "killed": landed, "bit_identical": same})
        print(json.dumps(results[-1]), flush=True)
    injected = [r for r in results if r["killed"]]
    return {"injected": len(injected), "survived": sum(r["bit_identical"] for r in injected), "runs": results}


def cli_cases(root: Path, run: Path) -> list[list]:
    from bad_files import write_corpus  # beside this script

    files = write_corpus(root / "corpus", run)
    return [
        ["train", "--steps", "0"], ["train", "--batch-size", "-1"], ["train", "--model", "gan9000"],
        ["train", "--loss", "l2"], ["train", "--set", "model.conditional=\"no\""], ["train", "--set", "train.lr_g=\"x\""],
        ["train", "--config", files["yaml_string_bool"]], ["train", "--config", files["broken_toml"]],
        ["train", "--data", "/nonexistent"], ["train", "--data-dir", files["idx_bomb_dir"], "--steps", "1"],
        ["train", "--data-dir", files["idx_truncated_dir"], "--steps", "1"],
        ["train", "--task", "text2image", "--data", files["latin1_csv"], "--steps", "1"],
        ["train", "--task", "text2image", "--data", files["no_image_column_csv"], "--steps", "1"],
        ["train", "--out", files["foreign_folder"]], ["train", "--resume", "--out", root / "nothing-here"],
        ["sample", run, "--truncation", "1e-30", "--out", root / "t.png"],
        ["sample", run, "--n", "100000000", "--out", root / "n.png"],
        ["sample", run, "--out", files["a_folder_named_png"], "--force"],
        ["sample", run, "--out", Path(files["a_file"]) / "sub.png"],
        ["sample", run, "--class", "cape", "--out", root / "c.png"],
        ["sample", files["damaged_meta_run"], "--out", root / "d.png"],
        ["sample", files["bitflip_only_checkpoint"], "--out", root / "b.png"],
        ["evaluate", files["nan_npy"]], ["evaluate", files["float_npy"]], ["evaluate", files["rgb_npy"]],
        ["evaluate", files["few_npy"]], ["evaluate", files["zeros_npy"], "--features", files["evil_pt2"]],
        ["evaluate", files["zeros_npy"], "--features", "vgg"],
        ["stylize", files["junk_png"], files["good_png"], "--out", root / "s.png"],
        ["stylize", files["thin_png"], files["good_png"], "--out", root / "s.png", "--fast"],
        ["stylize", files["huge_png"], files["good_png"], "--out", root / "s.png"],
        ["stylize", files["bomb_png"], files["good_png"], "--out", root / "s.png"],
        ["texture", files["good_png"], "--size", "100", "--tileable", "--out", root / "t.png"],
        ["generate", run, "red dress", "--out", root / "g.png"],
        ["interpolate", run, "--steps", "1", "--out", root / "walk"],
    ]


def bad_inputs(root: Path, run: Path) -> dict:
    outcomes = []
    for args in cli_cases(root, run):
        process = couturier(*args)
        _, err = process.communicate(timeout=300)
        lines = err.strip().splitlines()
        kind = ("traceback" if "Traceback" in err else "silent" if process.returncode == 0
                else "clean" if process.returncode == 2 and len(lines) == 1 else "other")
        outcomes.append({"args": " ".join(map(str, args))[:160], "exit": process.returncode, "kind": kind,
                         "message": lines[-1][:200] if lines else ""})
        print(json.dumps(outcomes[-1]), flush=True)
    return {"tried": len(outcomes), "clean": sum(o["kind"] == "clean" for o in outcomes),
            "tracebacks": sum(o["kind"] == "traceback" for o in outcomes),
            "silent": sum(o["kind"] == "silent" for o in outcomes), "cases": outcomes}


def fuzz(runs: Path, examples: int) -> dict:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from couturier.serve.app import Limits, create_app

    app = create_app(runs, limits=Limits(max_n=8, max_side=64, max_steps=3, timeout_s=30))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    names = st.sampled_from(sorted(p.name for p in runs.iterdir()) + ["nope"])
    counts = {"cases": 0, "5xx": 0, "hangs": 0, "by_status": {}}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(), name=names)
        @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def call(case, name):
            if isinstance(case.body, dict) and "model" in case.body:
                case.body["model"] = name
            started = time.monotonic()
            response = case.call()
            counts["cases"] += 1
            counts["5xx"] += response.status_code >= 500
            counts["hangs"] += time.monotonic() - started > 30
            key = str(response.status_code)
            counts["by_status"][key] = counts["by_status"].get(key, 0) + 1

        call()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--signals", type=int, default=10, help="runs stopped by signals on one process")
    parser.add_argument("--second-trainers", type=int, default=6)
    parser.add_argument("--serve-requests", type=int, default=80, help="POST /generate while the run trains")
    parser.add_argument("--fuzz-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="docs/reliability.json")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    import stops  # beside this script
    with tempfile.TemporaryDirectory(prefix="couturier-reliability-") as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")
        results = {"faults": faults(root / "faults", args.kills, args.seed)}
        reference = networks(root / "faults" / "straight")
        (root / "stops").mkdir()
        results["signals"] = stops.signals(root / "stops", TRAIN, reference, args.signals, args.seed)
        results["during_saves"] = stops.during_saves(root / "stops", TRAIN, reference)
        results["second_trainers"] = stops.concurrent(root / "stops", TRAIN, args.second_trainers)
        results["served_while_training"] = stops.served_while_training(root / "stops", TRAIN, args.serve_requests)
        results["write_failures"] = stops.write_failures(root / "stops", TRAIN, root / "faults" / "straight")
        runs = root / "runs"
        finish(runs / "mlp")
        results["bad_inputs"] = bad_inputs(root, runs / "mlp")
        results["fuzz"] = fuzz(runs, args.fuzz_examples)
    results.update(date=time.strftime("%Y-%m-%d"), torch=torch.__version__, cores=os.cpu_count())
    write_text(args.out, json.dumps(results, indent=2))
    summary = {k: {kk: vv for kk, vv in v.items() if not isinstance(vv, list)} if isinstance(v, dict) else v
               for k, v in results.items()}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
