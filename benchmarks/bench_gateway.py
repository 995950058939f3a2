"""Gateway benchmark: batched readers vs a naive per-project/per-task/per-line loop.

Starts the demo Odoo (in a child process, so the client's peak memory is measured alone)
at scale 1 and scale 20, reads every active project's tasks, milestones and timesheet
totals, and prints RPC calls, wall time and peak memory (tracemalloc) side by side.

The naive loop does what a first script usually does: per project, search its tasks and
milestones; per task, read the task and each of its timesheet lines one by one. At scale
20 that is ~100k calls, so by default it runs on the first `--naive-projects` projects and
the totals are extrapolated linearly (marked with ~).

    python benchmarks/bench_gateway.py [--scales 1 20] [--naive-projects 12]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

from agent.tools import readers
from agent.tools.odoo import OdooGateway


def _serve(scale: int, conn: Connection) -> None:
    from demo_odoo.runner import DemoOdoo

    with DemoOdoo(version="18.0", scale=scale) as odoo:
        conn.send((odoo.url, odoo.db))
        conn.recv()  # until the parent says stop


@dataclass
class Run:
    calls: int
    seconds: float
    peak_mib: float
    projects: int
    tasks: int
    hours: float


def _measure(fn: Callable[[OdooGateway], tuple[int, int, float]], gw: OdooGateway) -> Run:
    gw.stats.reset()
    tracemalloc.start()
    started = time.perf_counter()
    projects, tasks, hours = fn(gw)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Run(gw.stats.calls, seconds, peak / 2**20, projects, tasks, hours)


def batched(project_ids: list[int]) -> Callable[[OdooGateway], tuple[int, int, float]]:
    def run(gw: OdooGateway) -> tuple[int, int, float]:
        bundles = readers.read_project_bundles(gw, project_ids, datetime.now(UTC))
        tasks = sum(len(b.tasks) for b in bundles)
        hours = sum(h.hours for b in bundles for h in b.hours_by_task)
        return len(bundles), tasks, hours

    return run


def naive(project_ids: list[int]) -> Callable[[OdooGateway], tuple[int, int, float]]:
    def run(gw: OdooGateway) -> tuple[int, int, float]:
        tasks = 0
        hours = 0.0
        for pid in project_ids:
            gw.read("project.project", [pid], ["name", "allocated_hours", "date_start", "date"])
            gw.search_read(
                "project.milestone", [("project_id", "=", pid)], ["name", "deadline", "is_reached"]
            )
            for task_id in gw.search("project.task", [("project_id", "=", pid)]):
                gw.read(
                    "project.task", [task_id], ["name", "allocated_hours", "stage_id", "user_ids"]
                )
                tasks += 1
                for line_id in gw.search("account.analytic.line", [("task_id", "=", task_id)]):
                    line = gw.read("account.analytic.line", [line_id], ["unit_amount", "date"])
                    hours += float(line[0]["unit_amount"]) if line else 0.0
            # lines without a task still count towards the project
            for line_id in gw.search(
                "account.analytic.line", [("project_id", "=", pid), ("task_id", "=", False)]
            ):
                line = gw.read("account.analytic.line", [line_id], ["unit_amount"])
                hours += float(line[0]["unit_amount"]) if line else 0.0
        return len(project_ids), tasks, hours

    return run


def bench_scale(scale: int, naive_projects: int) -> dict[str, Any]:
    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(target=_serve, args=(scale, child), daemon=True)
    server.start()
    try:
        url, db = parent.recv()
        gw = OdooGateway(url, db, "triage", "triage", retries=0, timeout=120)
        gw.connect()
        project_ids = [p.id for p in readers.list_active_projects(gw)]
        readers.read_project_bundles(gw, project_ids[:1], datetime.now(UTC))  # warm fields_get
        fast = _measure(batched(project_ids), gw)
        slowest = sorted(gw.stats.seconds_by_method.items(), key=lambda kv: -kv[1])[:3]
        sample = project_ids[:naive_projects] if naive_projects > 0 else project_ids
        slow = _measure(naive(sample), gw)
        factor = len(project_ids) / max(1, len(sample))
        return {
            "scale": scale,
            "projects": len(project_ids),
            "batched": fast,
            "naive": slow,
            "factor": factor,
            "slowest": slowest,
        }
    finally:
        parent.send("stop")
        server.join(timeout=30)
        if server.is_alive():
            server.terminate()


def _row(label: str, run: Run, factor: float = 1.0) -> str:
    mark = "~" if factor != 1.0 else " "
    return (
        f"  {label:<8} calls {mark}{run.calls * factor:>9.0f}   "
        f"wall {mark}{run.seconds * factor:>8.2f} s   peak {run.peak_mib:>7.2f} MiB   "
        f"projects {run.projects:>4}   tasks {run.tasks:>6}   hours {run.hours:>10.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20])
    parser.add_argument(
        "--naive-projects", type=int, default=12, help="0 = all projects (slow at scale 20)"
    )
    args = parser.parse_args()
    results = [bench_scale(s, args.naive_projects) for s in args.scales]
    print("Gateway benchmark: every active project's tasks, milestones and timesheet totals")
    for r in results:
        print(f"scale {r['scale']}: {r['projects']} active projects")
        print(_row("batched", r["batched"]))
        print(
            "           slowest batched calls: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in r["slowest"])
        )
        naive_run: Run = r["naive"]
        print(_row("naive", naive_run))
        if r["factor"] != 1.0:
            print(_row("naive*", naive_run, r["factor"]) + "   (* extrapolated to all projects)")
    calls = {r["batched"].calls for r in results}
    print(
        "batched call count is constant across scales: "
        + ("yes" if len(calls) == 1 else f"NO ({sorted(calls)})")
    )


if __name__ == "__main__":
    main()
