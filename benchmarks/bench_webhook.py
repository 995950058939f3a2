"""Webhook intake throughput and latency, beside a bare FastAPI endpoint served the same way.

Starts two uvicorn processes on loopback (our app with TRIAGE_WORKER=off, so intake is
measured alone, and a one-line FastAPI endpoint), drives each from this process with
httpx at a fixed concurrency, bounded by a count and a time limit, and prints
acknowledged events/s with p50/p99/max latency. Odoo's webhook timeout is 1 s: p99 must
stay well under it.

    python benchmarks/bench_webhook.py [--count 2000] [--concurrency 16] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import FastAPI, Request

REPO = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-0123456789abcdef"

bare_app = FastAPI()


@bare_app.post("/v1/webhooks/odoo", status_code=202)
async def bare_endpoint(request: Request) -> dict[str, bool]:
    await request.body()
    return {"ok": True}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(target: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(
        cmd, env={**os.environ, **env}, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code in (200, 404):
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(
        f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
    )


async def drive(
    url: str, count: int, concurrency: int, seconds: float
) -> tuple[int, list[float], float]:
    latencies: list[float] = []
    acknowledged = 0
    counter = iter(range(count))
    deadline = time.perf_counter() + seconds

    async def one_worker(client: httpx.AsyncClient) -> None:
        nonlocal acknowledged
        for i in counter:
            if time.perf_counter() > deadline:
                return
            body = {
                "_model": "helpdesk.ticket",
                "_id": 100000 + i,
                "_action": "create",
                "name": f"t{i}",
            }
            started = time.perf_counter()
            response = await client.post("/v1/webhooks/odoo", params={"token": TOKEN}, json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code == 202:
                acknowledged += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:
        # warm-up: first request pays for lazy imports and table creation
        await client.post(
            "/v1/webhooks/odoo",
            params={"token": TOKEN},
            json={"_model": "helpdesk.ticket", "_id": 1, "_action": "create"},
        )
        started = time.perf_counter()
        await asyncio.gather(*(one_worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return acknowledged, latencies, elapsed


def report(name: str, acknowledged: int, latencies: list[float], elapsed: float) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
    print(
        f"{name:<28} {acknowledged:>6} acked  {acknowledged / elapsed:>8.1f} ev/s  "
        f"p50 {p50:>7.1f} ms  p99 {p99:>7.1f} ms  max {ordered[-1] * 1000:>7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "TRIAGE_QUEUE_URL": f"sqlite:///{tmp}/queue.sqlite3",
            "TRIAGE_WEBHOOK_TOKEN": TOKEN,
            "TRIAGE_WORKER": "off",
            "TRIAGE_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }
        targets = {
            "triage webhook (sqlite)": ["--factory", "service.api:create_app"],
            "bare FastAPI endpoint": [
                "--app-dir",
                str(REPO / "benchmarks"),
                "bench_webhook:bare_app",
            ],
        }
        print(
            f"{args.count} distinct events, concurrency {args.concurrency}, "
            f"limit {args.seconds:.0f} s, {os.cpu_count()} CPUs"
        )
        for name, target in targets.items():
            proc, url = start(target, env)
            try:
                acknowledged, latencies, elapsed = asyncio.run(
                    drive(url, args.count, args.concurrency, args.seconds)
                )
                report(name, acknowledged, latencies, elapsed)
            finally:
                proc.terminate()
                proc.wait(15)


if __name__ == "__main__":
    main()
