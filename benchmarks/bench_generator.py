"""Generation time and record counts of the demo firm at scale 1 and 20.

python benchmarks/bench_generator.py [--seed 7] [--scales 1 20]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

from demo_odoo.generator import generate

SHOWN = (
    "project.project",
    "project.task",
    "account.analytic.line",
    "helpdesk.ticket",
    "mail.message",
    "hr.employee",
    "hr.leave",
    "sale.order.line",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20])
    args = parser.parse_args()
    today = date.today()
    for scale in args.scales:
        start = time.perf_counter()
        cpu = time.process_time()
        data, labels = generate(args.seed, scale, today)
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        size = len(json.dumps(data, separators=(",", ":")))
        total = sum(len(rows) for rows in data.values())
        print(
            f"scale {scale}: {wall:.2f} s wall, {used:.2f} s CPU, {total} records, "
            f"{size / 1e6:.1f} MB JSON, {len(labels['situations'])} labelled situations"
        )
        print("   " + ", ".join(f"{m}={len(data[m])}" for m in SHOWN))


if __name__ == "__main__":
    main()
