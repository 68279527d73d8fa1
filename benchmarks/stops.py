"""How runs are really stopped, for benchmarks/reliability.py: SIGINT and SIGTERM at random moments,
during a save and twice, on one process and on two under torchrun; a second trainer started on a
run in training; a run served while it trains; disks that fill up, turn read-only or refuse
permission.

Each stopped run is resumed to the end and compared bit for bit with an uninterrupted one; each
refused write must be exit status 2 with one line naming the path and the system's reason, the
checkpoint before it loadable and no temporaries left behind.
"""
from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import torch

from couturier.checkpoint import list_checkpoints, load_checkpoint

STOPPED = re.compile(r"stopped (?:at once )?at step (\d+)")


def couturier(*args, env=None, user=None) -> subprocess.Popen:
    prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user else []
    return subprocess.Popen([*prefix, sys.executable, "-m", "couturier", *map(str, args)],
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def networks(run: Path) -> dict:
    return {k: v for k, v in load_checkpoint(run, warn=lambda _: None).tensors.items() if k.startswith(("G.", "D."))}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def finish(run: Path, train: list, *extra) -> None:
    process = couturier("train", *train, "--out", run, *(["--resume"] if (run / "config.json").is_file() else []),
                        *extra)
    _, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(err)


def _signal_once(run: Path, train: list, signum: int, delay: float, extra=()) -> dict:
    """Start or resume the run, signal it `delay` s after it says it trains; what it did."""
    process = couturier("train", *train, "--out", run, *(["--resume"] if (run / "config.json").is_file() else []),
                        *extra)
    process.stdout.readline()  # "training ...": the loop starts now
    time.sleep(delay)
    target = process.pid if not extra else _rank_one(process.pid)
    if process.poll() is None:
        os.kill(target, signum)
    out, err = process.communicate(timeout=600)
    stopped = STOPPED.search(out)
    step = int(stopped.group(1)) if stopped else None
    saved = step is not None and list_checkpoints(run / "checkpoints")[-1].name == f"step-{step:08d}"
    return {"signal": signal.Signals(signum).name, "exit": process.returncode, "stopped_at": step,
            "saved_there": saved, "one_line": out.count("stopped") <= 1 and "Traceback" not in err}


def _rank_one(launcher: int) -> int:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == launcher and b"RANK=1" in (stat.parent / "environ").read_bytes().split(b"\0"):
                return int(stat.parent.name)
        except (OSError, IndexError, ValueError):
            continue
    return launcher


def signals(root: Path, train: list, reference: dict, plans: int, seed: int, torchrun_plans: int = 2) -> dict:
    """Random moments (1-3 signals a run), then the same with two ranks under torchrun (the signal
    to rank 1), each run resumed to its end and compared with its uninterrupted twin."""
    rng, runs = random.Random(seed), []
    two = ("--nproc", "2")
    reference_two = None
    for i in range(plans + torchrun_plans):
        extra = two if i >= plans else ()
        if extra and reference_two is None:
            finish(root / "straight-2", train, *two)
            reference_two = networks(root / "straight-2")
        run, stops = root / f"signalled-{i}", []
        for _ in range(rng.randint(1, 3)):
            stops.append(_signal_once(run, train, rng.choice([signal.SIGINT, signal.SIGTERM]),
                                     rng.uniform(0.1, 3.0), extra))
        finish(run, train, *extra)
        runs.append({"processes": 2 if extra else 1, "stops": stops,
                     "bit_identical": same(networks(run), reference_two if extra else reference)})
        print(runs[-1], flush=True)
    landed = [s for r in runs for s in r["stops"] if s["stopped_at"] is not None]
    return {"signals": sum(len(r["stops"]) for r in runs), "landed_in_training": len(landed),
            "saved_at_their_step": sum(s["saved_there"] and s["exit"] == 128 + signal.Signals[s["signal"]].value
                                       and s["one_line"] for s in landed),
            "runs": len(runs), "resumed_bit_identical": sum(r["bit_identical"] for r in runs), "detail": runs}


def during_saves(root: Path, train: list, reference: dict) -> list[dict]:
    """A signal inside a checkpoint save (it finishes, then the run stops), and a second Ctrl-C there
    (the run stops at once; the checkpoint before stays)."""
    results = []
    for name, signums in (("SIGTERM in a save", [signal.SIGTERM]), ("SIGINT in a save", [signal.SIGINT]),
                          ("two Ctrl-C in a save", [signal.SIGINT, signal.SIGINT])):
        run, pause = root / name.replace(" ", "-"), root / f"{name}.paused".replace(" ", "-")
        process = couturier("train", *train, "--out", run,
                            env={"COUTURIER_PAUSE_AT": "checkpoint-written", "COUTURIER_PAUSE_FILE": str(pause)})
        _await(pause, process)
        if len(signums) > 1:  # let the first save through; strike in the second
            pause.unlink()
            _await(pause, process)
        for signum in signums:
            process.send_signal(signum)
            time.sleep(0.3)
        if len(signums) == 1:
            pause.unlink()
        out, err = process.communicate(timeout=600)
        intact = load_checkpoint(run, warn=lambda _: None).step
        leftovers = [p.name for p in (run / "checkpoints").iterdir() if p.name.startswith(".")]
        finish(run, train)
        results.append({"case": name, "exit": process.returncode, "said": (out + err).strip().splitlines()[-1],
                        "checkpoint_after": intact, "leftovers": leftovers,
                        "bit_identical": same(networks(run), reference)})
        print(results[-1], flush=True)
    return results


def _await(pause: Path, process: subprocess.Popen) -> None:
    deadline = time.time() + 300
    while not pause.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.02)


def concurrent(root: Path, train: list, tries: int) -> dict:
    """Second trainers started on a run in training (resume, a fresh start, two processes), and
    readers beside it; the first trainer must finish as if alone."""
    run = root / "busy"
    first = couturier("train", *train, "--steps", "100000", "--out", run)  # the later --steps wins
    while not list_checkpoints(run / "checkpoints") and first.poll() is None:
        time.sleep(0.05)
    variants = [["--resume"], [], ["--resume", "--nproc", "2"]]
    refused, readers = [], []
    for i in range(tries):
        process = couturier("train", *train, "--out", run, *variants[i % len(variants)])
        _, err = process.communicate(timeout=600)
        refused.append(process.returncode == 2 and err.count("\n") == 1 and f"process {first.pid}" in err)
        reader = couturier("sample", run, "--n", "16", "--out", root / f"read-{i}.png")
        reader.communicate(timeout=600)
        readers.append(reader.returncode == 0)
    first.send_signal(signal.SIGTERM)
    out, _ = first.communicate(timeout=600)
    return {"second_trainers": tries, "refused_in_one_line": sum(refused), "readers_served": sum(readers),
            "first_stopped_and_saved": first.returncode == 143 and bool(STOPPED.search(out))}


def _mount(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


def _fill(disk: Path, leave: int) -> None:
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(disk / "filler", "ab") as fh:
        try:
            fh.write(bytes(max(free - leave, 0)))
        except OSError:
            pass


def _refused(process: subprocess.Popen, path_part: str, reason: str, run: Path | None, step: int | None) -> dict:
    out, err = process.communicate(timeout=600)
    lines = err.strip().splitlines()
    intact = None
    if run is not None:
        try:
            intact = load_checkpoint(run, warn=lambda _: None).step
        except Exception:  # noqa: BLE001 - counted below as not intact
            intact = None
    temporaries = [str(p) for p in (run or Path("/nonexistent")).rglob(".*") if p.name.startswith((".tmp-", ".old-"))
                   or re.match(r"^\..+\.[a-z]+$", p.name) and p.name != ".lock"]
    return {"exit": process.returncode, "message": lines[-1] if lines else "",
            "clean": process.returncode == 2 and len(lines) == 1 and "Traceback" not in err
            and path_part in err and reason in err,
            "previous_intact": step is None or intact == step, "temporaries": temporaries}


def write_failures(root: Path, train: list, trained: Path) -> dict:
    """Full disks (at a checkpoint, at the grids, at `sample --out`), a read-only mount (resume, a
    new run, `sample --out`) and no permission (another user's folder). Needs root for the mounts."""
    disk = root / "disk"
    if not _mount(disk, "40m"):
        return {"skipped": "cannot mount a tmpfs (needs root)"}
    cases = []
    try:
        run = disk / "run"
        finish(run, [*train, "--steps", "5", "--eval-every", "0"])
        _fill(disk, 64 * 1024)  # room for the small files, not for a checkpoint
        cases.append({"case": "disk full at a checkpoint", **_refused(
            couturier("train", "--out", run, "--resume", "--steps", "10", "--no-progress"),
            "step-00000010", "No space left on device", run, 5)})
        _fill(disk, 12 * 1024)
        cases.append({"case": "disk full at the grids", **_refused(
            couturier("train", "--out", run, "--resume", "--steps", "10", "--sample-every", "6",
                      "--checkpoint-every", "1000", "--no-progress"), "samples", "No space left on device", run, 5)})
        cases.append({"case": "disk full at sample --out", **_refused(
            couturier("sample", run, "--n", "256", "--out", disk / "many.npz"), "many.npz",
            "No space left on device", run, 5)})
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for name, args, part in (("read-only: resume", ["train", "--out", run, "--resume", "--steps", "10"], ".lock"),
                                 ("read-only: new run", ["train", "--model", "mlp", "--out", disk / "new"], "new"),
                                 ("read-only: sample --out", ["sample", run, "--out", disk / "g.png"], "g.png")):
            cases.append({"case": name, **_refused(couturier(*args), part, "Read-only file system", run, 5)})
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    theirs = root / "theirs"
    theirs.mkdir()
    for folder in (root, trained.parent.parent, trained.parent):  # the other user reads the run, writes nothing
        os.chmod(folder, 0o755)
    for name, args, part in (("no permission: new run", ["train", "--model", "mlp", "--out", theirs / "run"], "run"),
                             ("no permission: sample --out", ["sample", trained, "--out", theirs / "g.png"],
                              "g.png")):
        cases.append({"case": name, **_refused(couturier(*args, user=65534, env={"HOME": "/tmp", "XDG_CACHE_HOME": "/tmp"}), part,
                                                 "Permission denied", None, None)})
    for case in cases:
        print(case, flush=True)
    return {"cases": len(cases), "clean_one_line": sum(c["clean"] for c in cases),
            "previous_intact": sum(c["previous_intact"] for c in cases),
            "temporaries_left": sum(len(c["temporaries"]) for c in cases), "detail": cases}


def served_while_training(root: Path, train: list, requests: int) -> dict:
    """`couturier serve` on a run that trains and rewrites its checkpoints (every 5 steps): readers
    take no lock and must always find a whole checkpoint."""
    import httpx

    runs = root / "served"
    runs.mkdir()
    finish(runs / "live", [*train, "--steps", "5"])
    trainer = couturier("train", *train, "--steps", "100000", "--out", runs / "live", "--resume")
    trainer.stdout.readline()  # "training ...": it trains (and rewrites its checkpoints) from now on
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = couturier("serve", "--runs", runs, "--port", port)
    codes = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            for i in range(requests):
                codes.append(client.post("/generate", json={"model": "live", "n": 4, "seed": i}).status_code)
                time.sleep(0.1)  # spread over many of the run's checkpoint rewrites
    finally:
        server.terminate()
        server.communicate(timeout=60)
        trainer.send_signal(signal.SIGINT)
        out, _ = trainer.communicate(timeout=600)
    steps = STOPPED.search(out)
    return {"requests": len(codes), "ok": sum(c == 200 for c in codes), "statuses": sorted(set(codes)),
            "trained_to_step": int(steps.group(1)) if steps else None}
