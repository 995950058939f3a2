"""Portfolio scan benchmark: `triage scan` over the demo firm at a given scale.

The demo Odoo runs in a child process, so the figures are the scanning client's own:
wall time, RPC calls, and peak resident memory (ru_maxrss). Run:

    python benchmarks/bench_scan.py --scale 1 --scale 20
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from agent import pipeline
from agent.config import Settings
from agent.pipeline import PipelineContext


def _serve(scale: int, conn: Connection) -> None:
    from demo_odoo.runner import DemoOdoo

    with DemoOdoo(version="18.0", scale=scale) as odoo:
        conn.send((odoo.url, odoo.db))
        conn.recv()


def _scan(url: str, db: str, publish: bool, workdir: Path) -> dict[str, float]:
    settings = Settings(
        ODOO_URL=url,
        ODOO_DB=db,
        ODOO_LOGIN="triage",
        ODOO_PASSWORD="triage",
        TRIAGE_LEDGER_URL=f"sqlite:///{workdir / 'ledger.sqlite3'}",
    )
    ctx = PipelineContext.from_settings(settings)
    t0 = time.perf_counter()
    result = pipeline.scan_portfolio(ctx=ctx, publish=publish)
    wall = time.perf_counter() - t0
    return {
        "projects": len(result.projects),
        "tickets": len(result.tickets),
        "errors": len(result.errors),
        "wall_s": wall,
        "rpc_calls": ctx.gateway.stats.calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, action="append", help="repeatable; default 1")
    parser.add_argument("--publish", action="store_true", help="also post notes (two runs)")
    args = parser.parse_args()
    print("| scale | projects | open tickets | run | wall s | RPC calls | peak RSS MiB |")
    print("|---:|---:|---:|---|---:|---:|---:|")
    for scale in args.scale or [1]:
        parent, child = mp.Pipe()
        server = mp.get_context("spawn").Process(target=_serve, args=(scale, child), daemon=True)
        server.start()
        url, db = parent.recv()
        try:
            runs = ["publish", "re-run (unchanged)"] if args.publish else ["dry"]
            with tempfile.TemporaryDirectory() as tmp:
                for run in runs:
                    fig = _scan(url, db, run != "dry", Path(tmp))
                    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                    print(
                        f"| {scale} | {fig['projects']:.0f} | {fig['tickets']:.0f} | {run} | "
                        f"{fig['wall_s']:.1f} | {fig['rpc_calls']:.0f} | {rss:.0f} |",
                        flush=True,
                    )
        finally:
            parent.send("stop")
            server.join(30)


if __name__ == "__main__":
    main()
