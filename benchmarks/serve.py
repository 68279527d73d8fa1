"""The REST API under load on loopback: requests/s and latency percentiles, then memory after many requests.

    python benchmarks/serve.py --runs runs/bench --model dcgan-10min [--seconds 20] [--requests 10000]
    python benchmarks/serve.py --runs runs/bench --model dcgan-rel --clients 32 --seconds 60 --out docs/reliability-load.json

Starts `couturier serve` in a subprocess (its own cores' worth of threads), then for 1, 8 and 32
concurrent clients sends `POST /generate` (n=16) for a bounded time, and the same for
`POST /stylize` in fast mode at 512x512. Finally sends --requests small generate requests and
reports the server's resident memory before and after. Writes docs/serve.json.
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
from PIL import Image

from couturier.fileio import write_text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(url: str, make_request, clients: int, seconds: float) -> dict:
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds

    async def client_loop(client: httpx.AsyncClient):
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await make_request(client)
            latencies.append(time.perf_counter() - start)
            errors += response.status_code != 200

    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {"clients": clients, "requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
            "p99_ms": float(np.percentile(ms, 99))}


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def main_async(args) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "couturier", "serve", "--runs", args.runs, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            for _ in range(300):
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        generate = {"model": args.model, "n": 16, "seed": 0}
        rng = np.random.default_rng(0)
        garment = png_bytes(Image.fromarray((rng.random((512, 512, 3)) * 255).astype(np.uint8)))
        fabric = png_bytes(Image.fromarray((rng.random((256, 256, 3)) * 255).astype(np.uint8)))

        async def gen(client):
            return await client.post("/generate", json=generate)

        async def stylize(client):
            return await client.post("/stylize", files={"content": ("g.png", garment, "image/png"),
                                                        "style": ("f.png", fabric, "image/png")},
                                     data={"size": "512", "fast": "true"})

        results = {"generate": [], "stylize_fast": []}
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:
            await gen(client)
            await stylize(client)  # load the model and the stylizer before timing
        for clients in args.clients:
            results["generate"].append(await load(url, gen, clients, args.seconds))
            print(json.dumps(results["generate"][-1]), flush=True)
        for clients in args.clients:
            results["stylize_fast"].append(await load(url, stylize, clients, args.seconds))
            print(json.dumps(results["stylize_fast"][-1]), flush=True)
        before = rss_mb(server.pid)
        small = {"model": args.model, "n": 1}
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:
            sem = asyncio.Semaphore(8)

            async def one(i):
                async with sem:
                    return (await client.post("/generate", json={**small, "seed": i})).status_code

            codes = await asyncio.gather(*(one(i) for i in range(args.requests)))
        results["memory"] = {"requests": args.requests, "errors": sum(c != 200 for c in codes),
                             "rss_before_mb": before, "rss_after_mb": rss_mb(server.pid)}
        print(json.dumps(results["memory"]), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default="runs/bench")
    parser.add_argument("--model", default="dcgan-10min")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--clients", type=lambda v: [int(c) for c in v.split(",")], default=[1, 8, 32],
                        help="comma-separated numbers of concurrent clients")
    parser.add_argument("--out", default="docs/serve.json")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    results.update(date=time.strftime("%Y-%m-%d"), cores=os.cpu_count(), model=args.model)
    write_text(Path(args.out), json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
