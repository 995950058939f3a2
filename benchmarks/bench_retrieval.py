"""Benchmark the ticket index on the demo firm: indexing, disk, query latency, duplicates.

    python benchmarks/bench_retrieval.py --scale 67 [--seed 7] [--threads 2] [--queries 200]

Tickets come from the demo generator (scale 67 is about 10,000 tickets), served by the
demo Odoo and read through the real read-only gateway, so the figures include the same
path as `triage index`. Duplicate precision/recall is measured twice: on one firm
(scale 1, where each planted pair is unique), and on the whole benchmark index, where
every copy of the firm repeats the same planted wording, so a copy's identical report
also counts as a (false) flag there.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.retrieval import MiniLMInt8Embedding, TicketIndex, evaluate_duplicates
from agent.tools.odoo import OdooGateway
from agent.tools.readers import read_tickets_for_index
from agent.tools.records import Ticket


def read_demo_tickets(seed: int, scale: int) -> tuple[list[Ticket], list[list[int]], float]:
    """(tickets, planted duplicate pairs, seconds to read them through the gateway)."""
    from demo_odoo.runner import DemoOdoo

    with DemoOdoo(seed=seed, scale=scale) as odoo:
        gateway = OdooGateway(odoo.url, odoo.db, "triage", "triage").connect()
        start = time.perf_counter()
        tickets = read_tickets_for_index(gateway)
        return tickets, list(odoo.labels.get("duplicates", [])), time.perf_counter() - start


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(
    seed: int, scale: int, threads: int, queries: int, workdir: Path, threshold: float | None
) -> dict[str, Any]:
    embedding = MiniLMInt8Embedding(threads=threads)
    tickets, pairs, read_s = read_demo_tickets(seed, scale)
    index = TicketIndex(workdir / "chroma", embedding, rebuild=True, batch_size=64)
    start = time.perf_counter()
    stats = index.index(tickets)
    index_s = time.perf_counter() - start

    rng = random.Random(seed)
    latencies: list[float] = []
    for ticket in rng.sample(tickets, min(queries, len(tickets))):
        t0 = time.perf_counter()
        index.query_similar(ticket, k=5)
        latencies.append((time.perf_counter() - t0) * 1000)

    start = time.perf_counter()
    dup_all = evaluate_duplicates(index, None, pairs, threshold)
    eval_s = time.perf_counter() - start

    one_firm, one_pairs, _ = read_demo_tickets(seed, 1)
    small = TicketIndex(workdir / "chroma-one-firm", embedding, rebuild=True)
    small.index(one_firm)
    dup_one = evaluate_duplicates(small, None, one_pairs, threshold)
    return {
        "tickets": len(tickets),
        "embedded": stats.embedded,
        "read_s": round(read_s, 1),
        "index_s": round(index_s, 1),
        "texts_per_s": round(stats.embedded / index_s, 1),
        "disk_mb": round(disk_mb(workdir / "chroma"), 1),
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p99_ms": round(percentile(latencies, 0.99), 1),
        "duplicates_one_firm": dup_one,
        "duplicates_full_index": dup_all,
        "duplicates_eval_s": round(eval_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=67)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--threshold", type=float, default=None, help="Duplicate threshold (default: policy)."
    )
    parser.add_argument("--keep", type=Path, default=None, help="Keep the index in this folder.")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    try:
        result = run(args.seed, args.scale, args.threads, args.queries, workdir, args.threshold)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
